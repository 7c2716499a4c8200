"""Binary linear learners, all stored and applied as one ``x·w + b``.

* ``logreg``: logistic regression (liblinear's dual solver: far fewer examples
  than features);
* ``svm``: a linear SVM (calibrated afterwards, like the others, by Platt);
* ``nblr``: NB-LR, a logistic regression on features scaled by their naive
  Bayes log-count ratio;
* ``nb``: the naive Bayes log-count ratio itself as weights;
* ``ridge``: a least-squares classifier;
* ``blend``: the mean of the decision values of several of the above
  (``TrainingParams.blend``, by default NB-LR and logistic regression).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

if TYPE_CHECKING:
    from classement.train import TrainingParams

FloatArray = npt.NDArray[np.float64]
Learner = Literal["logreg", "svm", "nblr", "nb", "ridge", "blend"]
ClassWeight = Literal["balanced", "sqrt"] | None


def make_learner(params: TrainingParams, y: npt.NDArray[np.bool_]) -> Any:
    """A fresh binary learner of ``params.learner`` for labels ``y``."""
    from sklearn.linear_model import LogisticRegression, RidgeClassifier
    from sklearn.svm import LinearSVC

    folded = {"nblr": NaiveBayesLogistic, "nb": NaiveBayes, "blend": Blend}
    if params.learner in folded:
        return folded[params.learner](params)
    weight = class_weight(params, y)
    if params.learner == "svm":
        return LinearSVC(C=params.c, class_weight=weight, random_state=params.random_state)
    if params.learner == "ridge":
        return RidgeClassifier(alpha=1.0 / params.c, class_weight=weight, solver="sparse_cg")
    return LogisticRegression(
        C=params.c,
        class_weight=weight,
        solver="liblinear",
        dual=True,
        max_iter=2000,
        random_state=params.random_state,
    )


def class_weight(
    params: TrainingParams, y: npt.NDArray[np.bool_]
) -> dict[bool, float] | str | None:
    """``balanced`` weighs each class inversely to its frequency in this label's
    examples; ``sqrt`` gives the positives the square root of that ratio only."""
    if params.class_weight != "sqrt":
        return params.class_weight
    positives = max(int(y.sum()), 1)
    return {False: 1.0, True: float(np.sqrt(max(len(y) - positives, 1) / positives))}


class FoldedLinear:
    """A linear model whose weights are computed at fit: ``x·w + b``."""

    def __init__(self, params: TrainingParams) -> None:
        self.params = params
        self.coef_: FloatArray = np.zeros((1, 0))
        self.intercept_: FloatArray = np.zeros(1)

    def decision_function(self, features: sp.csr_matrix) -> FloatArray:
        decisions: FloatArray = np.asarray(features @ self.coef_[0]).ravel() + self.intercept_[0]
        return decisions


class NaiveBayesLogistic(FoldedLinear):
    """Logistic regression on features scaled by their naive Bayes log-count ratio.

    NB-LR (Wang & Manning, 2012, "Baselines and bigrams: simple, good sentiment
    and topic classification"): each feature is multiplied by
    ``log(P(f | positive) / P(f | negative))`` before fitting, which favours the
    features that separate the classes and damps those common to both — for
    themes, the words and character n-grams of the corpus's writing style rather
    than of the subject. The scaling folds into the weights, so prediction stays
    ``x·w + b`` and the saved model has the same arrays.
    """

    def fit(
        self, features: sp.csr_matrix, y: npt.NDArray[np.bool_], sample_weight: FloatArray
    ) -> NaiveBayesLogistic:
        ratio = log_count_ratio(features, y, sample_weight, self.params.nb_alpha)
        scaled = features @ sp.diags(ratio)
        learner = make_learner(replace(self.params, learner="logreg"), y).fit(
            scaled, y, sample_weight=sample_weight
        )
        self.coef_ = learner.coef_ * ratio[None, :]
        self.intercept_ = learner.intercept_
        return self


class NaiveBayes(FoldedLinear):
    """Naive Bayes as a linear model: the log-count ratios are the weights, and
    the intercept puts the median decision of each class on either side of zero."""

    def fit(
        self, features: sp.csr_matrix, y: npt.NDArray[np.bool_], sample_weight: FloatArray
    ) -> NaiveBayes:
        ratio = log_count_ratio(features, y, sample_weight, self.params.nb_alpha)
        scores = np.asarray(features @ ratio).ravel()
        middle = (np.median(scores[y]) + np.median(scores[~y])) / 2 if y.any() else 0.0
        self.coef_ = ratio[None, :]
        self.intercept_ = np.array([-middle])
        return self


class Blend(FoldedLinear):
    """The mean of the decision values of the learners of ``params.blend``.

    All are linear, so their mean is one linear model: the mean of the ``w``.
    """

    def fit(
        self, features: sp.csr_matrix, y: npt.NDArray[np.bool_], sample_weight: FloatArray
    ) -> Blend:
        parts = [
            make_learner(replace(self.params, learner=kind), y).fit(
                features, y, sample_weight=sample_weight
            )
            for kind in self.params.blend
        ]
        self.coef_ = np.mean([np.reshape(part.coef_, (1, -1)) for part in parts], axis=0)
        self.intercept_ = np.mean([np.ravel(part.intercept_)[:1] for part in parts], axis=0)
        return self


def log_count_ratio(
    features: sp.csr_matrix, y: npt.NDArray[np.bool_], weight: FloatArray, alpha: float
) -> FloatArray:
    """Smoothed log ratio of each feature's (weighted) document frequency in both classes."""
    binary = features.copy()
    binary.data = np.ones_like(binary.data)
    positive = np.asarray(binary.T @ (weight * y)).ravel() + alpha
    negative = np.asarray(binary.T @ (weight * ~y)).ravel() + alpha
    ratio: FloatArray = np.log((positive / positive.sum()) / (negative / negative.sum()))
    return ratio
