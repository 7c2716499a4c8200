import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp

from classement import Article, Classifier, LabelledArticle, learn_relevance
from classement.relevance import heuristic_scores, keyword_columns


def test_heuristic_prefers_ai_in_the_public_sector(model: Classifier) -> None:
    articles = [
        Article(
            "1", "La métropole déploie une IA générative", "Pour les agents du service public."
        ),
        Article("2", "Une start-up lève des fonds pour son IA", "Levée de fonds."),
        Article("3", "Travaux de voirie rue Jean-Jaurès", "La circulation sera déviée."),
    ]
    scores = [prediction.relevance for prediction in model.predict(articles)]
    assert scores[0] > scores[1] > scores[2]
    assert scores[2] < 0.3


def test_keywords_are_whole_vocabulary_terms() -> None:
    terms = ["ia", "ia generative", "commune", "biais", "mairie", "iode"]
    columns = keyword_columns(terms)
    assert columns.ai.tolist() == [True, True, False, False, False, False]
    assert columns.public.tolist() == [False, False, True, False, True, False]


def test_label_probabilities_raise_the_score() -> None:
    words = sp.csr_matrix(np.ones((2, 1), dtype=np.float32))
    keywords = keyword_columns(["ia"])
    proba = np.array([[0.0] * 12, [0.9] + [0.0] * 11], dtype=np.float32)
    low, high = heuristic_scores(words, keywords, proba)
    assert low == pytest.approx(0.45 * 0.6) and high == pytest.approx(0.45 * 0.6 + 0.3 * 0.9)


def test_the_gate_scales_the_label_signal() -> None:
    words = sp.csr_matrix(np.ones((2, 1), dtype=np.float32))
    proba = np.array([[0.9] + [0.0] * 11] * 2, dtype=np.float32)
    gate = np.array([1.0, 0.2], dtype=np.float32)
    kept, rejected = heuristic_scores(words, keyword_columns(["ia"]), proba, gate)
    assert kept == pytest.approx(0.45 * 0.6 + 0.3 * 0.9)
    assert rejected == pytest.approx(0.45 * 0.6 + 0.3 * 0.9 * 0.2)


def test_articles_the_gate_doubts_rank_lower(
    model: Classifier, held_out: list[LabelledArticle]
) -> None:
    """The inbox score reads the best label probability times ``any_label``: the less
    likely an article is to carry any label, the less its best label lifts it."""
    articles = [record.article for record in held_out]
    with_gate = model.predict(articles, explain=False)
    without_gate = dataclasses.replace(model, gate=None).predict(articles, explain=False)
    lowered = 0
    for gated, plain in zip(with_gate, without_gate, strict=True):
        assert gated.any_label is not None and plain.any_label is None
        best = max(gated.scores.values())
        expected_drop = 0.3 * best * (1 - gated.any_label)
        assert plain.relevance - gated.relevance == pytest.approx(expected_drop, abs=3e-4)
        lowered += expected_drop > 0.05
    assert lowered > 0


def test_too_few_decisions_learn_nothing() -> None:
    assert learn_relevance(["a b"] * 10, [True] * 5 + [False] * 5) is None


def test_curator_decisions_are_learned(model: Classifier) -> None:
    kept = [f"L'IA au service des usagers de la commune, cas numéro {i}" for i in range(30)]
    dropped = [
        f"Résultats financiers trimestriels d'une entreprise de jeux vidéo {i}" for i in range(30)
    ]
    learned = learn_relevance(kept + dropped, [True] * 30 + [False] * 30)
    assert learned is not None and (learned.n_selected, learned.n_rejected) == (30, 30)
    with_learning = dataclasses.replace(model, relevance_model=learned)
    articles = [
        Article("k", "", "L'IA au service des usagers de la commune"),
        Article("d", "", "Résultats financiers trimestriels d'une entreprise de jeux vidéo"),
    ]
    plain = [p.relevance for p in model.predict(articles)]
    learned_scores = [p.relevance for p in with_learning.predict(articles)]
    assert learned_scores[0] - learned_scores[1] > plain[0] - plain[1]
