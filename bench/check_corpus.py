"""Checks of corpus files before they join the training corpus.

Run with ``uv run python bench/check_corpus.py FILE.jsonl… [--against HELD_OUT.jsonl]``.

For each file: every line has the fields of ``corpus_real_*.jsonl`` (``id``,
``title``, ``text``, ``lang``, ``themes``, ``jobs``, ``source_url``), with
known label ids and ``lang`` ``fr`` or ``en``; its ids are unique within the
shipped corpus and the other files; its source addresses are unique, and its titles
close to a corpus title are listed. With ``--against``, titles close to a title of that file
(an evaluation set) are listed: only its titles are read, never its labels,
so this is a leakage check, not an evaluation.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from classement import load_taxonomy
from classement.corpus import corpus_files
from classement.text import fold

FIELDS = ("id", "title", "text", "lang", "themes", "jobs", "source_url")
CLOSE = 0.8  # title similarity (difflib ratio, normalised titles) reported as a near-duplicate


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def format_problems(rows: list[dict[str, Any]], known: set[str]) -> list[str]:
    problems = []
    for number, row in enumerate(rows, 1):
        missing = [name for name in FIELDS if not row.get(name) and name not in ("themes", "jobs")]
        extra = sorted(set(row) - set(FIELDS))
        unknown = [x for x in [*row.get("themes", []), *row.get("jobs", [])] if x not in known]
        if missing or extra or unknown or row.get("lang") not in ("fr", "en"):
            problems.append(f"line {number}: missing {missing} extra {extra} unknown {unknown}")
    return problems


def close_titles(titles: list[str], others: list[str]) -> list[tuple[float, str, str]]:
    """Pairs (similarity, title, other) at least ``CLOSE`` alike after normalisation."""
    keys = [fold(other) for other in others]
    pairs = []
    for title in titles:
        key = fold(title)
        for other, other_key in zip(others, keys, strict=True):
            matcher = SequenceMatcher(None, key, other_key)
            if matcher.real_quick_ratio() >= CLOSE and matcher.ratio() >= CLOSE:
                pairs.append((round(matcher.ratio(), 2), title, other))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--against", type=Path, help="titles of a held-out set (leakage check)")
    args = parser.parse_args()
    known = set(load_taxonomy().ids)
    new = {path.resolve(): read_lines(path) for path in args.files}
    shipped = [row for path in corpus_files() if path not in new for row in read_lines(path)]
    held_out = [row["title"] for row in read_lines(args.against)] if args.against else []
    every_id = Counter(row["id"] for rows in [shipped, *new.values()] for row in rows)
    urls = Counter(row.get("source_url") for rows in [shipped, *new.values()] for row in rows)
    for path, rows in new.items():
        labels = Counter(x for row in rows for x in [*row["themes"], *row["jobs"]])
        print(f"{path.name}: {len(rows)} lines, {sum(r['lang'] == 'en' for r in rows)} in English")
        print(f"  labels: {dict(sorted(labels.items()))}")
        print(f"  no label: {sum(not r['themes'] and not r['jobs'] for r in rows)}")
        for problem in format_problems(rows, known):
            print(f"  FORMAT {problem}")
        for row in rows:
            if every_id[row["id"]] > 1:
                print(f"  DUPLICATE ID {row['id']}")
            if urls[row.get("source_url")] > 1:
                print(f"  SOURCE TWICE {row['id']} {row['source_url']}")
        titles = [row["title"] for row in rows]
        for ratio, title, other in close_titles(titles, [r["title"] for r in shipped]):
            print(f"  CLOSE TO CORPUS {ratio} {title!r} ~ {other!r}")
        for ratio, title, other in close_titles(titles, held_out):
            print(f"  CLOSE TO HELD-OUT {ratio} {title!r} ~ {other!r}")


if __name__ == "__main__":
    main()
