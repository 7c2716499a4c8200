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
