"""A design for the comparison: themes → jobs chain (label co-occurrence as features).

Stage one is the ordinary classifier. Each job is then refitted on the usual
text features plus the six theme probabilities (out-of-fold ones for the
training examples, so that the jobs learn how far the themes can be trusted),
times ``scale``; at prediction, the stage-one theme probabilities of the
article are appended the same way. Unlike stacking, a job keeps its own words
and only adds the themes' evidence (``juridique`` for ``juriste``, ``social``
for ``manager``…). Thresholds and calibration are those of ``train``'s inner
cross-validation on the augmented features.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from classement.corpus import taxonomy_examples
from classement.evaluate import label_matrix
from classement.model_selection import Trainer
from classement.records import LabelledArticle
from classement.taxonomy import Taxonomy
from classement.train import TrainingParams, _fit_label, _label_params, _sigmoid, train_with_oof


class ChainPredictor:
    """Stage-one classifier; jobs refitted with the theme probabilities as features."""

    def __init__(
        self,
        records: Sequence[LabelledArticle],
        params: TrainingParams,
        taxonomy: Taxonomy,
        scale: float,
    ) -> None:
        self.classifier, oof = train_with_oof(records, params=params, taxonomy=taxonomy)
        self.scale = scale
        kinds = [label.kind for label in taxonomy.labels]
        self.themes = [j for j, kind in enumerate(kinds) if kind == "theme"]
        self.jobs = [j for j, kind in enumerate(kinds) if kind == "job"]
        examples = [*records, *taxonomy_examples(taxonomy)]
        features = self._augmented([r.article for r in examples], oof[:, self.themes])
        truth = label_matrix(examples, taxonomy.ids)
        weight = np.ones(len(examples))
        job_params = _label_params(params, "job")
        self.fits = [
            _fit_label(features, truth[:, j], weight, job_params, len(records), None)
            for j in self.jobs
        ]

    def _augmented(self, articles: Sequence[object], theme_proba: npt.NDArray) -> sp.csr_matrix:
        text = self.classifier.featuriser.transform(articles)  # type: ignore[arg-type]
        return sp.hstack([text, sp.csr_matrix(self.scale * theme_proba)], format="csr")

    def decide(self, records: Sequence[LabelledArticle]) -> npt.NDArray[np.bool_]:
        articles = [r.article for r in records]
        proba = self.classifier.predict_proba(articles).astype(np.float64)
        decided = self.classifier.decide(articles)
        features = self._augmented(articles, proba[:, self.themes])
        for j, fit in zip(self.jobs, self.fits, strict=True):
            job_proba = _sigmoid(np.asarray(features @ fit.weights).ravel() + fit.intercept)
            decided[:, j] = job_proba >= fit.threshold
        return decided


def chain_trainer(params: TrainingParams, taxonomy: Taxonomy, scale: float) -> Trainer:
    return lambda records: ChainPredictor(records, params, taxonomy, scale)
