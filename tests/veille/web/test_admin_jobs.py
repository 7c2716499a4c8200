"""The « Tâches » page: administrators only, last run and outcome, « lancer maintenant » (CSRF)."""

from pathlib import Path

from tests.veille.web.conftest import ADMIN_EMAIL, Client
from veille.jobs.schedule import JOBS
from veille.settings import Settings


def test_jobs_page_is_for_administrators_only(client: Client, accounts: dict[str, str]) -> None:
    anonymous = client.get("/admin/taches")
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
    client.login()
    assert client.get("/admin/taches").status_code == 403
    assert client.form("/admin/taches/classement/lancer", {}).status_code == 403


def test_admin_sees_every_job_and_runs_one_now(client: Client, accounts: dict[str, str]) -> None:
    client.login(email=ADMIN_EMAIL)
    page = client.get("/admin/taches").text
    for spec in JOBS.values():
        assert spec.title.replace("'", "&#39;") in page
    assert "jamais exécutée" in page and "lundi 08:00" in page
    assert client.post("/admin/taches/classement/lancer").status_code == 403  # no CSRF token
    response = client.form("/admin/taches/classement/lancer", {}, page="/admin/taches")
    assert response.status_code == 303
    after = client.get("/admin/taches").text
    assert "réussie" in after and "0 article(s) en attente classé(s)" in after
    assert "(à la demande)" in after
    unknown = client.form("/admin/taches/inconnue/lancer", {}, page="/admin/taches")
    assert unknown.status_code == 404


def test_a_collection_that_cannot_read_its_catalogue_is_shown_as_failed(
    client: Client, accounts: dict[str, str], settings: Settings
) -> None:
    Path(settings.sources).write_text("[[feeds]]\nname = \n", encoding="utf-8")
    client.login(email=ADMIN_EMAIL)
    client.form("/admin/taches/collecte/lancer", {}, page="/admin/taches")
    page = client.get("/admin/taches").text
    assert "échec" in page and "collecte impossible" in page
