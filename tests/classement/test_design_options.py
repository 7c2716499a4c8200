"""Options compared by grouped cross-validation: lemmas, title weight, blend, inner groups."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from classement import LabelledArticle, Taxonomy, load_model, save_model, train
from classement.features import FeatureParams, fit_featuriser
from classement.learners import Blend, make_learner
from classement.records import Article
from classement.train import TrainingParams, _best_threshold, _threshold

DOCS = [
    Article("1", "Les données des usagers", "Des algorithmes traitent les données."),
    Article("2", "Une donnée sensible", "Un algorithme a traité une donnée."),
    Article("3", "Budget", "Les données et les algorithmes du budget."),
]


def test_lemmas_put_inflected_forms_in_one_column() -> None:
    featuriser = fit_featuriser(DOCS, FeatureParams(word_lemmas=True, min_df=1, char_ngrams=None))
    terms = featuriser.word_terms
    assert "algorithme" in terms and "algorithmes" not in terms and "usager" in terms
    singular = featuriser.transform([Article("a", "", "un usager")])
    plural = featuriser.transform([Article("b", "", "des usagers")])
    assert singular.nnz == plural.nnz == 1
    assert (singular != plural).nnz == 0


def test_title_repeat_weighs_the_title_words() -> None:
    params = FeatureParams(min_df=1, char_ngrams=None, word_bigrams=False)
    article = [Article("t", "cnil", "budget voirie")]
    once = fit_featuriser(DOCS + article, params)
    thrice = fit_featuriser(DOCS + article, replace(params, title_repeat=3))
    column = once.word_terms.index("cnil")
    assert thrice.word_terms == once.word_terms
    assert thrice.transform(article)[0, column] > once.transform(article)[0, column]


def test_lemma_model_round_trips(
    subset: list[LabelledArticle],
    held_out: list[LabelledArticle],
    taxonomy: Taxonomy,
    tmp_path: Path,
) -> None:
    params = TrainingParams(folds=3, learner="blend", features=FeatureParams(word_lemmas=True))
    model = train(subset[:200], params=params, taxonomy=taxonomy)
    assert len(model.featuriser.lemma_table[0]) > 1000
    path = tmp_path / "modele-0001.npz"
    save_model(model, path)
    articles = [record.article for record in held_out[:50]]
    assert np.array_equal(load_model(path).predict_proba(articles), model.predict_proba(articles))


def test_inner_groups_change_only_the_calibration_folds(
    subset: list[LabelledArticle], taxonomy: Taxonomy
) -> None:
    records = subset[:200]
    params = TrainingParams(folds=3)
    groups = {record.id: f"site-{i % 7}" for i, record in enumerate(records)}
    plain = train(records, params=params, taxonomy=taxonomy)
    grouped = train(records, params=params, taxonomy=taxonomy, groups=groups)
    again = train(records, params=params, taxonomy=taxonomy, groups=groups)
    assert plain.featuriser.word_terms == grouped.featuriser.word_terms
    assert not np.array_equal(plain.thresholds, grouped.thresholds)
    assert np.array_equal(grouped.weights, again.weights)


def test_blend_of_three_learners_is_the_mean_of_their_decisions() -> None:
    rows = [[1, 1, 0]] * 6 + [[0, 1, 1]] * 6
    features = sp.csr_matrix(np.array(rows, dtype=np.float64))
    y = np.array([True] * 6 + [False] * 6)
    weight = np.ones(12)
    params = TrainingParams(blend=("nblr", "logreg", "nb"))
    blend = Blend(params).fit(features, y, sample_weight=weight)
    parts = [
        make_learner(replace(params, learner=k), y).fit(features, y, weight) for k in params.blend
    ]
    mean = np.mean([part.decision_function(features) for part in parts], axis=0)
    assert np.allclose(blend.decision_function(features), mean)
    assert (mean[:6] > 0).all() and (mean[6:] < 0).all()


def test_recall_leaning_thresholds_are_lower() -> None:
    rng = np.random.default_rng(0)
    y = rng.random(400) < 0.2
    proba = np.clip(0.3 * y + rng.normal(0.3, 0.15, 400), 0, 1)
    assert _best_threshold(proba, y, beta=1.5) < _best_threshold(proba, y)


def test_minimum_positive_rate_lowers_a_threshold_that_under_predicts() -> None:
    rng = np.random.default_rng(0)
    y = rng.random(400) < 0.1
    proba = np.clip(0.2 * y + rng.normal(0.25, 0.2, 400), 0, 1)
    plain = _threshold(proba, y, TrainingParams())
    floored = _threshold(proba, y, TrainingParams(min_positive_rate=True))
    assert (proba >= plain).sum() < y.sum() <= (proba >= floored).sum()


def test_raw_term_frequency_weighs_repeated_words_more() -> None:
    params = FeatureParams(min_df=1, char_ngrams=None, word_bigrams=False, title_repeat=1)
    article = [Article("r", "", "cnil cnil cnil budget")]
    column = fit_featuriser(DOCS + article, params).word_terms.index("cnil")
    sublinear = fit_featuriser(DOCS + article, params).transform(article)
    raw = fit_featuriser(DOCS + article, replace(params, sublinear_tf=False)).transform(article)
    assert raw[0, column] > sublinear[0, column]


def _cosine(a: sp.csr_matrix, b: sp.csr_matrix) -> float:
    dot = float(a.multiply(b).sum())
    return dot / float(np.sqrt(a.multiply(a).sum() * b.multiply(b).sum()))


def test_title_block_sets_apart_articles_whose_titles_differ() -> None:
    body = "Le service instruit les demandes des usagers avec un algorithme."
    pair = [
        Article("m", "Le manager pilote le projet", body),
        Article("a", "L'assistant rédige le courrier", body),
    ]
    params = FeatureParams(min_df=1, char_ngrams=None)
    plain = fit_featuriser(DOCS + pair, params)
    titled = fit_featuriser(DOCS + pair, replace(params, title_block_weight=1.0))
    without, with_title = plain.transform(pair), titled.transform(pair)
    assert with_title.shape[1] == titled.n_features == 2 * plain.n_features
    # same dot product (the title blocks share no term), twice the squared norms
    assert _cosine(with_title[0], with_title[1]) < 0.6 * _cosine(without[0], without[1])


def test_title_block_holds_the_title_terms_only() -> None:
    params = FeatureParams(min_df=1, char_ngrams=None, title_block_weight=0.5)
    article = [Article("t", "Budget", "cnil voirie")]
    featuriser = fit_featuriser(DOCS + article, params)
    blocks = featuriser.transform_articles(article)
    assert blocks.title is not None
    title_terms = {featuriser.word_terms[j] for j in blocks.title.indices}
    assert title_terms == {"budget"}
    assert np.isclose(np.sqrt(blocks.title.multiply(blocks.title).sum()), 0.5)


def test_title_block_model_round_trips(
    subset: list[LabelledArticle],
    held_out: list[LabelledArticle],
    taxonomy: Taxonomy,
    tmp_path: Path,
) -> None:
    params = TrainingParams(folds=3, features=FeatureParams(title_block_weight=0.5))
    model = train(subset[:200], params=params, taxonomy=taxonomy)
    assert model.weights.shape[0] == 2 * model.featuriser.n_word_features + len(
        model.featuriser.char_buckets
    )
    path = tmp_path / "modele-0001.npz"
    save_model(model, path)
    articles = [record.article for record in held_out[:50]]
    loaded = load_model(path)
    assert loaded.featuriser.params.title_block_weight == 0.5
    assert np.array_equal(loaded.predict_proba(articles), model.predict_proba(articles))
    assert [p.jobs for p in loaded.predict(articles)] == [p.jobs for p in model.predict(articles)]


def test_fold_mean_keeps_the_calibration_and_changes_the_final_weights(
    subset: list[LabelledArticle], taxonomy: Taxonomy
) -> None:
    records = subset[:200]
    refit = train(records, params=TrainingParams(folds=3), taxonomy=taxonomy)
    params = TrainingParams(folds=3, final_fit="fold_mean")
    fold_mean = train(records, params=params, taxonomy=taxonomy)
    assert np.array_equal(refit.thresholds, fold_mean.thresholds)
    trained = refit.thresholds < 1.0
    assert not np.allclose(refit.weights[:, trained], fold_mean.weights[:, trained])
    articles = [record.article for record in records[:50]]
    agreement = (refit.predict_proba(articles) >= refit.thresholds) == (
        fold_mean.predict_proba(articles) >= fold_mean.thresholds
    )
    assert agreement.mean() > 0.9
