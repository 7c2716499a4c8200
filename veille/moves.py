"""Adopting the new address suggested for a feed that turned into a web page.

The suggestion is recorded by a collection pass (see ``discovery.moved_feed``);
only an administrator adopts it, from ``veille sources accept-move NAME`` or
the sources page. The catalogue is rewritten first (comments kept), then the
database follows it, which resets the feed's fetch state.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from db.repos.sources import get_by_name, sync_from_catalogue
from veille.catalogue import load_catalogue
from veille.catalogue_edit import move_feed
from veille.errors import ConfigError
from veille.labels import known_label_ids


@dataclass(frozen=True, slots=True)
class Move:
    name: str
    old_url: str
    new_url: str


def accept_move(session: Session, sources_path: Path, name: str) -> Move:
    """Write the suggested address into the catalogue and sync the source.

    Raises ConfigError when the source has no suggestion, NotFoundError when
    it does not exist. The caller commits.
    """
    source = get_by_name(session, name)
    new_url = source.suggested_url
    if not new_url:
        raise ConfigError(f"aucune nouvelle adresse n'est proposée pour « {name} »")
    old_url = move_feed(sources_path, source.name, new_url, datetime.now(UTC).date())
    specs = load_catalogue(sources_path, known_label_ids())
    sync_from_catalogue(session, [spec.to_fields() for spec in specs])
    return Move(source.name, old_url, new_url)
