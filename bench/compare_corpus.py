"""What a change of the corpus is worth, measured on the same held-out examples.

Run with ``uv run python bench/compare_corpus.py --batch PREFIX… [--without | --weight W]
[--repeats 3]``
or ``uv run python bench/compare_corpus.py --relabelled-from DIR [--without] [--repeats 3]``.

Adding harder examples to the corpus also adds them to the held-out folds of
``compare_designs.py``, so its figures before and after a batch are not
measured on the same examples. Here the folds are drawn once over the whole
corpus (the batch included, grouped by site as usual) and every held-out
example is predicted; with ``--without``, the examples whose id starts with
one of the ``--batch`` prefixes are left out of the *training* folds only, and
with ``--weight W`` they count W times in training (as curator labels do).
Running the script with and without ``--without`` therefore scores two models
on exactly the same held-out examples. Three lines: all held-out examples, the
examples outside the batch, and the batch itself.

A relabelling changes the answers the held-out examples are scored against,
so its before and after figures differ even for an unchanged model. With
``--relabelled-from DIR`` (the corpus directory of an earlier checkout), the
batch is the examples whose labels differ in DIR, matched by id, and
``--without`` trains on DIR's labels for them, while every model is scored
against the current labels: the two runs tell what the new labels change in
the *model*. No evaluation set is read.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from classement import load_corpus, load_taxonomy, train
from classement.model_selection import (
    Predictor,
    corpus_groups,
    mean_scores,
    out_of_fold_decisions,
    relabelled,
    score_decisions,
)
from classement.records import LabelledArticle
from classement.train import TrainingParams


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", action="append", default=[], help="id prefix of the batch")
    parser.add_argument("--without", action="store_true", help="train without the batch")
    parser.add_argument("--weight", type=float, default=1.0, help="sample weight of the batch")
    parser.add_argument("--relabelled-from", type=Path, help="earlier corpus directory")
    parser.add_argument("--repeats", type=int, default=3, help="shuffles of the groups")
    parser.add_argument("--folds", type=int, default=5, help="folds per repeat")
    args = parser.parse_args()
    if bool(args.batch) == bool(args.relabelled_from):
        parser.error("give either --batch or --relabelled-from")
    taxonomy = load_taxonomy()
    records = load_corpus(taxonomy)
    earlier = {}
    if args.relabelled_from:
        earlier = relabelled(records, load_corpus(taxonomy, args.relabelled_from))
    prefixes = tuple(args.batch)
    in_batch = np.array(
        [r.id.startswith(prefixes) if prefixes else r.id in earlier for r in records],
        dtype=bool,
    )
    dropped = prefixes if args.without else ()
    earlier_labels = earlier if args.without else {}
    print(f"corpus: {len(records)} records, batch: {in_batch.sum()} records")

    weighted = prefixes if args.weight != 1.0 and not args.without else ()
    params = TrainingParams(curator_weight=args.weight)

    def fit(training: Sequence[LabelledArticle]) -> Predictor:
        kept = [earlier_labels.get(r.id, r) for r in training if not r.id.startswith(dropped)]
        if not weighted:
            return Predictor(train(kept, taxonomy=taxonomy))
        batch = [r for r in kept if r.id.startswith(weighted)]
        rest = [r for r in kept if not r.id.startswith(weighted)]
        return Predictor(train(rest, batch, params=params, taxonomy=taxonomy))

    started = time.perf_counter()
    decisions = out_of_fold_decisions(
        records, corpus_groups(), fit, taxonomy, args.repeats, args.folds
    )
    arm = "without the batch" if args.without else "with the batch"
    if weighted:
        arm = f"with the batch weighted {args.weight:g}"
    if args.relabelled_from:
        arm = "on the earlier labels" if args.without else "on the current labels"
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
