"""What each subscriber receives; pure functions over ``EditionContent``.

An agent (no theme, no job) receives the whole edition. A referent receives
the items of their themes and jobs, their themes' sections first, then
« Aussi dans vos thèmes »: the week's best unselected articles in their
labels. Sections left empty are dropped.
"""

from newsletter.content import EditionContent, Item, PersonalEdition, Profile, Section


def pick_for(profile: Profile, edition: EditionContent, also_count: int = 5) -> PersonalEdition:
    if profile.whole_edition:
        return PersonalEdition(edition, profile, edition.sections)
    kept = [_narrow(section, profile) for section in edition.sections]
    sections = [section for section in kept if section.items]
    sections.sort(key=lambda section: section.key not in profile.themes)
    return PersonalEdition(edition, profile, tuple(sections), _also(profile, edition, also_count))


def _narrow(section: Section, profile: Profile) -> Section:
    items = tuple(item for item in section.items if item.concerns(profile.themes, profile.jobs))
    return Section(section.key, section.title, items)


def _also(profile: Profile, edition: EditionContent, count: int) -> tuple[Item, ...]:
    wanted = profile.themes | profile.jobs
    scored = []
    for item in edition.candidates:
        matching = [score for label, score in item.scores.items() if label in wanted]
        if matching:
            scored.append((max(matching), item.relevance, item))
    scored.sort(key=lambda entry: (-entry[0], -entry[1], entry[2].article_id))
    return tuple(item for _score, _relevance, item in scored[:count])
