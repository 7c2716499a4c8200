from collections import Counter

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from classement._hashing import char_ngrams, count_pairs, layout, term_keys, word_keys
from classement.features import FeatureParams, _stop_keys, fit_featuriser, word_features
from classement.records import Article

MASK32 = 0xFFFFFFFF


def reference_bucket(ngram: str, bits: int) -> int:
    """The same hash as _hashing.char_ngrams, one string at a time."""
    value = 0
    for char in ngram:
        value = (value * 1_000_003 + ord(char)) & MASK32
    value = ((value ^ (len(ngram) * 0x27D4EB2F & MASK32)) * 0x9E3779B1) & MASK32
    return value >> (32 - bits)


def test_char_ngrams_are_those_of_scikit_learn_char_wb() -> None:
    docs = ["l'ia generative, en mairie !", "x", "", "rgpd-2024 cnil"]
    analyse = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()
    rows, buckets = char_ngrams(layout(docs), (3, 5), bits=20)
    real = buckets < 1 << 20
    for i, doc in enumerate(docs):
        cleaned = "".join(c if c.isalnum() else " " for c in doc)
        expected = Counter(reference_bucket(g, 20) for g in analyse(cleaned))
        assert Counter(buckets[real & (rows == i)].tolist()) == expected, doc


WORD_DOCS = [
    "l'ia generative en mairie : 3 agents, 2024 et l'ai act",
    "",
    "x y z",
    "rgpd_2024 cnil-sanction 4g reseau 5g du sous-prefet",
    "deja vu, deja vu ; ia ia ia",
    "日本語 ²ab cafµ →fleche ΑΒ",
]


def test_numpy_words_are_the_python_words() -> None:
    """Fitting reads words as strings, prediction hashes them: both must agree."""
    rows, keys = word_keys(layout(WORD_DOCS), _stop_keys(), bigrams=True)
    for i, doc in enumerate(WORD_DOCS):
        expected = Counter(term_keys(word_features(doc, bigrams=True)).tolist())
        assert Counter(keys[rows == i].tolist()) == expected, doc


def test_count_pairs_groups_equal_pairs() -> None:
    rows = np.array([1, 0, 1, 1, 0, 2, 2])
    cols = np.array([5, 2, 5, 3, 2, -1, 4])
    counts = count_pairs(rows, cols, n_rows=4, n_columns=6)
    assert counts.indptr.tolist() == [0, 1, 3, 4, 4]
    assert counts.indices.tolist() == [2, 3, 5, 4]
    assert counts.data.tolist() == [2, 1, 2, 1]


def test_word_features_drop_stop_words_and_keep_ai() -> None:
    assert word_features("l'ia et les donnees de la commune", bigrams=True) == [
        "ia",
        "donnees",
        "commune",
        "ia donnees",
        "donnees commune",
    ]
    assert "ai" in word_features("the ai act", bigrams=False)
    assert word_features("rgpd_2024 3d 2 d4", bigrams=False) == ["rgpd", "d4"]


def test_rows_have_a_fixed_norm_per_block_and_empty_text_is_zero() -> None:
    articles = [
        Article("1", "La CNIL et l'IA", "Sanction de la CNIL contre une commune."),
        Article("2", "IA et climat", "Les centres de données consomment de l'eau."),
        Article("3", "", ""),
    ]
    featuriser = fit_featuriser(articles, FeatureParams(min_df=1))
    matrix = featuriser.transform(articles)
    words = matrix[:, : featuriser.n_word_features]
    chars = matrix[:, featuriser.n_word_features :]
    assert np.allclose(np.sqrt(words.multiply(words).sum(axis=1)).A.ravel(), [1, 1, 0], atol=1e-5)
    scale = featuriser.params.char_weight
    assert np.allclose(
        np.sqrt(chars.multiply(chars).sum(axis=1)).A.ravel(), [scale, scale, 0], atol=1e-5
    )
