"""Training: determinism, curator labels, labels with too few examples."""

import dataclasses

import numpy as np
import pytest

from classement import Article, Classifier, LabelledArticle, Taxonomy, TrainingError, train
from classement.train import TrainingParams, merge_examples

FAST = TrainingParams(folds=3)


def test_training_is_deterministic(
    subset: list[LabelledArticle], taxonomy: Taxonomy, model: Classifier
) -> None:
    again = train(subset, params=FAST, taxonomy=taxonomy)
    assert np.array_equal(again.weights, model.weights)
    assert np.array_equal(again.thresholds, model.thresholds)


def test_training_on_several_processes_gives_the_same_model(
    subset: list[LabelledArticle], taxonomy: Taxonomy, model: Classifier
) -> None:
    """Labels fitted in two worker processes: not one weight or threshold differs."""
    parallel = train(subset, params=FAST, taxonomy=taxonomy, workers=2)
    assert np.array_equal(parallel.weights, model.weights)
    assert np.array_equal(parallel.intercepts, model.intercepts)
    assert np.array_equal(parallel.thresholds, model.thresholds)
    assert parallel.info["cross_validation"] == model.info["cross_validation"]


def test_metadata_tells_sizes_and_cross_validated_scores(model: Classifier, subset: list) -> None:
    info = model.info
    assert info["n_examples"] == len(subset)
    assert info["n_curator_records"] == 0
    for kind in ("themes", "jobs"):
        assert 0.0 <= info["cross_validation"][kind]["macro_f1"] <= 1.0
    assert info["params"]["c"] == FAST.c and info["params"]["folds"] == 3
    assert info["n_features"] == model.featuriser.n_features > 0


def test_curator_labels_override_corpus_labels_for_the_same_text() -> None:
    article = Article("c1", "Titre", "Texte identique")
    corpus = [
        LabelledArticle(article, ("juridique",), ()),
        LabelledArticle(Article("c2", "A", "B"), (), ()),
    ]
    curated = [
        LabelledArticle(Article("db-7", " Titre", "Texte identique"), ("technique",), ("juriste",))
    ]
    examples, weights = merge_examples(corpus, curated, curator_weight=3.0)
    assert [e.id for e in examples] == ["c2", "db-7"]
    assert examples[1].themes == ("technique",)
    assert list(weights) == [1.0, 3.0]


def test_curator_corrections_change_the_next_model(
    subset: list[LabelledArticle],
    held_out: list[LabelledArticle],
    taxonomy: Taxonomy,
    model: Classifier,
) -> None:
    """Curators tag police items with 'juriste': the retrained model follows them."""
    police = [
        r for r in subset + held_out if "policier_municipal" in r.jobs and "juriste" not in r.jobs
    ]
    corrected, unseen = police[:16], police[16:26]
    assert len(unseen) >= 5
    curator_records = [
        dataclasses.replace(record, jobs=(*record.jobs, "juriste")) for record in corrected
    ]
    column = model.label_ids.index("juriste")
    before = model.predict_proba([r.article for r in corrected + unseen])[:, column]

    retrained = train(subset, curator_records, params=FAST, taxonomy=taxonomy)
    after = retrained.predict_proba([r.article for r in corrected + unseen])[:, column]

    assert retrained.info["n_curator_records"] == len(curator_records)
    corrected_gain = after[: len(corrected)] - before[: len(corrected)]
    assert corrected_gain.mean() > 0.3, corrected_gain
    flipped = (after[: len(corrected)] >= retrained.thresholds[column]).sum()
    assert flipped >= len(corrected) * 0.75
    assert (after[len(corrected) :] - before[len(corrected) :]).mean() > 0.05, (
        "generalises a little"
    )


def test_label_with_too_few_examples_is_never_predicted(
    subset: list[LabelledArticle], taxonomy: Taxonomy
) -> None:
    few = [
        dataclasses.replace(r, jobs=tuple(j for j in r.jobs if j != "graphiste")) for r in subset
    ]
    graphic = next(r for r in subset if "graphiste" in r.jobs)
    few[few.index(next(r for r in few if r.id == graphic.id))] = graphic
    classifier = train(few[:150], params=FAST, taxonomy=taxonomy)
    assert "graphiste" in classifier.info["untrained_labels"]
    column = classifier.label_ids.index("graphiste")
    assert classifier.thresholds[column] >= 1.0
    proba = classifier.predict_proba([graphic.article])
    assert proba[0, column] < classifier.thresholds[column]


def test_no_data_is_a_clear_error(taxonomy: Taxonomy) -> None:
    with pytest.raises(TrainingError, match="trop peu"):
        train([], taxonomy=taxonomy)
