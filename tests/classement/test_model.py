"""Predictions on well-formed and awkward input."""

import numpy as np

from classement import Article, Classifier, LabelledArticle, Taxonomy
from classement.features import word_features
from classement.lemmas import folded_lemmas
from classement.text import normalise


def test_prediction_contract(
    model: Classifier, held_out: list[LabelledArticle], taxonomy: Taxonomy
) -> None:
    predictions = model.predict([record.article for record in held_out[:50]])
    for record, prediction in zip(held_out, predictions, strict=False):
        assert prediction.id == record.id
        assert set(prediction.scores) == set(taxonomy.ids)
        assert all(0.0 <= p <= 1.0 for p in prediction.scores.values())
        assert set(prediction.themes) <= set(taxonomy.theme_ids)
        assert set(prediction.jobs) <= set(taxonomy.job_ids)
        assert set(prediction.explanations) == set(prediction.themes) | set(prediction.jobs)
        assert 0.0 <= prediction.relevance <= 1.0
        payload = prediction.to_json()
        assert list(payload)[:4] == ["id", "themes", "jobs", "scores"]


def test_explanations_are_words_of_the_article(model: Classifier) -> None:
    article = Article(
        "x",
        "La CNIL sanctionne une commune",
        "Amende record pour une mairie qui a déployé la vidéosurveillance algorithmique "
        "sans analyse d'impact ; le juge administratif a été saisi.",
    )
    prediction = model.predict([article])[0]
    assert prediction.themes, "a plainly legal item must get at least one theme"
    doc = normalise(article.title, article.text)
    own_terms = set(word_features(doc, bigrams=True))
    assert "cnil" in own_terms and "videosurveillance algorithmique" in own_terms
    # the model's words are lemmas ("juge" counts as "juger"): their forms are the article's
    own_terms |= set(word_features(doc, bigrams=True, lemma_of=folded_lemmas()))
    for terms in prediction.explanations.values():
        assert 0 < len(terms) <= 5
        assert set(terms) <= own_terms


def test_empty_text_gives_no_label(model: Classifier) -> None:
    prediction = model.predict([Article("vide", "", "")])[0]
    assert prediction.themes == () and prediction.jobs == ()
    assert prediction.explanations == {}
    assert prediction.relevance < 0.3


def test_html_is_read_as_its_text(model: Classifier) -> None:
    plain = Article(
        "a", "Consommation d'eau", "Les centres de données de l'IA consomment de l'eau."
    )
    html = Article(
        "a",
        "<h1>Consommation d&#39;eau</h1>",
        "<div><script>var x = 'juridique';</script><p>Les <b>centres de données</b> "
        "de l&rsquo;IA consomment de l'eau.</p></div>",
    )
    assert np.allclose(model.predict_proba([plain]), model.predict_proba([html]), atol=1e-4)


def test_very_long_text_is_truncated_not_an_error(model: Classifier) -> None:
    head = "Le règlement européen sur l'IA impose aux collectivités de nouvelles obligations. "
    long = Article("long", "AI Act", head + "Lorem ipsum dolor sit amet. " * 200_000)
    short = Article("short", "AI Act", head + "Lorem ipsum dolor sit amet. " * 200)
    long_proba, short_proba = model.predict_proba([long, short])
    assert np.allclose(long_proba, short_proba, atol=1e-4)


def test_other_languages_and_scripts_do_not_break(model: Classifier) -> None:
    articles = [
        Article("de", "Künstliche Intelligenz", "Die Stadtverwaltung testet einen Chatbot.", "de"),
        Article("zh", "人工智能", "市政府使用人工智能聊天机器人。", "zh"),
        Article("ar", "الذكاء الاصطناعي", "تستخدم البلدية روبوت محادثة.", "ar"),
        Article("emoji", "🤖🤖", "💡 ✨", ""),
    ]
    predictions = model.predict(articles)
    assert [p.id for p in predictions] == ["de", "zh", "ar", "emoji"]
    for prediction in predictions[1:]:
        assert prediction.themes == () and prediction.jobs == ()


def test_predict_proba_is_deterministic_and_batch_independent(
    model: Classifier, held_out: list[LabelledArticle]
) -> None:
    articles = [record.article for record in held_out[:40]]
    together = model.predict_proba(articles)
    one_by_one = np.vstack([model.predict_proba([article]) for article in articles])
    assert np.allclose(together, one_by_one, atol=1e-5)
