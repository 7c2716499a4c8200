"""Properties checked on generated inputs (Hypothesis)."""

import random
import string
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from veille.collect.dedup import NearDuplicateIndex, fingerprint
from veille.collect.normalise import canonical_url, clean_html

# --- canonical URLs -------------------------------------------------------------

_WORD = st.text(string.ascii_letters + string.digits + "-._~%", min_size=1, max_size=8)
_PARAM = st.tuples(
    st.one_of(st.sampled_from(["utm_source", "xtor", "fbclid", "id", "page", "q"]), _WORD),
    st.text(string.ascii_letters + string.digits + " /&=?é", max_size=6),
)


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "HtTpS"]))
    host = draw(st.from_regex(r"[A-Za-z0-9]{1,10}(\.[A-Za-z0-9]{1,10}){0,2}\.?", fullmatch=True))
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    path = "/".join(draw(st.lists(_WORD, max_size=4)))
    slashes = draw(st.sampled_from(["/", "//", "/./"]))
    query = "&".join(f"{key}={value}" for key, value in draw(st.lists(_PARAM, max_size=4)))
    fragment = draw(st.sampled_from(["", "#haut", "#"]))
    return f"{scheme}://{host}{port}{slashes}{path}" + (f"?{query}" if query else "") + fragment


@given(urls())
def test_canonicalisation_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    if once is not None:
        assert canonical_url(once) == once
        assert "utm_source" not in once and "#" not in once


# --- near-duplicates ------------------------------------------------------------

_VOCABULARY = [
    "".join(random.Random(index).choices(string.ascii_lowercase, k=7)) for index in range(3000)
]


def _story_text(story: int, sentences: int = 6) -> list[str]:
    rng = random.Random(story)
    return [" ".join(rng.choices(_VOCABULARY, k=14)) + "." for _ in range(sentences)]


def _copy(story: int, variant: int) -> tuple[str, str, str]:
    """(canonical URL, title, text): the original, or a copy as sources make them."""
    rng = random.Random(story)
    title = " ".join(rng.choices(_VOCABULARY, k=8))
    text = _story_text(story)
    url = f"https://site{story}.example.org/{story}"
    if variant == 1:  # the same URL (tracking parameters removed), another casing
        return url, title.upper(), " ".join(text).upper()
    if variant == 2:  # syndicated elsewhere, another first sentence
        return f"https://copie{story}.example.net/a", title, " ".join(["Repris.", *text[1:]])
    if variant == 3:  # another article that shares the title only
        return f"https://site{story}.example.org/autre", title, " ".join(_story_text(story + 999))
    return url, title, " ".join(text)


def _groups(entries: list[tuple[int, int, int]]) -> set[frozenset[tuple[int, int]]]:
    """Merge as the store does (URL, then near-duplicate); the resulting groups."""
    index = NearDuplicateIndex()
    by_url: dict[str, int] = {}
    root: dict[tuple[int, int], int] = {}
    for number, (source, story, variant) in enumerate(entries):
        url, title, text = _copy(story, variant)
        print_ = fingerprint(title, text)
        original = by_url.get(url)
        if original is None:
            original = index.find(source, print_)
        if original is None:
            index.add(number, source, print_)
            by_url[url] = original = number
        root[(story, variant)] = original
    members: dict[int, set[tuple[int, int]]] = {}
    for key, found in root.items():
        members.setdefault(found, set()).add(key)
    return {frozenset(group) for group in members.values()}


@st.composite
def publications(draw: st.DrawFn) -> list[tuple[int, int, int]]:
    """(source, story, variant): distinct publications, each from its own source."""
    keys = draw(
        st.lists(
            st.tuples(st.integers(0, 4), st.integers(0, 3)), min_size=1, max_size=14, unique=True
        )
    )
    return [(number, story, variant) for number, (story, variant) in enumerate(keys)]


@settings(max_examples=60, deadline=None)
@given(publications(), st.randoms(use_true_random=False))
def test_dedup_is_stable_under_input_order(
    entries: list[tuple[int, int, int]], rng: random.Random
) -> None:
    shuffled = list(entries)
    rng.shuffle(shuffled)
    expected = _groups(entries)
    assert _groups(shuffled) == expected
    for group in expected:  # and the groups are the stories: copies together, homonyms apart
        assert len({story for story, variant in group if variant != 3}) <= 1
        assert not any(variant == 3 for _story, variant in group) or len(group) == 1
    stories = {story for _source, story, variant in entries if variant != 3}
    homonyms = sum(variant == 3 for _source, _story, variant in entries)
    assert len(expected) == len(stories) + homonyms


# --- sanitising -----------------------------------------------------------------

_TAGS = ["p", "a", "img", "script", "style", "iframe", "div", "svg", "object", "b", "form"]
_ATTRIBUTES = [
    'href="javascript:alert(1)"', 'src="https://exemple.fr/i.png"', 'onerror="alert(1)"',
    'onclick="x()"', 'OnMouseOver="x()"', 'style="background:url(javascript:x)"',
    'href="/relatif"', "title='t'", 'src="data:text/html;base64,PHNjcmlwdD4="',
]  # fmt: skip


@st.composite
def fragments(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        tag = draw(st.sampled_from(_TAGS))
        attributes = " ".join(draw(st.lists(st.sampled_from(_ATTRIBUTES), max_size=3)))
        inner = draw(st.sampled_from(["texte", "alert(1)", "<b>gras</b>", "<script>x()</script>"]))
        closing = draw(st.sampled_from([f"</{tag}>", "", f"</{tag.upper()}>"]))
        parts.append(f"<{draw(st.sampled_from([tag, tag.upper()]))} {attributes}>{inner}{closing}")
    return "".join(parts)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


@settings(max_examples=200)
@given(fragments())
def test_sanitising_leaves_no_script_or_event_handler(fragment: str) -> None:
    cleaned = clean_html(fragment, "https://exemple.fr/article")
    parsed = _Collector()
    parsed.feed(cleaned)
    assert not {"script", "style", "iframe", "svg", "object", "form"} & set(parsed.tags)
    for name, value in parsed.attributes:
        assert not name.startswith("on") and name != "style"
        assert not value.strip().lower().startswith(("javascript:", "data:"))
