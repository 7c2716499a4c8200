"""Changing a source from the administration pages: the catalogue first, then the database.

``sources.toml`` stays the source of truth. Every change made in the browser
is written into it (comments kept, the whole catalogue validated, the file
replaced atomically) and the database is then synced from it, in the same
request: the two never disagree. When the file cannot be written, nothing
changes and the caller shows the ConfigError's French message.

« Collecter maintenant » runs one collection pass limited to one source,
bounded by a timeout, and describes its outcome in one French sentence.
"""

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from db.engine import engine_of
from db.errors import NotFoundError
from db.models import Source
from db.repos import sources as repo
from veille.catalogue import load_catalogue
from veille.catalogue_edit import SourceEdit, edit_entry, set_entry_enabled
from veille.errors import ConfigError
from veille.labels import known_label_ids
from veille.pipeline import collect
from veille.settings import Settings
from veille.types import Collected, CollectOutcome, Failed, NotModified, Skipped

COLLECT_NOW_TIMEOUT = 60.0


def get_source(session: Session, source_id: int) -> Source:
    source = session.get(Source, source_id)
    if source is None:
        raise NotFoundError("Source introuvable.")
    return source


def sync_catalogue(session: Session, sources_path: Path) -> None:
    """Make the database follow the catalogue as it is now."""
    specs = load_catalogue(sources_path, known_label_ids())
    repo.sync_from_catalogue(session, [spec.to_fields() for spec in specs])


def edit_source(session: Session, sources_path: Path, source: Source, edit: SourceEdit) -> None:
    """Rewrite the source's entry, then sync; a new name keeps the source's history.

    Raises ConfigError (refused value, name taken, file not writable). The caller commits.
    """
    _check_in_catalogue(source)
    if edit.name != source.name and _name_taken(session, edit.name, source.id):
        raise ConfigError(f"une source porte déjà le nom « {edit.name} »")
    edit_entry(sources_path, source.name, edit, known_label_ids())
    source.name = edit.name  # the row follows the entry: same articles, same health
    session.flush()
    sync_catalogue(session, sources_path)


def set_enabled(session: Session, sources_path: Path, source: Source, enabled: bool) -> None:
    """Write ``enabled`` into the catalogue, then sync; raises ConfigError. The caller commits."""
    _check_in_catalogue(source)
    set_entry_enabled(sources_path, source.name, enabled, datetime.now(UTC).date())
    if enabled and source.disabled_by in ("admin", "gone"):
        repo.enable(session, source.name)  # a state the catalogue alone does not lift
    sync_catalogue(session, sources_path)


def _check_in_catalogue(source: Source) -> None:
    if not source.in_catalogue:
        raise ConfigError(f"« {source.name} » n'est plus dans sources.toml")


def _name_taken(session: Session, name: str, source_id: int) -> bool:
    try:
        other = repo.get_by_name(session, name)
    except NotFoundError:
        return False
    return other.id != source_id


def collect_now(
    settings: Settings,
    session_factory: "sessionmaker[Session]",
    sources_path: Path,
    name: str,
    timeout: float = COLLECT_NOW_TIMEOUT,
) -> CollectOutcome:
    """Collect the one source ``name`` now; a pass longer than ``timeout`` is a failure."""
    specs = load_catalogue(sources_path, known_label_ids())

    async def one_pass() -> list[CollectOutcome]:
        running = collect(settings, engine_of(session_factory), specs, only=[name], workers=0)
        return await asyncio.wait_for(running, timeout)

    try:
        return asyncio.run(one_pass())[0]
    except TimeoutError:
        late = Failed(f"pas de fin de collecte en {timeout:g} s ; nouvel essai au prochain passage")
        return CollectOutcome(name, "feed", late)


def describe(outcome: CollectOutcome) -> str:
    """The outcome of « collecter maintenant » in one French sentence."""
    value, name = outcome.value, outcome.source
    if isinstance(value, Failed):
        return f"« {name} » : échec de la collecte ({value.reason})."
    if isinstance(value, Skipped):
        return f"« {name} » n'a pas été collectée : {value.reason}."
    if isinstance(value, NotModified):
        return f"« {name} » : rien de neuf depuis le dernier passage."
    return f"« {name} » collectée : {_counts(outcome.kind, value)}."


def _counts(kind: str, value: Collected) -> str:
    if kind == "page":
        return "la page a changé" if value.changed else "la page n'a pas changé"
    text = f"{value.new} nouvel(s) article(s), {value.updated} mis à jour"
    if value.duplicates:
        text += f", {value.duplicates} doublon(s)"
    return text + (f" ; {value.warning}" if value.warning else "")
