"""What every job receives and returns."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from veille.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


@dataclass(frozen=True, slots=True)
class JobContext:
    """Built once per process by ``veille serve`` / ``veille worker`` (or a test)."""

    settings: Settings
    session_factory: "sessionmaker[Session]"
    sources_path: Path
    owner: str = "veille"


@dataclass(frozen=True, slots=True)
class Tick:
    """When a run happens: ``slot`` is the scheduled time it stands for (``now`` when manual)."""

    now: datetime
    slot: datetime
    manual: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """``ok``: True done, False failed, None waiting for a person (shown « en attente »)."""

    text: str
    ok: bool | None = True
