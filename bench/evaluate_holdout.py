"""The shipped model on a held-out set of real articles, whole and by subset.

Run with ``uv run python bench/evaluate_holdout.py [--input FILE] [--json]``.

Trains the model exactly as a fresh installation does (the whole corpus,
``classement.bootstrap``), then scores it on the held-out file
(``classement/eval/holdout_real.jsonl`` by default), with 95 % bootstrap
intervals, on four sets of lines:

- every line;
- the lines about AI (``"about_ai": true``), since articles about something
  else carry no label by convention and only test that nothing is predicted;
- the lines from sites that never appear in the corpus (``source_url`` host);
- the lines far from every corpus example: their highest TF-IDF cosine
  similarity to a corpus text is below ``--near`` (0.4), which leaves out
  other reports of events the corpus already covers.

Measure a held-out set once, when a piece of work ends: choosing designs or
examples by it would make it one more training signal.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from classement import evaluate, load_corpus, load_taxonomy, train
from classement.evaluate import EvaluationReport
from classement.model_selection import corpus_groups, source_host
from classement.records import LabelledArticle, read_labelled

DEFAULT_INPUT = Path(__file__).resolve().parent.parent / "classement/eval/holdout_real.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT, help="held-out JSON Lines")
    parser.add_argument("--near", type=float, default=0.4, help="similarity of a covered event")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    corpus = load_corpus(taxonomy)
    held_out = read_labelled(args.input, taxonomy)
    raw = [json.loads(line) for line in args.input.read_text(encoding="utf-8").splitlines() if line]
    classifier = train(corpus, taxonomy=taxonomy)
    subsets = _subsets(corpus, held_out, raw, args.near)
    reports = {name: evaluate(classifier, rows) for name, rows in subsets.items() if rows}
    if args.json:
        print(json.dumps({name: r.to_json() for name, r in reports.items()}, ensure_ascii=False))
    else:
        _print_tables(reports, list(classifier.label_ids))


def _subsets(
    corpus: Sequence[LabelledArticle],
    held_out: Sequence[LabelledArticle],
    raw: Sequence[dict[str, object]],
    near: float,
) -> dict[str, list[LabelledArticle]]:
    corpus_sites = set(corpus_groups())
    similarity = _highest_similarity(corpus, held_out)
    pairs = list(zip(held_out, raw, strict=True))
    return {
        "toutes les lignes": list(held_out),
        "articles sur l'IA": [r for r, d in pairs if d.get("about_ai")],
        "sites absents du corpus": [
            r for r, d in pairs if source_host(str(d.get("source_url") or "")) not in corpus_sites
        ],
        f"loin du corpus (similarité < {near})": [
            r for r, s in zip(held_out, similarity, strict=True) if s < near
        ],
    }


def _highest_similarity(
    corpus: Sequence[LabelledArticle], held_out: Sequence[LabelledArticle]
) -> list[float]:
    texts = [f"{r.article.title} {r.article.text}" for r in (*corpus, *held_out)]
    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    scores = cosine_similarity(matrix[len(corpus) :], matrix[: len(corpus)])
    return [float(value) for value in np.asarray(scores.max(axis=1)).ravel()]


def _print_tables(reports: dict[str, EvaluationReport], label_ids: list[str]) -> None:
    print("| lignes | articles | macro-F1 thèmes (IC 95 %) | macro-F1 métiers (IC 95 %) |")
    print("|---|---|---|---|")
    for name, report in reports.items():
        macro = report.intervals.macro if report.intervals else {}
        themes = _with_interval(report.themes.macro_f1, macro.get("theme"))
        jobs = _with_interval(report.jobs.macro_f1, macro.get("job"))
        print(f"| {name} | {report.n_articles} | {themes} | {jobs} |")
    first = next(iter(reports.values()))
    scores = first.themes.per_label | first.jobs.per_label
    print("\n| étiquette | F1 (IC 95 %) | précision | rappel | positifs | prédits |")
    print("|---|---|---|---|---|---|")
    for label in label_ids:
        score = scores[label]
        interval = first.intervals.per_label.get(label) if first.intervals else None
        print(
            f"| `{label}` | {_with_interval(score.f1, interval)} | {score.precision:.2f} "
            f"| {score.recall:.2f} | {score.support} | {score.predicted} |"
        )


def _with_interval(value: float, interval: tuple[float, float] | None) -> str:
    return f"{value:.3f} ({interval[0]:.2f}–{interval[1]:.2f})" if interval else f"{value:.3f}"


if __name__ == "__main__":
    main()
