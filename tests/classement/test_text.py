from classement.text import MAX_TEXT_CHARS, fold, normalise, normalise_batch, strip_html, truncate


def test_strip_html_removes_tags_scripts_and_entities() -> None:
    html = "<p>L&rsquo;IA <b>générative</b></p><script>alert('x')</script><style>p{}</style>"
    assert strip_html(html).split() == ["L’IA", "générative"]


def test_fold_lowercases_and_removes_accents() -> None:
    assert fold("Éthique ÇA Œuvre l’IA «citée»") == "ethique ca oeuvre l'ia  citee "


def test_truncate_cuts_on_a_space() -> None:
    text = "mot " * 2000
    cut = truncate(text)
    assert len(cut) <= MAX_TEXT_CHARS and cut.endswith("mot")


def test_normalise_batch_matches_one_by_one() -> None:
    items = [("Titre", "<p>Texte é</p>"), ("", ""), ("日本語", "Ünïcödé\x00zero")]
    assert normalise_batch(items) == [normalise(t, x) for t, x in items]
    assert normalise("Titre", "Corps") == "titre . corps"
