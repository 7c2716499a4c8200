"""Training: one calibrated linear model and one threshold per label.

For each label, k-fold cross-validation on the training data (never on
evaluation sets) gives out-of-fold decision values. They serve twice: a
Platt scaling (``sigmoid(a·d + b)``) turns decision values into
probabilities, and the threshold that maximises the label's F1 on those
probabilities becomes its decision threshold. The final model is fitted on
all data and folded with the scaling into a single ``(w, b)``, so that a
LinearSVC, a LogisticRegression or an NB-LR (themes, by default) are stored
and applied the same way. A gate, fitted the same way on "at least one
label", clears every label of the articles it rejects (``_gate``).
"""

from __future__ import annotations

import platform
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from classement.corpus import taxonomy_examples
from classement.errors import TrainingError
from classement.evaluate import label_matrix, score_matrices
from classement.features import FeatureParams, fit_featuriser, normalise_articles
from classement.learners import ClassWeight, Learner, make_learner
from classement.model import Classifier, Gate
from classement.records import LabelledArticle
from classement.relevance_learn import learn_relevance
from classement.taxonomy import Taxonomy, load_taxonomy
from classement.text import NORMALISATION_VERSION

FloatArray = npt.NDArray[np.float64]
#: below this many examples, training takes a few seconds and starting worker
#: processes would cost more than it saves
PARALLEL_FROM_EXAMPLES = 1_000
_THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)
#: gate thresholds tried; 0 (no article cleared) is one of them
_GATE_GRID = np.round(np.arange(0.0, 0.701, 0.02), 2)


@dataclass(frozen=True, slots=True)
class TrainingParams:
    """Hyper-parameters, chosen by cross-validation on the corpus (see data/README.md).

    ``learner`` fits the jobs, ``theme_learner`` the themes (``None``: the same
    learner); ``taxonomy_examples`` adds the descriptions and keywords of
    ``taxonomy.toml`` as short training examples.
    """

    features: FeatureParams = field(default_factory=FeatureParams)
    learner: Learner = "blend"
    theme_learner: Learner | None = None
    blend: tuple[Learner, ...] = ("nblr", "logreg")
    nb_alpha: float = 1.0
    c: float = 3.0
    class_weight: ClassWeight = "balanced"
    #: per-label choice among these C (or class weights) by the inner CV's best F1
    c_grid: tuple[float, ...] = ()
    class_weight_grid: tuple[ClassWeight, ...] = ()
    folds: int = 5
    thresholds: Literal["cv", "fixed"] = "cv"
    #: thresholds maximise F-beta on the inner CV (beta > 1 favours recall)
    threshold_beta: float = 1.0
    #: lower a threshold, if needed, until the inner CV predicts as many positives as there are
    min_positive_rate: bool = False
    #: the final model of a label: ``refit`` on all the data, or ``fold_mean``, the mean
    #: of the inner CV's fold models, whose decisions the calibration and threshold saw
    final_fit: Literal["refit", "fold_mean"] = "refit"
    #: a model of "at least one label" that clears the labels of articles it rejects:
    #: one threshold for all labels, one per kind (themes, jobs), or no gate
    gate: Literal["shared", "per_kind", "none"] = "shared"
    curator_weight: float = 3.0
    taxonomy_examples: bool = True
    min_positives: int = 3
    random_state: int = 0


@dataclass(frozen=True, slots=True)
class _LabelFit:
    weights: FloatArray
    intercept: float
    threshold: float
    oof_proba: FloatArray


def train(
    records: Sequence[LabelledArticle],
    curator_records: Sequence[LabelledArticle] = (),
    params: TrainingParams | None = None,
    taxonomy: Taxonomy | None = None,
    relevance_examples: tuple[Sequence[str], Sequence[bool]] | None = None,
    groups: Mapping[str, str] | None = None,
    workers: int | None = None,
) -> Classifier:
    """Fit a classifier on the corpus plus curator labels (which win on equal texts).

    ``relevance_examples`` are (texts, selected) decisions of curators; the
    relevance model is learned only when they are numerous enough. ``groups``
    (example id → source site or corpus file) keeps each group on one side of
    the inner cross-validation that calibrates and sets the thresholds;
    examples without a group are a group of their own. ``workers`` processes
    fit the labels (``None``: every usable CPU, from 1,000 examples on); the
    model is the same whatever their number.
    """
    return train_with_oof(
        records, curator_records, params, taxonomy, relevance_examples, groups, workers
    )[0]


def train_with_oof(
    records: Sequence[LabelledArticle],
    curator_records: Sequence[LabelledArticle] = (),
    params: TrainingParams | None = None,
    taxonomy: Taxonomy | None = None,
    relevance_examples: tuple[Sequence[str], Sequence[bool]] | None = None,
    groups: Mapping[str, str] | None = None,
    workers: int | None = None,
) -> tuple[Classifier, FloatArray]:
    """``train``, plus the out-of-fold probabilities of the training examples
    (rows: the merged examples, then the taxonomy examples; columns: labels)."""
    params = params or TrainingParams()
    taxonomy = taxonomy or load_taxonomy()
    examples, sample_weight = merge_examples(records, curator_records, params.curator_weight)
    if len(examples) < 2 * params.folds:
        raise TrainingError(f"trop peu d'exemples pour entraîner ({len(examples)})")
    prior = taxonomy_examples(taxonomy) if params.taxonomy_examples else []
    sample_weight = np.concatenate([sample_weight, np.ones(len(prior))])
    articles = [record.article for record in [*examples, *prior]]
    featuriser = fit_featuriser(articles, params.features)
    features = featuriser.transform(articles)
    truth = label_matrix([*examples, *prior], taxonomy.ids)
    kinds = [label.kind for label in taxonomy.labels]
    rows = [record.id for record in [*examples, *prior]]
    inner_groups = None if groups is None else np.array([groups.get(i, i) for i in rows])
    workers = worker_count(workers, len(examples))
    targets, target_kinds = truth, list[str](kinds)
    if params.gate != "none":
        targets, target_kinds = np.column_stack([truth, truth.any(axis=1)]), [*kinds, "gate"]
    fits = _fit_labels(
        features, targets, sample_weight, params, target_kinds, len(examples), inner_groups, workers
    )
    gate_fit, fits = (fits[-1], fits[:-1]) if params.gate != "none" else (None, fits)
    relevance = learn_relevance(*relevance_examples) if relevance_examples else None
    classifier = Classifier(
        label_ids=taxonomy.ids,
        label_kinds=tuple(label.kind for label in taxonomy.labels),
        featuriser=featuriser,
        weights=np.column_stack([fit.weights for fit in fits]).astype(np.float32),
        intercepts=np.array([fit.intercept for fit in fits], dtype=np.float32),
        thresholds=np.array([fit.threshold for fit in fits], dtype=np.float32),
        relevance_model=relevance,
    )
    if gate_fit is not None:
        classifier.gate = _gate(classifier, fits, gate_fit, truth[: len(examples)], params.gate)
    counts = {"corpus": len(records), "curator": len(curator_records), "taxonomy": len(prior)}
    gate_oof = None if gate_fit is None else gate_fit.oof_proba
    classifier.info = _info(classifier, truth, fits, params, counts, gate_oof)
    return classifier, np.column_stack([fit.oof_proba for fit in fits])


def merge_examples(
    records: Sequence[LabelledArticle],
    curator_records: Sequence[LabelledArticle],
    curator_weight: float,
) -> tuple[list[LabelledArticle], FloatArray]:
    """Corpus records whose text a curator labelled are replaced by the curator's labels.

    Texts are compared after normalisation (case, accents, markup, spacing);
    curator records get ``curator_weight`` so a few corrections already count.
    """
    curated = dict(zip(_text_keys(curator_records), curator_records, strict=True))
    kept = [
        record
        for key, record in zip(_text_keys(records), records, strict=True)
        if key not in curated
    ]
    examples = kept + list(curated.values())
    weights = np.ones(len(examples))
    weights[len(kept) :] = curator_weight
    return examples, weights


def _text_keys(records: Sequence[LabelledArticle]) -> list[str]:
    return [" ".join(doc.split()) for doc in normalise_articles([r.article for r in records])]


def worker_count(workers: int | None, n_examples: int) -> int:
    """How many processes fit the labels: ``workers`` if given, else every usable
    CPU (cgroup quotas included) for a corpus large enough to be worth it."""
    if workers is not None:
        return max(workers, 1)
    if n_examples < PARALLEL_FROM_EXAMPLES:
        return 1
    from joblib import cpu_count

    return max(int(cpu_count()), 1)


def _gate(
    classifier: Classifier,
    fits: Sequence[_LabelFit],
    gate_fit: _LabelFit,
    truth: npt.NDArray[np.bool_],
    mode: str,
) -> Gate:
    """The gate's model and the thresholds that maximise the mean of the theme and job
    macro-F1 of the out-of-fold decisions (``per_kind``: each kind its own)."""
    rows = len(truth)
    decided = np.column_stack([fit.oof_proba[:rows] for fit in fits]) >= classifier.thresholds
    gate = gate_fit.oof_proba[:rows]

    def macro(threshold: float) -> dict[str, float]:
        cleared = decided & (gate >= threshold)[:, None]
        report = score_matrices(truth, cleared, classifier.label_ids, classifier.label_kinds)
        return {"theme": report.themes.macro_f1, "job": report.jobs.macro_f1}

    scores = {float(t): macro(float(t)) for t in _GATE_GRID}
    if mode == "per_kind":
        best = {kind: max(scores, key=lambda t: scores[t][kind]) for kind in ("theme", "job")}
    else:
        shared = max(scores, key=lambda t: scores[t]["theme"] + scores[t]["job"])
        best = {"theme": shared, "job": shared}
    return Gate(
        weights=gate_fit.weights.astype(np.float32),
        intercept=gate_fit.intercept,
        thresholds=np.array([best[kind] for kind in classifier.label_kinds], dtype=np.float32),
    )


def _fit_labels(
    features: sp.csr_matrix,
    truth: npt.NDArray[np.bool_],
    weight: FloatArray,
    params: TrainingParams,
    kinds: Sequence[str],
    n_real: int,
    groups: npt.NDArray[np.str_] | None = None,
    workers: int = 1,
) -> list[_LabelFit]:
    """One fit per label, in order, in this process or in ``workers`` processes.

    Processes, not threads: liblinear's random generator is process-wide and
    reseeded by each fit, so fits on threads would disturb one another, while
    each process gives the same result as a sequential run.

    Only the first ``n_real`` rows (not the taxonomy examples) count towards
    ``min_positives``: a label nobody has illustrated stays untrained.
    """
    jobs = [
        (features, truth[:, j], weight, _label_params(params, kinds[j]), n_real, groups)
        for j in range(truth.shape[1])
    ]
    if workers == 1:
        return [_fit_label(*job) for job in jobs]
    from joblib import Parallel, delayed

    fits: list[_LabelFit] = Parallel(n_jobs=min(workers, len(jobs)))(
        delayed(_fit_label)(*job) for job in jobs
    )
    return fits


def _label_params(params: TrainingParams, kind: str) -> TrainingParams:
    """The parameters of one label: themes may have their own learner."""
    if kind == "theme" and params.theme_learner is not None:
        return replace(params, learner=params.theme_learner)
    return params


def _fit_label(
    features: sp.csr_matrix,
    y: npt.NDArray[np.bool_],
    weight: FloatArray,
    params: TrainingParams,
    n_real: int,
    groups: npt.NDArray[np.str_] | None,
) -> _LabelFit:
    positives = int(y[:n_real].sum())
    if positives < params.min_positives or positives > n_real - params.min_positives:
        return _LabelFit(np.zeros(features.shape[1]), -10.0, 1.0, np.zeros(len(y)))
    candidates = [_calibrated(features, y, weight, p, groups) for p in _label_grid(params)]
    params, slope, offset, oof_proba, fold_mean = max(
        candidates, key=lambda c: _f_score(c[3], y, params)
    )
    threshold = _threshold(oof_proba, y, params) if params.thresholds == "cv" else 0.5
    if params.final_fit == "fold_mean":
        coef, intercept = fold_mean
    else:
        learner = make_learner(params, y).fit(features, y, sample_weight=weight)
        coef, intercept = learner.coef_.ravel(), float(learner.intercept_[0])
    return _LabelFit(
        weights=slope * coef,
        intercept=float(slope * intercept + offset),
        threshold=threshold,
        oof_proba=oof_proba,
    )


def _label_grid(params: TrainingParams) -> list[TrainingParams]:
    """The parameters a label chooses among (the default first: it wins ties)."""
    c_values = dict.fromkeys((params.c, *params.c_grid))
    weights = dict.fromkeys((params.class_weight, *params.class_weight_grid))
    return [replace(params, c=c, class_weight=w) for c in c_values for w in weights]


def _calibrated(
    features: sp.csr_matrix,
    y: npt.NDArray[np.bool_],
    weight: FloatArray,
    params: TrainingParams,
    groups: npt.NDArray[np.str_] | None,
) -> tuple[TrainingParams, float, float, FloatArray, tuple[FloatArray, float]]:
    """Platt scaling of out-of-fold decision values, the probabilities it gives, and
    the mean ``(w, b)`` of the fold models."""
    decisions, fold_mean = _out_of_fold_decisions(features, y, weight, params, groups)
    slope, offset = _platt(decisions, y)
    return params, slope, offset, _sigmoid(slope * decisions + offset), fold_mean


def _f_score(proba: FloatArray, y: npt.NDArray[np.bool_], params: TrainingParams) -> float:
    """The F1 of out-of-fold probabilities at the threshold they would be given."""
    predicted = proba >= _best_threshold(proba, y, params.threshold_beta)
    return float(2 * (predicted & y).sum() / max(predicted.sum() + y.sum(), 1))


def _out_of_fold_decisions(
    features: sp.csr_matrix,
    y: npt.NDArray[np.bool_],
    weight: FloatArray,
    params: TrainingParams,
    groups: npt.NDArray[np.str_] | None,
) -> tuple[FloatArray, tuple[FloatArray, float]]:
    """Out-of-fold decision values, and the mean ``(w, b)`` of the fold models."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    n_folds = min(params.folds, int(y.sum()), int((~y).sum()))
    seed = params.random_state
    folds = (
        StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
        if groups is None
        else StratifiedGroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    )
    decisions = np.zeros(len(y))
    coef, intercept = np.zeros(features.shape[1]), 0.0
    for train_rows, test_rows in folds.split(np.zeros(len(y)), y, groups):
        learner = make_learner(params, y[train_rows]).fit(
            features[train_rows], y[train_rows], sample_weight=weight[train_rows]
        )
        decisions[test_rows] = learner.decision_function(features[test_rows])
        coef += np.ravel(learner.coef_) / n_folds
        intercept += float(np.ravel(learner.intercept_)[0]) / n_folds
    return decisions, (coef, intercept)


def _platt(decisions: FloatArray, y: npt.NDArray[np.bool_]) -> tuple[float, float]:
    """Fit P(y | d) = sigmoid(a·d + b) on out-of-fold decision values."""
    from sklearn.linear_model import LogisticRegression

    scaler = LogisticRegression(C=100.0, solver="lbfgs").fit(decisions[:, None], y)
    return float(scaler.coef_[0, 0]), float(scaler.intercept_[0])


def _threshold(proba: FloatArray, y: npt.NDArray[np.bool_], params: TrainingParams) -> float:
    """The threshold of a label, from its out-of-fold probabilities."""
    best = _best_threshold(proba, y, params.threshold_beta)
    return min(best, _base_rate_threshold(proba, y)) if params.min_positive_rate else best


def _base_rate_threshold(proba: FloatArray, y: npt.NDArray[np.bool_]) -> float:
    """The highest threshold at which the predictions are at least as many as the
    positives: held-out sites get less confident probabilities, so a threshold that
    already under-predicts in the inner CV finds even fewer of them."""
    counts = (proba[None, :] >= _THRESHOLD_GRID[:, None]).sum(axis=1)
    enough = _THRESHOLD_GRID[counts >= y.sum()]
    return float(enough.max()) if len(enough) else float(_THRESHOLD_GRID[0])


def _best_threshold(proba: FloatArray, y: npt.NDArray[np.bool_], beta: float = 1.0) -> float:
    """The centre of the plateau of thresholds whose F-beta is within 0.01 of the best."""
    predicted = proba[None, :] >= _THRESHOLD_GRID[:, None]
    tp = (predicted & y).sum(axis=1)
    b2 = beta**2
    f_beta = (1 + b2) * tp / np.maximum(predicted.sum(axis=1) + b2 * y.sum(), 1)
    near_best = _THRESHOLD_GRID[f_beta >= f_beta.max() - 0.01]
    return float(np.median(near_best))


def _sigmoid(values: FloatArray) -> FloatArray:
    return 1.0 / (1.0 + np.exp(-np.clip(values, -30, 30)))


def _info(
    classifier: Classifier,
    truth: npt.NDArray[np.bool_],
    fits: list[_LabelFit],
    params: TrainingParams,
    counts: dict[str, int],
    gate_oof: FloatArray | None = None,
) -> dict[str, Any]:
    """Metadata saved with the model: when, on what, and how well in cross-validation.

    The taxonomy examples (the last rows) are left out of the counts and scores.
    """
    truth = truth[: len(truth) - counts["taxonomy"]]
    oof = np.column_stack([fit.oof_proba[: len(truth)] for fit in fits]) >= classifier.thresholds
    if gate_oof is not None and classifier.gate is not None:
        oof &= gate_oof[: len(truth), None] >= classifier.gate.thresholds
    report = score_matrices(truth, oof, classifier.label_ids, classifier.label_kinds)
    untrained = [
        label for label, fit in zip(classifier.label_ids, fits, strict=True) if fit.threshold >= 1.0
    ]
    return {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "n_examples": len(truth),
        "n_corpus_records": counts["corpus"],
        "n_curator_records": counts["curator"],
        "n_taxonomy_examples": counts["taxonomy"],
        "label_counts": dict(zip(classifier.label_ids, map(int, truth.sum(axis=0)), strict=True)),
        "untrained_labels": untrained,
        "params": asdict(params),
        "cross_validation": report.to_json(),
        "normalisation_version": NORMALISATION_VERSION,
        "n_features": classifier.featuriser.n_features,
        "python": platform.python_version(),
    }
