from pathlib import Path

import pytest

from classement import RecordError, read_articles, read_labelled
from classement.taxonomy import Taxonomy


def test_reads_articles_and_ignores_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1, "title": "T", "text": "x"}\n\n{"id": "b", "text": null}\n')
    articles = read_articles(path)
    assert [(a.id, a.title, a.text, a.lang) for a in articles] == [
        ("1", "T", "x", ""),
        ("b", "", "", ""),
    ]


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "ok"}\n{"id": "b", "text": \n')
    with pytest.raises(RecordError, match=r"ligne 2 : JSON invalide"):
        read_articles(path)


def test_missing_id_or_wrong_type_names_the_line(tmp_path: Path, write_jsonl) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [{"id": "a"}, {"title": "sans id"}])
    with pytest.raises(RecordError, match=r"ligne 2 .*id"):
        read_articles(path)
    path = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": 3}])
    with pytest.raises(RecordError, match=r"ligne 1 .*text"):
        read_articles(path)


def test_unknown_label_names_the_line_and_the_id(
    tmp_path: Path, taxonomy: Taxonomy, write_jsonl
) -> None:
    rows = [
        {"id": "a", "title": "t", "text": "x", "themes": ["juridique"], "jobs": []},
        {"id": "b", "title": "t", "text": "x", "themes": ["juridique"], "jobs": ["astronaute"]},
    ]
    path = write_jsonl(tmp_path / "labelled.jsonl", rows)
    with pytest.raises(RecordError, match=r"labelled.jsonl, ligne 2 : .*'astronaute'"):
        read_labelled(path, taxonomy)


def test_theme_given_as_job_is_refused(tmp_path: Path, taxonomy: Taxonomy, write_jsonl) -> None:
    path = write_jsonl(tmp_path / "l.jsonl", [{"id": "a", "themes": [], "jobs": ["juridique"]}])
    with pytest.raises(RecordError, match="ligne 1"):
        read_labelled(path, taxonomy)


def test_missing_and_non_utf8_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="lecture impossible"):
        read_articles(tmp_path / "absent.jsonl")
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes('{"id": "a", "text": "été"}\n'.encode("latin-1"))
    with pytest.raises(RecordError, match="UTF-8"):
        read_articles(latin1)


def test_the_shipped_corpus_is_valid(corpus: list, taxonomy: Taxonomy) -> None:
    ids = [record.id for record in corpus]
    assert len(ids) == len(set(ids)), "ids must be unique across corpus files"
    for label in taxonomy.ids:
        assert sum(label in record.labels for record in corpus) >= 40, label
