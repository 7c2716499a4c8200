"""A design for the comparison: label co-occurrence by stacking (a second stage).

Stage one is the ordinary classifier. Stage two refits each label with a small
logistic regression on the logits of all twelve stage-one probabilities, learned
from stage one's out-of-fold probabilities on the training examples, so that
one label's evidence can raise or lower another's (``juridique`` with
``juriste``, ``social`` with ``manager``…), as a classifier chain does along
one order. Its thresholds are chosen by cross-validation on the training part.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from classement.evaluate import label_matrix
from classement.model_selection import Trainer
from classement.records import LabelledArticle
from classement.taxonomy import Taxonomy
from classement.train import TrainingParams, _best_threshold, train_with_oof

FloatArray = npt.NDArray[np.float64]


def _logits(proba: npt.NDArray[np.floating]) -> FloatArray:
    clipped = np.clip(np.asarray(proba, dtype=np.float64), 1e-4, 1 - 1e-4)
    return np.log(clipped / (1 - clipped))


class StackedPredictor:
    """Stage-one classifier + one logistic regression per label on its logits."""

    def __init__(
        self, records: Sequence[LabelledArticle], params: TrainingParams, taxonomy: Taxonomy
    ) -> None:
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import cross_val_predict

        self.classifier, oof = train_with_oof(records, params=params, taxonomy=taxonomy)
        z = _logits(oof[: len(records)])
        truth = label_matrix(records, taxonomy.ids)
        self.stages: list[LogisticRegression | None] = []
        self.thresholds = np.ones(truth.shape[1])
        for j in range(truth.shape[1]):
            y = truth[:, j]
            if y.sum() < 5 or self.classifier.thresholds[j] >= 1:
                self.stages.append(None)
                continue
            model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
            inner = cross_val_predict(model, z, y, cv=5, method="predict_proba")[:, 1]
            self.thresholds[j] = _best_threshold(inner, y)
            self.stages.append(model.fit(z, y))

    def decide(self, records: Sequence[LabelledArticle]) -> npt.NDArray[np.bool_]:
        articles = [r.article for r in records]
        proba = self.classifier.predict_proba(articles)
        z = _logits(proba)
        decided = self.classifier.decide(articles)
        for j, stage in enumerate(self.stages):
            if stage is not None:
                decided[:, j] = stage.predict_proba(z)[:, 1] >= self.thresholds[j]
        return decided


def stacked_trainer(params: TrainingParams, taxonomy: Taxonomy) -> Trainer:
    return lambda records: StackedPredictor(records, params, taxonomy)
