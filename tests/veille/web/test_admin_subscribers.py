"""« Abonnés »: search, filters, pages, edit, erasure of personal data, counts per label."""

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.models import Base, Delivery, Edition, Subscriber
from tests.veille.web.conftest import Client

LIST = "/admin/abonnes/liste"
MARIE = "marie.dupont@grandreims.fr"


def add_subscribers(session_factory: sessionmaker[Session]) -> int:
    """Marie (referent, active), 54 agents (active, whole edition), two who left or bounce."""
    with session_scope(session_factory) as session:
        marie = Subscriber(
            email=MARIE,
            name="Marie Dupont",
            direction="Direction juridique",
            themes=["juridique", "ethique"],
            jobs=["juriste"],
            status="active",
        )
        session.add(marie)
        for number in range(54):
            session.add(Subscriber(email=f"agent{number:02d}@grandreims.fr", status="active"))
        session.add(
            Subscriber(email="parti@grandreims.fr", status="unsubscribed", jobs=["juriste"])
        )
        session.add(Subscriber(email="rejet@grandreims.fr", status="bounced", name="Rejet"))
        session.flush()
        return marie.id


def test_search_filters_and_pages(admin: Client, session_factory: sessionmaker[Session]) -> None:
    add_subscribers(session_factory)
    first = admin.get(LIST)
    assert "57 abonné(s) trouvé(s) · page 1 sur 2" in first.text
    second = admin.get(f"{LIST}?page=2")
    assert "agent53@grandreims.fr" in second.text and "agent00@grandreims.fr" not in second.text

    by_name = admin.get(f"{LIST}?q=DUPONT").text
    assert "1 abonné(s) trouvé(s)" in by_name and MARIE in by_name
    by_address = admin.get(f"{LIST}?q=agent0").text
    assert "10 abonné(s) trouvé(s)" in by_address
    percent = admin.get(f"{LIST}?q=%25").text
    assert "0 abonné(s) trouvé(s)" in percent, "a % is a character, not a wildcard"

    juriste = admin.get(f"{LIST}?job=juriste").text
    assert "2 abonné(s) trouvé(s)" in juriste and "parti@grandreims.fr" in juriste
    active_juriste = admin.get(f"{LIST}?job=juriste&state=active").text
    assert "1 abonné(s) trouvé(s)" in active_juriste and MARIE in active_juriste
    ethique = admin.get(f"{LIST}?theme=ethique").text
    assert "1 abonné(s) trouvé(s)" in ethique and MARIE in ethique
    bounced = admin.get(f"{LIST}?state=bounced").text
    assert "1 abonné(s) trouvé(s)" in bounced and "rejet@grandreims.fr" in bounced
    assert admin.get(f"{LIST}?theme=inconnu").status_code == 400
    assert admin.get(f"{LIST}?state=parti").status_code == 400


def test_counts_per_theme_and_job_of_active_subscribers(
    admin: Client, session_factory: sessionmaker[Session]
) -> None:
    add_subscribers(session_factory)
    text = admin.get(LIST).text
    assert "54 abonné(s) actif(s) reçoivent toute l'édition." in text
    assert '<th scope="row">Juriste</th><td>1</td>' in text  # the one who left is not counted
    assert '<th scope="row">Éthique et sociétal</th><td>1</td>' in text


def test_admin_edits_a_subscriber(admin: Client, session_factory: sessionmaker[Session]) -> None:
    marie_id = add_subscribers(session_factory)
    form = admin.get(f"/admin/abonnes/{marie_id}/modifier")
    assert form.status_code == 200 and 'value="Marie Dupont"' in form.text
    saved = admin.form(
        f"/admin/abonnes/{marie_id}/modifier",
        {"name": "Marie Dupont-Martin", "direction": "DSI", "themes": ["technique"],
         "jobs": [], "state": "unsubscribed"},
        f"/admin/abonnes/{marie_id}/modifier",
    )  # fmt: skip
    assert saved.status_code == 303
    assert f"Abonné {MARIE} enregistré." in admin.get(saved.headers["location"]).text
    with session_scope(session_factory) as session:
        marie = session.get(Subscriber, marie_id)
        assert marie is not None
        assert (marie.name, marie.direction, marie.themes, marie.jobs, marie.status) == (
            "Marie Dupont-Martin",
            "DSI",
            ["technique"],
            [],
            "unsubscribed",
        )
        assert marie.unsubscribed_at is not None and marie.token_version == 1
    wrong = admin.form(
        f"/admin/abonnes/{marie_id}/modifier", {"themes": ["astrologie"], "state": "active"}, LIST
    )
    assert wrong.status_code == 400 and "Thème inconnu" in wrong.text


def every_value(session: Session) -> str:
    """Every value of every row of every table, as one text."""
    parts = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)):
            parts.extend(str(value) for value in row)
    return "\n".join(parts)


def test_erasure_leaves_no_trace_of_the_address(
    admin: Client, session_factory: sessionmaker[Session]
) -> None:
    marie_id = add_subscribers(session_factory)
    with session_scope(session_factory) as session:
        edition = Edition(week="2026-W20", status="sent")
        session.add(edition)
        session.flush()
        session.add(
            Delivery(
                edition_id=edition.id,
                subscriber_id=marie_id,
                status="failed",
                message_id=f"<veille-2026-W20.{marie_id}@grandreims.fr>",
                last_error=f"550 <{MARIE}> : boîte inconnue",
            )
        )
    with session_scope(session_factory) as session:
        assert MARIE in every_value(session) and "Marie Dupont" in every_value(session)

    confirm = admin.get(f"/admin/abonnes/{marie_id}/effacer")
    assert confirm.status_code == 200 and "Effacer définitivement" in confirm.text
    with session_scope(session_factory) as session:
        assert session.get(Subscriber, marie_id) is not None, "the confirmation page erases nothing"
    done = admin.form(
        f"/admin/abonnes/{marie_id}/effacer", {}, f"/admin/abonnes/{marie_id}/effacer"
    )
    assert done.status_code == 303
    listing = admin.get(done.headers["location"]).text
    assert "historique d&#39;envoi sont effacés" in listing and MARIE not in listing
    with session_scope(session_factory) as session:
        everything = every_value(session)
        assert MARIE not in everything and "Marie Dupont" not in everything
        assert "Direction juridique" not in everything
        assert session.scalar(select(Edition.week)) == "2026-W20", "the edition stays"
    assert admin.get(f"/admin/abonnes/{marie_id}/modifier").status_code == 404
