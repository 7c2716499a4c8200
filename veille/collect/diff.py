"""What changed between two snapshots of a page: unified diff, word diff, passages; pure."""

import difflib
import html
from dataclasses import dataclass

MAX_PASSAGES = 12
_PASSAGE_CHARS = 400


@dataclass(frozen=True, slots=True)
class PageDiff:
    """A change between two texts, ready to store and to show."""

    unified: str
    html: str
    added_words: int
    removed_words: int
    added: tuple[str, ...]
    removed: tuple[str, ...]


def diff_texts(old: str, new: str, old_name: str = "avant", new_name: str = "après") -> PageDiff:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    unified = "\n".join(
        difflib.unified_diff(old_lines, new_lines, old_name, new_name, lineterm="", n=2)
    )
    added: list[str] = []
    removed: list[str] = []
    blocks: list[str] = []
    counts = [0, 0]
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before, after = old_lines[i1:i2], new_lines[j1:j2]
        removed += [line for line in before if line not in new_lines]
        added += [line for line in after if line not in old_lines]
        blocks.append(_word_diff(" ".join(before), " ".join(after), counts))
    return PageDiff(
        unified=unified,
        html="\n".join(blocks),
        added_words=counts[0],
        removed_words=counts[1],
        added=tuple(added),
        removed=tuple(removed),
    )


def _word_diff(before: str, after: str, counts: list[int]) -> str:
    """One paragraph with <del> and <ins> around the words that changed."""
    old_words, new_words = before.split(), after.split()
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(html.escape(" ".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            counts[1] += i2 - i1
            parts.append(f"<del>{html.escape(' '.join(old_words[i1:i2]))}</del>")
        if j2 > j1:
            counts[0] += j2 - j1
            parts.append(f"<ins>{html.escape(' '.join(new_words[j1:j2]))}</ins>")
    return "<p>" + " ".join(parts) + "</p>"


def passages_html(diff: PageDiff) -> str:
    """The summary of a regulation update: the passages added and removed."""
    items = [("Ajouté", line) for line in diff.added] + [("Retiré", line) for line in diff.removed]
    if not items:
        return "<p>Passages réorganisés.</p>"
    shown = items[:MAX_PASSAGES]
    rows = "".join(
        f"<li><strong>{word} :</strong> {html.escape(_shorten(line))}</li>" for word, line in shown
    )
    more = len(items) - len(shown)
    tail = f"<p>… et {more} autre(s) passage(s) modifié(s).</p>" if more else ""
    return f"<p>Passages modifiés :</p><ul>{rows}</ul>{tail}"


def passages_text(diff: PageDiff) -> str:
    """Plain text of the changed passages, for classification."""
    return "\n".join(diff.added + diff.removed)


def _shorten(line: str) -> str:
    return line if len(line) <= _PASSAGE_CHARS else line[: _PASSAGE_CHARS - 1] + "…"
