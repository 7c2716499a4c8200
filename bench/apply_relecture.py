"""Apply a re-reading of the corpus to its files, once the watch team has chosen it.

Run with ``uv run python bench/apply_relecture.py --themes --jobs``
(or either alone; ``--relecture FILE`` and ``--corpus DIR`` for other files).

Each line of a re-reading (``classement/relecture/*.jsonl``) names an example
(``id``, ``file``) with its re-read labels (``themes``, ``jobs``) and the labels
it had when it was re-read (``earlier_themes``, ``earlier_jobs``). For the
chosen kinds, the corpus labels are replaced by the re-read ones where they
still equal the earlier ones. A line that already carries the re-read labels is
left alone, so running the command twice changes nothing. A line whose labels
have changed since the re-reading, or that is missing, stops the command before
anything is written: its labels were set by someone after the re-reading, and
only a person can say which to keep. Untouched lines are kept byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classement.corpus import DEFAULT_CORPUS_DIR

RELECTURE = Path(__file__).resolve().parents[1] / "classement" / "relecture"
DEFAULT_RELECTURE = RELECTURE / "relecture_deux_lecteurs.jsonl"


@dataclass
class Plan:
    """What applying the re-reading would do, before anything is written."""

    changed: dict[str, dict[str, dict[str, list[str]]]] = field(default_factory=dict)
    already: int = 0
    conflicts: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(rows) for rows in self.changed.values())


def plan(relecture: Path, corpus: Path, kinds: Sequence[str]) -> Plan:
    """Compare every re-read line with the corpus: to change, already done, or in conflict."""
    rows = _read_jsonl(relecture)
    current = {
        name: {row["id"]: row for row in _read_jsonl(corpus / name)}
        for name in sorted({row["file"] for row in rows})
        if (corpus / name).is_file()
    }
    result = Plan()
    for row in rows:
        example = current.get(row["file"], {}).get(row["id"])
        if example is None:
            result.conflicts.append(f"{row['file']} : {row['id']} introuvable")
            continue
        new = {kind: row[kind] for kind in kinds if not _same(example[kind], row[kind])}
        stale = [kind for kind in new if not _same(example[kind], row[f"earlier_{kind}"])]
        if stale:
            result.conflicts.append(
                f"{row['file']} : {row['id']} a changé depuis la relecture ({', '.join(stale)})"
            )
        elif new:
            result.changed.setdefault(row["file"], {})[row["id"]] = new
        else:
            result.already += 1
    return result


def apply(result: Plan, corpus: Path) -> None:
    """Rewrite the files of ``result``, each through a temporary file (no half-written file)."""
    for name, updates in result.changed.items():
        path = corpus / name
        lines = []
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
            row = json.loads(line)
            if row["id"] in updates:
                line = json.dumps(row | updates[row["id"]], ensure_ascii=False) + "\n"
            lines.append(line)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text("".join(lines), encoding="utf-8")
        os.replace(temporary, path)


def _same(labels: list[str], others: list[str]) -> bool:
    """Labels are a set: the same ids in another order are the same labels."""
    return set(labels) == set(others)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--themes", action="store_true", help="appliquer les thèmes relus")
    parser.add_argument("--jobs", action="store_true", help="appliquer les métiers relus")
    parser.add_argument("--relecture", type=Path, default=DEFAULT_RELECTURE)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS_DIR)
    args = parser.parse_args(argv)
    kinds = [kind for kind in ("themes", "jobs") if getattr(args, kind)]
    if not kinds:
        parser.error("choisir --themes, --jobs ou les deux")
    result = plan(args.relecture, args.corpus, kinds)
    if result.conflicts:
        print("Rien n'est écrit : ces lignes ne correspondent plus à la relecture.")
        print("\n".join(result.conflicts))
        return 1
    apply(result, args.corpus)
    print(
        f"{result.count} ligne(s) modifiée(s) dans {len(result.changed)} fichier(s), "
        f"{result.already} déjà à jour pour ces étiquettes."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
