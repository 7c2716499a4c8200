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

#: A condition on rounded scores: surely true, surely false, or too close to tell (None).
Maybe = bool | None


def _within(gap: float, band: float) -> Maybe:
    return True if gap <= band - ROUNDING else False if gap > band + ROUNDING else None


def _reaches(score: float, threshold: float) -> Maybe:
    return (
        True if score >= threshold + ROUNDING else False if score < threshold - ROUNDING else None
    )


def _and(a: Maybe, b: Maybe) -> Maybe:
    return False if a is False or b is False else None if a is None or b is None else True


def _or(a: Maybe, b: Maybe) -> Maybe:
    return True if a is True or b is True else None if a is None or b is None else False


def doubtful(
    model_file: Path, scores: dict[str, float], any_label: float | None, band: float
) -> tuple[set[str], set[str]]:
    """Labels surely uncertain, and labels the rounding alone may put on either side.

    Uncertain: the label's score is within ``band`` of its threshold while the gate
    lets it through or nearly does, or the score passes the threshold and the gate's
    probability is within ``band`` of the gate threshold.
    """
    model = load_model(model_file)
    thresholds = dict(zip(model.label_ids, model.thresholds.tolist(), strict=True))
    gates = dict.fromkeys(model.label_ids, 0.0)
    if model.gate is not None:
        gates = dict(zip(model.label_ids, model.gate.thresholds.tolist(), strict=True))
    inside, edge = set(), set()
    for label, score in scores.items():
        threshold, gate = thresholds[label], gates[label]
        if threshold >= 1:
            continue
        near: Maybe = _within(abs(score - threshold), band)
        if gate > 0 and any_label is not None:
            gate_near = _within(abs(any_label - gate), band)
            gate_open = _reaches(any_label, gate)
            near = _or(_and(near, _or(gate_open, gate_near)),
                       _and(_reaches(score, threshold), gate_near))  # fmt: skip
        if near is True:
            inside.add(label)
        elif near is None:
            edge.add(label)
    return inside, edge


def test_predict_lists_the_labels_near_their_threshold(input_file: Path, model_file: Path) -> None:
    lines = predict(input_file, model_file)
    assert all(isinstance(line["uncertain"], list) for line in lines)
    flagged = [set(line["uncertain"]) for line in lines]
    assert any(flagged), "some of sixty articles have a doubtful label"
    for line, labels in zip(lines, flagged, strict=True):
        inside, edge = doubtful(model_file, line["scores"], line["any_label"], 0.1)
        assert inside <= labels <= inside | edge


def test_the_gate_clears_every_label_of_the_articles_it_rejects(
    corpus: list[LabelledArticle],
    subset: list[LabelledArticle],
    model_file: Path,
    tmp_path: Path,
    write_jsonl: Callable,
) -> None:
    """A label whose score passes its threshold is given only if the article passes the
    gate "at least one label"; of 2,000 unseen examples, the gate rejects some."""
    seen = {record.id for record in subset}
    rows = [{"id": r.id, "title": r.article.title, "text": r.article.text}
            for r in corpus if r.id not in seen][:2000]  # fmt: skip
    input_file = write_jsonl(tmp_path / "in.jsonl", rows)
    model = load_model(model_file)
    assert model.gate is not None
    thresholds = dict(zip(model.label_ids, model.thresholds.tolist(), strict=True))
    gates = dict(zip(model.label_ids, model.gate.thresholds.tolist(), strict=True))
    cleared = 0
    for line in predict(input_file, model_file):
        given = set(line["themes"]) | set(line["jobs"])
        for label, score in line["scores"].items():
            if (
                abs(score - thresholds[label]) < ROUNDING
                or abs(line["any_label"] - gates[label]) < ROUNDING
            ):
                continue
            passes = score > thresholds[label] and line["any_label"] > gates[label]
            assert (label in given) == passes, (line["id"], label)
            cleared += score > thresholds[label] and not passes
    assert cleared > 0, "the gate rejected none of 2,000 articles"


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
        # Stored labels are given ones, past the gate: one is uncertain when its score is
        # near its threshold, or when its article's gate probability is near the gate's.
        bands = [doubtful(model_file, {row.label: row.score}, None, band) for row in rows]
        near = [row.label in inside for row, (inside, _) in zip(rows, bands, strict=True)]
        for row, close in zip(rows, near, strict=True):
            assert row.uncertain or not close
        by_article: dict[int, set[bool]] = {}
        for row, (_, edge), close in zip(rows, bands, near, strict=True):
            if not close and row.label not in edge:  # uncertain only through the gate
                by_article.setdefault(row.article_id, set()).add(row.uncertain)
        assert all(len(flags) == 1 for flags in by_article.values())
        flagged = [row.uncertain for row in rows]
    if band == 1.0:
        assert all(near) and all(flagged)
    if band == 0.0:
        assert not any(flagged)
    if band == 0.15:
        assert any(near) and not all(flagged)
