"""What each subscriber receives; pure functions over ``EditionContent``.

An agent (no theme, no job) receives the whole edition. A referent receives
the items of their themes and jobs, their themes' sections first, then
« Aussi dans vos thèmes »: the week's other articles in their themes and jobs
that nobody rejected, whose relevance reaches ``min_relevance``, most relevant
first (the ones nobody triaged yet are marked as such when rendered).
Sections left empty are dropped.
"""

from newsletter.content import EditionContent, Item, PersonalEdition, Profile, Section


def pick_for(
    profile: Profile, edition: EditionContent, also_count: int = 5, min_relevance: float = 0.0
) -> PersonalEdition:
    if profile.whole_edition:
        return PersonalEdition(edition, profile, edition.sections)
    kept = [_narrow(section, profile) for section in edition.sections]
    sections = [section for section in kept if section.items]
    sections.sort(key=lambda section: section.key not in profile.themes)
    also = _also(profile, edition, also_count, min_relevance)
    return PersonalEdition(edition, profile, tuple(sections), also)


def _narrow(section: Section, profile: Profile) -> Section:
    items = tuple(item for item in section.items if item.concerns(profile.themes, profile.jobs))
    return Section(section.key, section.title, items)


def _also(
    profile: Profile, edition: EditionContent, count: int, min_relevance: float
) -> tuple[Item, ...]:
    """Candidates (the week's articles neither selected nor rejected) in the profile's
    labels, relevance at least ``min_relevance``, most relevant first."""
    kept = [
        item
        for item in edition.candidates
        if item.concerns(profile.themes, profile.jobs) and item.relevance >= min_relevance
    ]
    kept.sort(key=lambda item: (-item.relevance, item.article_id))
    return tuple(kept[:count])
