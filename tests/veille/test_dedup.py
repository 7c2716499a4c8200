from veille.collect.dedup import NearDuplicateIndex, fingerprint, similar

TEXT = (
    "La communauté urbaine lance un programme de formation à l'intelligence artificielle "
    "destiné à tous ses agents, avec des référents dans chaque direction et un bilan annuel "
    "présenté au conseil communautaire."
)


def test_same_story_with_a_slightly_different_title_is_similar() -> None:
    a = fingerprint("Le Grand Reims forme ses agents à l'intelligence artificielle", TEXT)
    b = fingerprint("Grand Reims : former ses agents à l'intelligence artificielle", TEXT + " Fin.")
    assert similar(a, b)


def test_different_stories_are_not_similar() -> None:
    a = fingerprint("Le Grand Reims forme ses agents à l'intelligence artificielle", TEXT)
    b = fingerprint("La CNIL sanctionne une commune pour vidéosurveillance", "Autre sujet.")
    assert not similar(a, b)


def test_index_finds_the_first_article_from_another_source_only() -> None:
    index = NearDuplicateIndex()
    story = fingerprint("Le Grand Reims forme ses agents à l'intelligence artificielle", TEXT)
    index.add(1, source_id=10, print_=story)
    index.add(2, source_id=11, print_=story)
    again = fingerprint("Grand Reims : former ses agents à l'intelligence artificielle", TEXT)
    assert index.find(source_id=12, print_=again) == 1
    assert index.find(source_id=10, print_=again) == 2
    other = fingerprint("Budget participatif : les résultats du vote", "Rien à voir.")
    assert index.find(source_id=12, print_=other) is None
