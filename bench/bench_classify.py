"""Benchmark of the classifier: prediction throughput, training time, model size.

Run with ``uv run python bench/bench_classify.py [--json]``.

Targets (issue "Classement"): prediction ≥ 5,000 articles/s in one process,
training on 5,000 examples < 60 s, model file < 20 MB. Training fits the labels
in one process per CPU, as the product does; it is also timed in one process,
whose CPU seconds are then the whole cost. The 5,000 examples are
made from the shipped corpus by resampling and perturbing it (sentence order
shuffled, some words dropped), with a fixed seed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from classement import (
    Article,
    Classifier,
    LabelledArticle,
    load_corpus,
    load_taxonomy,
    save_model,
    train,
)

TARGET_PER_SECOND = 5_000
TARGET_TRAIN_SECONDS = 60.0
TARGET_MODEL_MB = 20.0
TRAIN_SIZE = 5_000
PREDICT_SIZE = 20_000
BATCH = 1_000
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def perturbed(records: list[LabelledArticle], count: int, seed: int = 0) -> list[LabelledArticle]:
    """``count`` variants of corpus records, labels unchanged."""
    rng = random.Random(seed)
    result = []
    for number in range(count):
        record = rng.choice(records)
        sentences = _SENTENCE_END.split(record.article.text)
        rng.shuffle(sentences)
        words = " ".join(sentences).split()
        kept = [word for word in words if rng.random() > 0.1] or words
        article = replace(record.article, id=f"bench-{number}", text=" ".join(kept))
        result.append(replace(record, article=article))
    return result


def timed(action: Callable[[], Any]) -> tuple[Any, float, float]:
    """The action's value, wall-clock seconds and CPU seconds of this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = action()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def throughput(
    classifier: Classifier, articles: list[Article], explain: bool
) -> tuple[float, float]:
    """Articles per wall-clock second and per CPU second, in batches, after a warm-up."""
    classifier.predict(articles[:BATCH], explain=explain)
    _, wall, cpu = timed(
        lambda: [
            classifier.predict(articles[i : i + BATCH], explain=explain)
            for i in range(0, len(articles), BATCH)
        ]
    )
    return len(articles) / wall, len(articles) / cpu


def model_megabytes(classifier: Classifier) -> float:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "modele.npz"
        save_model(classifier, path)
        return path.stat().st_size / 1_000_000


def run() -> dict[str, Any]:
    taxonomy = load_taxonomy()
    corpus = load_corpus(taxonomy)
    corpus_model, corpus_wall, _ = timed(lambda: train(corpus, taxonomy=taxonomy))
    large = perturbed(corpus, TRAIN_SIZE)
    large_model, large_wall, _ = timed(lambda: train(large, taxonomy=taxonomy))
    _, single_wall, single_cpu = timed(lambda: train(large, taxonomy=taxonomy, workers=1))
    articles = [record.article for record in perturbed(corpus, PREDICT_SIZE, seed=1)]
    explained = throughput(corpus_model, articles, explain=True)
    bare = throughput(corpus_model, articles, explain=False)
    return {
        "load_average": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
        "corpus_examples": len(corpus),
        "train_seconds_corpus": round(corpus_wall, 1),
        "train_seconds_5000": round(large_wall, 1),
        "train_seconds_5000_one_process": round(single_wall, 1),
        "train_cpu_seconds_5000_one_process": round(single_cpu, 1),
        "predict_per_second": round(explained[0]),
        "predict_per_cpu_second": round(explained[1]),
        "predict_per_second_no_explanations": round(bare[0]),
        "model_mb_corpus": round(model_megabytes(corpus_model), 2),
        "model_mb_5000": round(model_megabytes(large_model), 2),
        "n_features_5000": large_model.featuriser.n_features,
    }


def report(figures: dict[str, Any]) -> None:
    checks = [
        ("prediction, explanations included (articles/s)", "predict_per_second",
         figures["predict_per_second"] >= TARGET_PER_SECOND, f">= {TARGET_PER_SECOND}"),
        ("training on 5,000 examples (s)", "train_seconds_5000",
         figures["train_seconds_5000"] < TARGET_TRAIN_SECONDS, f"< {TARGET_TRAIN_SECONDS:.0f}"),
        ("model file, 5,000 examples (MB)", "model_mb_5000",
         figures["model_mb_5000"] < TARGET_MODEL_MB, f"< {TARGET_MODEL_MB:.0f}"),
    ]  # fmt: skip
    for name, key, ok, target in checks:
        print(f"{'OK  ' if ok else 'FAIL'} {name:48} {figures[key]:>9}  (target {target})")
    others = [
        ("prediction per CPU second (articles)", "predict_per_cpu_second"),
        ("prediction without explanations (articles/s)", "predict_per_second_no_explanations"),
        ("training on 5,000 examples, one process (s)", "train_seconds_5000_one_process"),
        ("  the same, CPU seconds", "train_cpu_seconds_5000_one_process"),
        (
            f"training on the corpus, {figures['corpus_examples']} examples (s)",
            "train_seconds_corpus",
        ),
        ("model file, corpus (MB)", "model_mb_corpus"),
        (f"load average at the end ({figures['cpus']} CPUs)", "load_average"),
    ]
    for name, key in others:
        print(f"     {name:48} {figures[key]:>9}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    figures = run()
    if args.json:
        print(json.dumps(figures))
    else:
        report(figures)


if __name__ == "__main__":
    main()
