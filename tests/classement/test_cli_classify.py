"""``veille classify``: files without a database, then train and reclassify with one."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from classement import Classifier, LabelledArticle, load_latest
from db.engine import session_scope
from db.models import Article, Label, Source
from veille.cli import main

COLLECTED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def run(args: list[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["classify", *args], env=env or {}, catch_exceptions=False)


@pytest.fixture
def input_file(tmp_path: Path, held_out: list[LabelledArticle], write_jsonl: Callable) -> Path:
    rows = [{"id": r.id, "title": r.article.title, "text": r.article.text} for r in held_out[:20]]
    rows.append({"id": "vide", "title": "", "text": ""})
    rows.append({"id": "html", "title": "<b>IA</b>", "text": "<p>Chatbot &amp; mairie</p>"})
    return write_jsonl(tmp_path / "in.jsonl", rows)


def test_predict_writes_the_contract(input_file: Path, model_file: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    result = run(
        ["predict", "--input", str(input_file), "--output", str(output), "--model", str(model_file)]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 22 and lines[-2]["id"] == "vide" and lines[-1]["id"] == "html"
    for line in lines:
        assert set(line) >= {"id", "themes", "jobs", "scores"}
        assert len(line["scores"]) == 12
        assert all(isinstance(p, float) for p in line["scores"].values())


def test_predict_uses_the_model_directory(
    input_file: Path, model_file: Path, tmp_path: Path
) -> None:
    directory = tmp_path / "modeles"
    directory.mkdir()
    shutil.copy(model_file, directory / "modele-0003.npz")
    result = run(
        ["predict", "--input", str(input_file), "--output", "-"],
        {"VEILLE_MODEL_DIR": str(directory)},
    )
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 22


def test_evaluate_json(
    model_file: Path, tmp_path: Path, held_out: list, write_jsonl, labelled_rows
) -> None:
    path = write_jsonl(tmp_path / "labelled.jsonl", labelled_rows(held_out[:60]))
    result = run(["evaluate", "--input", str(path), "--json", "--model", str(model_file)])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    for kind in ("themes", "jobs"):
        assert 0 <= payload[kind]["micro_f1"] <= 1 and 0 <= payload[kind]["macro_f1"] <= 1
        assert len(payload[kind]["per_label"]) == 6
        low, high = payload[kind]["macro_f1_interval"]
        assert low <= payload[kind]["macro_f1"] <= high
    table = run(["evaluate", "--input", str(path), "--model", str(model_file)])
    assert table.exit_code == 0 and "macro-F1" in table.stdout
    assert "IC 95 %" in table.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"id": "a", "themes": ["juridique"], "jobs": []}\n{"id": "b", "jobs": ["pilote"]}\n',
            "ligne 2",
        ),
        ('{"id": "a", "themes": [}\n', "ligne 1 : JSON invalide"),
    ],
)
def test_bad_labelled_file_is_one_clear_line(
    model_file: Path, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    result = run(["evaluate", "--input", str(path), "--json", "--model", str(model_file)])
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_or_corrupted_model_is_one_clear_line(input_file: Path, tmp_path: Path) -> None:
    missing = run(["predict", "--input", str(input_file), "--model", str(tmp_path / "absent.npz")])
    assert missing.exit_code == 1 and "aucun modèle" in missing.stderr
    broken = tmp_path / "modele-0001.npz"
    broken.write_bytes(b"PK\x03\x04 pas un modele")
    corrupted = run(["predict", "--input", str(input_file)], {"VEILLE_MODEL_DIR": str(tmp_path)})
    assert corrupted.exit_code == 1
    assert "illisible" in corrupted.stderr and "veille classify train" in corrupted.stderr


def test_empty_labelled_file_is_refused(model_file: Path, tmp_path: Path) -> None:
    empty = tmp_path / "vide.jsonl"
    empty.write_text("\n", encoding="utf-8")
    result = run(["evaluate", "--input", str(empty), "--json", "--model", str(model_file)])
    assert result.exit_code == 1 and "aucun article annoté" in result.stderr


def test_bad_since_date_is_refused() -> None:
    result = run(["reclassify", "--since", "hier"])
    assert result.exit_code == 1 and "date invalide" in result.stderr


# --- with a database ---------------------------------------------------------------------


def _add_article(session: Session, source: Source, number: int, title: str, text: str) -> Article:
    row = Article(
        source=source,
        title=title,
        summary_html=f"<p>{text}</p>",
        published_at=COLLECTED,
        collected_at=COLLECTED,
        content_hash=f"hash-{number}",
        canonical_url=f"https://exemple.fr/{number}",
        guid=str(number),
    )
    session.add(row)
    return row


def _seed(factory: sessionmaker[Session], held_out: list[LabelledArticle]) -> list[int]:
    """Ten articles; the first two carry curator labels (one positive, one removal)."""
    with session_scope(factory) as session:
        source = Source(
            kind="feed",
            name="Flux",
            url="https://exemple.fr/flux",
            catalogue_url="https://exemple.fr/",
            interval_seconds=3600,
        )
        session.add(source)
        rows = [
            _add_article(session, source, i, r.article.title, r.article.text)
            for i, r in enumerate(held_out[:10])
        ]
        session.flush()
        rows[0].labels.append(Label(label="graphiste", kind="job", score=1.0, origin="curator"))
        rows[1].labels.append(Label(label="juridique", kind="theme", score=0.0, origin="curator"))
        rows[2].labels.append(Label(label="social", kind="theme", score=0.7, origin="model"))
        return [row.id for row in rows]


def test_train_then_reclassify_keeps_curator_labels(
    database_url: str,
    session_factory: sessionmaker[Session],
    subset: list[LabelledArticle],
    held_out: list[LabelledArticle],
    tmp_path: Path,
    write_jsonl: Callable[..., Any],
    labelled_rows: Callable[..., Any],
) -> None:
    ids = _seed(session_factory, held_out)
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    write_jsonl(corpus_dir / "corpus_petit.jsonl", labelled_rows(subset[:200]))
    env = {"VEILLE_DATABASE_URL": database_url, "VEILLE_MODEL_DIR": str(tmp_path / "modeles")}

    trained = run(["train", "--corpus", str(corpus_dir)], env)
    assert trained.exit_code == 0, trained.output
    model: Classifier = load_latest(tmp_path / "modeles")
    assert model.info["n_curator_records"] == 2 and model.info["n_corpus_records"] == 200
    assert model.info["origin"] == "train" and model.info["version"] == "modele-0001"

    result = run(["reclassify", "--since", "2026-11-01"], env)
    assert result.exit_code == 0, result.output
    assert "10 article(s)" in result.stdout
    with session_scope(session_factory) as session:
        labels = session.scalars(select(Label).where(Label.article_id.in_(ids))).all()
        curator = {(r.article_id, r.label, r.score) for r in labels if r.origin == "curator"}
        assert curator == {(ids[0], "graphiste", 1.0), (ids[1], "juridique", 0.0)}
        model_rows = [row for row in labels if row.origin == "model"]
        assert all(row.model_version == "modele-0001" for row in model_rows)
        assert all(
            row.score >= float(model.thresholds[model.label_ids.index(row.label)]) - 1e-4
            for row in model_rows
        )
        articles = session.scalars(select(Article).where(Article.id.in_(ids))).all()
        assert all(a.relevance is not None and a.classified_at is not None for a in articles)

    again = run(["reclassify", "--since", "2030-01-01"], env)
    assert again.exit_code == 0 and "0 article(s)" in again.stdout


def test_train_rebuilds_after_a_corrupted_model(
    tmp_path: Path,
    input_file: Path,
    subset: list[LabelledArticle],
    write_jsonl: Callable[..., Any],
    labelled_rows: Callable[..., Any],
) -> None:
    models = tmp_path / "modeles"
    models.mkdir()
    (models / "modele-0001.npz").write_bytes(b"\x00" * 64)
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    write_jsonl(corpus_dir / "corpus_petit.jsonl", labelled_rows(subset[:150]))
    env = {"VEILLE_MODEL_DIR": str(models)}
    assert run(["predict", "--input", str(input_file)], env).exit_code == 1

    trained = run(["train", "--corpus-only", "--corpus", str(corpus_dir)], env)
    assert trained.exit_code == 0, trained.output
    assert "modele-0002.npz" in trained.stdout
    assert run(["predict", "--input", str(input_file)], env).exit_code == 0


def test_label_articles_is_what_collect_calls(
    database_url: str,
    session_factory: sessionmaker[Session],
    held_out: list[LabelledArticle],
    model_file: Path,
    tmp_path: Path,
) -> None:
    from veille.labelling import label_articles
    from veille.settings import load_settings

    ids = _seed(session_factory, held_out)
    models = tmp_path / "modeles"
    models.mkdir()
    shutil.copy(model_file, models / "modele-0001.npz")
    settings = load_settings({"VEILLE_DATABASE_URL": database_url, "VEILLE_MODEL_DIR": str(models)})
    assert label_articles(settings, session_factory, ids[:4]) == 4
    with session_scope(session_factory) as session:
        rows = session.scalars(select(Label).where(Label.origin == "model")).all()
        labelled = {row.article_id for row in rows}
        assert labelled <= set(ids[:4]) | {ids[2]}
        assert all(row.explanation is not None for row in rows)
        curator = session.scalars(select(Label).where(Label.origin == "curator")).all()
        assert len(curator) == 2
