"""Labels close to their threshold are called uncertain, in files and in the database."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from classement import LabelledArticle, load_model
from db.engine import session_scope
from db.models import Article, Label, Source
from veille.cli import main
from veille.labelling import label_articles
from veille.settings import load_settings


@pytest.fixture
def input_file(tmp_path: Path, held_out: list[LabelledArticle], write_jsonl: Callable) -> Path:
    rows = [{"id": r.id, "title": r.article.title, "text": r.article.text} for r in held_out[:60]]
    return write_jsonl(tmp_path / "in.jsonl", rows)


def predict(input_file: Path, model_file: Path, *options: str) -> list[dict[str, Any]]:
    args = ["classify", "predict", "--input", str(input_file), "--model", str(model_file)]
    result = CliRunner().invoke(main, [*args, *options], env={}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


#: Scores are printed and stored rounded to four decimals.
ROUNDING = 1e-4


def near_threshold(
    model_file: Path, scores: dict[str, float], band: float
) -> tuple[set[str], set[str]]:
    """Labels whose rounded score is surely within ``band`` of the threshold, and labels
    so close to the band's edge that the rounding alone may put them on either side."""
    model = load_model(model_file)
    thresholds = dict(zip(model.label_ids, model.thresholds.tolist(), strict=True))
    gaps = {label: abs(score - thresholds[label]) for label, score in scores.items()
            if thresholds[label] < 1}  # fmt: skip
    inside = {label for label, gap in gaps.items() if gap <= band - ROUNDING}
    edge = {label for label, gap in gaps.items() if abs(gap - band) < ROUNDING}
    return inside, edge


def test_predict_lists_the_labels_near_their_threshold(input_file: Path, model_file: Path) -> None:
    lines = predict(input_file, model_file)
    assert all(isinstance(line["uncertain"], list) for line in lines)
    flagged = [set(line["uncertain"]) for line in lines]
    assert any(flagged), "some of sixty articles have a doubtful label"
    for line, labels in zip(lines, flagged, strict=True):
        inside, edge = near_threshold(model_file, line["scores"], 0.1)
        assert inside <= labels <= inside | edge


def test_band_option_widens_or_removes_the_doubt(input_file: Path, model_file: Path) -> None:
    narrow = predict(input_file, model_file, "--band", "0")
    assert not any(line["uncertain"] for line in narrow)
    wide = predict(input_file, model_file, "--band", "0.3")
    default = predict(input_file, model_file)
    assert sum(map(len, (w["uncertain"] for w in wide))) > sum(
        map(len, (d["uncertain"] for d in default))
    )
    bad = CliRunner().invoke(main, ["classify", "predict", "--input", str(input_file),
                                    "--band", "2"])  # fmt: skip
    assert bad.exit_code == 2


def _seed(factory: sessionmaker[Session], held_out: list[LabelledArticle]) -> list[int]:
    when = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with session_scope(factory) as session:
        source = Source(kind="feed", name="Flux", url="https://exemple.fr/flux",
                        catalogue_url="https://exemple.fr/", interval_seconds=3600)  # fmt: skip
        rows = [
            Article(
                source=source,
                title=r.article.title,
                summary_html=r.article.text,
                published_at=when,
                content_hash=f"h{i}",
                guid=str(i),
            )
            for i, r in enumerate(held_out[:40])
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


@pytest.mark.parametrize("band", [0.0, 0.15, 1.0])
def test_stored_model_labels_carry_the_doubt(
    band: float,
    database_url: str,
    session_factory: sessionmaker[Session],
    held_out: list[LabelledArticle],
    model_file: Path,
    tmp_path: Path,
) -> None:
    models = tmp_path / "modeles"
    models.mkdir()
    shutil.copy(model_file, models / "modele-0001.npz")
    settings = load_settings({"VEILLE_DATABASE_URL": database_url,
                              "VEILLE_MODEL_DIR": str(models),
                              "VEILLE_UNCERTAIN_BAND": str(band)})  # fmt: skip
    label_articles(settings, session_factory, _seed(session_factory, held_out))
    with session_scope(session_factory) as session:
        rows = session.scalars(select(Label).where(Label.origin == "model")).all()
        assert rows
        bands = [near_threshold(model_file, {row.label: row.score}, band) for row in rows]
        expected = [row.label in inside for row, (inside, _) in zip(rows, bands, strict=True)]
        for row, (inside, edge) in zip(rows, bands, strict=True):
            assert row.uncertain == (row.label in inside) or row.label in edge
    if band == 1.0:
        assert all(expected)
    if band == 0.15:
        assert any(expected) and not all(expected)
