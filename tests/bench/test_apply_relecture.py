"""Applying a re-reading to the corpus: the chosen labels, once, never over a later edit."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "apply_relecture.py"


def _example(id_: str, themes: list[str], jobs: list[str]) -> dict[str, Any]:
    return {"id": id_, "title": f"Titre « {id_} »", "text": "Résumé.", "lang": "fr",
            "themes": themes, "jobs": jobs}  # fmt: skip


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def _run(tmp_path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPT), *flags]
    command += [
        "--relecture",
        str(tmp_path / "relecture.jsonl"),
        "--corpus",
        str(tmp_path / "data"),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def _setup(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    _write(
        data / "corpus_a.jsonl",
        [_example("a-1", ["juridique"], []), _example("a-2", [], ["manager"]),
         _example("a-3", ["social"], ["juriste"])],
    )  # fmt: skip
    _write(
        tmp_path / "relecture.jsonl",
        [{"id": "a-1", "file": "corpus_a.jsonl", "themes": ["juridique", "technique"],
          "jobs": ["juriste"], "earlier_themes": ["juridique"], "earlier_jobs": []},
         {"id": "a-2", "file": "corpus_a.jsonl", "themes": ["organisationnel"],
          "jobs": [], "earlier_themes": [], "earlier_jobs": ["manager"]}],
    )  # fmt: skip
    return data / "corpus_a.jsonl"


def test_jobs_alone_are_applied_and_the_rest_is_kept_byte_for_byte(tmp_path: Path) -> None:
    corpus = _setup(tmp_path)
    untouched = corpus.read_text("utf-8").splitlines()[2]
    done = _run(tmp_path, "--jobs")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in corpus.read_text("utf-8").splitlines()]
    assert [(r["themes"], r["jobs"]) for r in rows[:2]] == [(["juridique"], ["juriste"]), ([], [])]
    assert corpus.read_text("utf-8").splitlines()[2] == untouched
    assert "2 ligne(s) modifiée(s)" in done.stdout


def test_running_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    corpus = _setup(tmp_path)
    assert _run(tmp_path, "--themes", "--jobs").returncode == 0
    after_first = corpus.read_bytes()
    again = _run(tmp_path, "--themes", "--jobs")
    assert again.returncode == 0
    assert corpus.read_bytes() == after_first
    assert "0 ligne(s) modifiée(s)" in again.stdout and "2 déjà à jour" in again.stdout


def test_a_line_edited_since_the_re_reading_stops_everything(tmp_path: Path) -> None:
    corpus = _setup(tmp_path)
    rows = [json.loads(line) for line in corpus.read_text("utf-8").splitlines()]
    rows[1]["jobs"] = ["assistant_administratif"]
    _write(corpus, rows)
    before = corpus.read_bytes()
    done = _run(tmp_path, "--jobs")
    assert done.returncode == 1
    assert "a-2 a changé depuis la relecture (jobs)" in done.stdout
    assert corpus.read_bytes() == before


def test_the_shipped_re_reading_still_matches_the_shipped_corpus(tmp_path: Path) -> None:
    """Until the watch team chooses, every re-read line can still be applied as measured."""
    done = subprocess.run(
        [sys.executable, "-c",
         "import sys; sys.path.insert(0, 'bench'); import apply_relecture as a; "
         "p = a.plan(a.DEFAULT_RELECTURE, a.DEFAULT_CORPUS_DIR, ['themes', 'jobs']); "
         "print(p.count, len(p.conflicts), p.already, len(a._read_jsonl(a.DEFAULT_RELECTURE)))"],
        capture_output=True, text=True, timeout=120, cwd=SCRIPT.parents[1],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    to_change, conflicts, already, lines = map(int, done.stdout.split())
    assert (to_change, conflicts, already) == (lines, 0, 0)
