"""Weekly retraining: only when curators changed labels, never to a worse model.

Two real trainings (about ten seconds each): SQLite only.
"""

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from classement import latest_model_path, load_model
from classement.store import model_paths, save_model
from tests.newsletter.factories import article, source
from veille.jobs.base import JobContext
from veille.jobs.runner import run_job
from veille.settings import Settings


def pretend_score(directory: Path, score: float) -> None:
    """Give the latest model this cross-validation score and an older curator digest."""
    path = latest_model_path(directory)
    model = load_model(path)
    for group in ("themes", "jobs"):
        model.info["cross_validation"][group]["macro_f1"] = score
    model.info["curator_fingerprint"] = "étiquettes d'avant"
    save_model(model, path)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_retrain_keeps_a_better_model_then_learns_and_then_rests(
    job_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    directory = Path(job_settings.model_dir)
    with session_factory() as session:
        src = source(session)
        for n in range(3):
            article(session, src, f"Délibération n° {n} sur l'IA", {"juridique": 1.0}, curator=True)
        session.commit()
    context = JobContext(job_settings, session_factory, Path(job_settings.sources))
    pretend_score(directory, 1.0)
    kept = run_job(context, "reentrainement", manual=True)
    assert kept is not None and "moins bon en validation croisée" in kept.text
    assert len(model_paths(directory)) == 1
    pretend_score(directory, 0.0)
    learnt = run_job(context, "reentrainement", manual=True)
    assert learnt is not None and "enregistré" in learnt.text, learnt
    assert len(model_paths(directory)) == 2
    assert load_model(latest_model_path(directory)).info["origin"] == "retrain"
    rest = run_job(context, "reentrainement", manual=True)
    assert rest is not None and "aucune étiquette des curateurs modifiée" in rest.text
