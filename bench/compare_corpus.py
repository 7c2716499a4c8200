"""What a batch of corpus examples is worth, measured on the same held-out examples.

Run with ``uv run python bench/compare_corpus.py --batch PREFIX… [--without] [--repeats 3]``.

Adding harder examples to the corpus also adds them to the held-out folds of
``compare_designs.py``, so its figures before and after a batch are not
measured on the same examples. Here the folds are drawn once over the whole
corpus (the batch included, grouped by site as usual) and every held-out
example is predicted; with ``--without``, the examples whose id starts with
one of the ``--batch`` prefixes are left out of the *training* folds only.
Running the script with and without ``--without`` therefore scores two models
on exactly the same held-out examples. Three lines: all held-out examples, the
examples outside the batch, and the batch itself. No evaluation set is read.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence

import numpy as np

from classement import load_corpus, load_taxonomy, train
from classement.model_selection import (
    Predictor,
    corpus_groups,
    mean_scores,
    out_of_fold_decisions,
    score_decisions,
)
from classement.records import LabelledArticle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", action="append", required=True, help="id prefix of the batch")
    parser.add_argument("--without", action="store_true", help="train without the batch")
    parser.add_argument("--repeats", type=int, default=3, help="shuffles of the groups")
    parser.add_argument("--folds", type=int, default=5, help="folds per repeat")
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    records = load_corpus(taxonomy)
    prefixes = tuple(args.batch)
    in_batch = np.array([record.id.startswith(prefixes) for record in records])
    print(f"corpus: {len(records)} records, batch {prefixes}: {in_batch.sum()} records")

    def fit(training: Sequence[LabelledArticle]) -> Predictor:
        kept = [r for r in training if not (args.without and r.id.startswith(prefixes))]
        return Predictor(train(kept, taxonomy=taxonomy))

    started = time.perf_counter()
    decisions = out_of_fold_decisions(
        records, corpus_groups(), fit, taxonomy, args.repeats, args.folds
    )
    arm = "without the batch" if args.without else "with the batch"
    for name, rows in (
        ("all", np.ones(len(records), dtype=bool)),
        ("outside the batch", ~in_batch),
        ("the batch", in_batch),
    ):
        reports = score_decisions(records, decisions, taxonomy, rows)
        print(json.dumps({"trained": arm, "scored on": name, **mean_scores(reports)}), flush=True)
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
