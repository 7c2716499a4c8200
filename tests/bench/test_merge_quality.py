"""Merge quality on the bench corpus: its stories republished across feeds, its homonyms."""

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_dedup.py"


def test_merges_hold_precision_and_recall_on_the_bench_corpus() -> None:
    """Copies with tracking parameters and syndicated copies are merged; articles that
    only share a title (« Revue de presse IA », « Édito ») are kept apart."""
    done = subprocess.run(
        [sys.executable, str(BENCH), "--feeds", "60", "--entries", "20", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["expected"] > 50
    assert result["precision"] >= 0.99
    assert result["recall"] >= 0.95
