"""Theme learner (NB-LR) and the examples drawn from the taxonomy."""

import numpy as np
import scipy.sparse as sp

from classement import Classifier, LabelledArticle, Taxonomy
from classement.corpus import taxonomy_examples
from classement.learners import NaiveBayesLogistic
from classement.train import TrainingParams, _label_params


def test_themes_and_jobs_can_have_different_learners() -> None:
    params = TrainingParams(learner="logreg", theme_learner="nblr")
    assert _label_params(params, "theme").learner == "nblr"
    assert _label_params(params, "job").learner == "logreg"
    same = TrainingParams(learner="svm", theme_learner=None)
    assert _label_params(same, "theme").learner == "svm"


def test_nblr_favours_features_that_separate_the_classes_and_stays_linear() -> None:
    """Feature 0 appears in positives only, feature 1 everywhere, feature 2 in negatives only."""
    rows = [[1, 1, 0]] * 6 + [[0, 1, 1]] * 6
    features = sp.csr_matrix(np.array(rows, dtype=np.float64))
    y = np.array([True] * 6 + [False] * 6)
    learner = NaiveBayesLogistic(TrainingParams()).fit(features, y, sample_weight=np.ones(12))
    coef = learner.coef_[0]
    assert coef[0] > abs(coef[1]) and coef[2] < -abs(coef[1])
    decisions = learner.decision_function(features)
    assert np.allclose(decisions, features @ coef + learner.intercept_[0])
    assert (decisions[:6] > 0).all() and (decisions[6:] < 0).all()


def test_taxonomy_gives_three_examples_per_label_with_that_label_only(
    taxonomy: Taxonomy,
) -> None:
    examples = taxonomy_examples(taxonomy)
    assert len(examples) == 3 * len(taxonomy.labels)
    assert len({example.id for example in examples}) == len(examples)
    for example in examples:
        (label_id,) = example.labels
        label = taxonomy.get(label_id)
        assert example.article.title == label.label and example.article.text
        assert example.id.startswith(f"taxonomie-{label_id}-")


def test_taxonomy_examples_are_counted_apart(
    model: Classifier, subset: list[LabelledArticle], taxonomy: Taxonomy
) -> None:
    assert model.info["n_examples"] == len(subset)
    assert model.info["n_taxonomy_examples"] == 3 * len(taxonomy.labels)
    assert model.info["params"]["learner"] == "blend"
