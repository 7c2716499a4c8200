import os
import subprocess
import sys

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


LICENCES = (
    "The registry the AI Act creates for general-purpose models lists which licences "
    "providers grant downstream users. Open-weight releases must state whether fine-tuned "
    "derivatives may be redistributed, and under which conditions public bodies can host "
    "them on their own infrastructure without a separate agreement with the provider."
)
TOKENS = (
    "Providers of general-purpose models must now report the number of training tokens "
    "and the share of copyrighted material in their datasets. The summary template published "
    "by the AI Office asks for the main sources, the cut-off date and the measures taken to "
    "honour opt-outs expressed by rights holders in machine-readable form."
)
STORY = (
    "Le Grand Reims ouvre un registre public de ses algorithmes. Chaque traitement "
    "automatisé utilisé par les services, de l'attribution des places en crèche au calcul "
    "des tarifs de l'eau, y est décrit avec sa finalité, les données mobilisées et le "
    "service référent. Les habitants peuvent demander une explication individuelle et "
    "signaler une erreur par un formulaire en ligne ; un bilan sera présenté au conseil "
    "communautaire au printemps."
)


def test_same_title_with_another_body_is_kept_apart() -> None:
    title = "EU AI Act: the model registry explained"
    assert not similar(fingerprint(title, LICENCES), fingerprint(title, TOKENS))


def test_same_text_with_other_casing_is_merged() -> None:
    title = "Le Grand Reims ouvre un registre public de ses algorithmes"
    assert similar(fingerprint(title, STORY), fingerprint(title.upper(), STORY.upper()))


def test_syndicated_copy_with_another_first_sentence_is_merged() -> None:
    copy = "Article publié avec l'aimable autorisation de L'Union. " + STORY.split(". ", 1)[1]
    title = "Le Grand Reims ouvre un registre public de ses algorithmes"
    assert similar(
        fingerprint(title, STORY),
        fingerprint("Reims ouvre un registre public des algorithmes", copy),
    )


def test_two_weeks_of_the_same_weekly_review_are_kept_apart() -> None:
    intro = "Chaque semaine, notre sélection d'actualités sur l'intelligence artificielle. "
    week_1 = intro + (
        "La CNIL publie ses recommandations sur les assistants conversationnels dans les "
        "administrations. Montpellier expérimente la transcription automatique des conseils "
        "municipaux. Un rapport du Sénat appelle à mutualiser les achats de solutions."
    )
    week_2 = intro + (
        "Le règlement européen entre dans sa deuxième phase d'application pour les modèles "
        "à usage général. Rennes forme ses agents d'accueil à la rédaction de consignes. "
        "L'ANSSI alerte sur les extensions de navigateur qui exfiltrent des documents."
    )
    assert not similar(
        fingerprint("Revue de presse IA", week_1), fingerprint("Revue de presse IA", week_2)
    )


def test_a_title_alone_is_never_enough() -> None:
    """Summary-less entries, or a one-line teaser, give no text to compare."""
    assert not similar(fingerprint("Édito", ""), fingerprint("Édito", ""))
    teaser = "Lire l'édito de la semaine."
    assert not similar(fingerprint("Édito", teaser), fingerprint("Édito", teaser))


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


def test_fingerprints_are_the_same_in_every_process() -> None:
    """Parsing processes make fingerprints that this process compares: string hashes,
    salted per process, must not leak into them."""
    code = (
        "import sys; from veille.collect.dedup import fingerprint; "
        "p = fingerprint(sys.argv[1], sys.argv[2]); "
        "print(p.title_words.hex(), p.text_sketch.hex(), p.title_keys.hex())"
    )
    title = "Le Grand Reims forme ses agents à l'intelligence artificielle"
    here = fingerprint(title, TEXT)
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", code, title, TEXT], env=env, capture_output=True, text=True
        )
        assert done.stdout.split() == [
            here.title_words.hex(),
            here.text_sketch.hex(),
            here.title_keys.hex(),
        ], done.stderr
