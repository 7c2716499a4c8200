"""« Aussi dans vos thèmes » reads only the candidates a profile could be shown, and every
profile gets exactly what it got when every candidate of the week was read."""

import dataclasses
import itertools
import random

from sqlalchemy.orm import Session

from newsletter.content import Profile
from newsletter.edition import build_edition
from newsletter.personalise import pick_for
from newsletter.weeks import parse_week
from tests.newsletter.factories import BEFORE_DEADLINE, LABELS, OPTIONS, WEEK, article, source

ALSO = 3


def test_pruned_candidates_give_every_profile_the_same_also(session: Session) -> None:
    rng = random.Random(12)
    src = source(session)
    ids = LABELS.ids_of("theme") + LABELS.ids_of("job")
    for number in range(80):
        labels = {label: round(rng.random(), 2) for label in rng.sample(ids, rng.randint(0, 3))}
        relevance = rng.choice([0.5, 0.7, round(rng.random(), 2)])  # ties on relevance too
        article(session, src, f"Article {number}", labels, relevance=relevance)
    week = parse_week(WEEK)
    whole = build_edition(session, week, OPTIONS, BEFORE_DEADLINE)
    pruned_options = dataclasses.replace(OPTIONS, also_count=ALSO)
    pruned = build_edition(session, week, pruned_options, BEFORE_DEADLINE)
    assert len(whole.candidates) == 80
    assert len(pruned.candidates) <= ALSO * len(ids) < 80
    themes, jobs = LABELS.ids_of("theme"), LABELS.ids_of("job")
    profiles = [Profile.of([t], []) for t in themes] + [Profile.of([], [j]) for j in jobs]
    profiles += [Profile.of(pair, [job]) for pair in itertools.combinations(themes, 2)
                 for job in jobs[:2]]  # fmt: skip
    for profile in profiles:
        for floor in (0.0, 0.6):
            expected = pick_for(profile, whole, ALSO, floor).also
            assert pick_for(profile, pruned, ALSO, floor).also == expected, profile
