"""How ``veille collect`` ends: Ctrl-C or SIGTERM (exit 130), every source failed (exit 3).

An interruption cancels the collection pass; the writes already handed to
the database thread finish and the leases are given back before
``collect_once`` returns (see ``veille.pipeline``), so the database stays
consistent. The command then prints what was done and exits 130.
"""

import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from veille.types import CollectOutcome

EXIT_ALL_FAILED = 3
EXIT_INTERRUPTED = 130
NO_SOURCE_REACHED = (
    "Aucune source n'a pu être jointe : cette machine n'a sans doute pas accès à Internet, "
    "ou il lui faut un proxy (la variable d'environnement HTTPS_PROXY est prise en compte)."
)
DATABASE_STAYED_BUSY = (
    "La base de données est restée verrouillée par un autre processus : rien n'a été "
    "enregistré ; relancez la collecte une fois son écriture terminée."
)


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM does what Ctrl-C does (in the main thread only)."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        handler = signal.getsignal(signal.SIGINT)
        if callable(handler):
            handler(signal.SIGINT, frame)
        else:
            raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def every_attempt_failed(outcomes: Sequence["CollectOutcome"]) -> bool:
    """True when at least one source was attempted and none succeeded (skipped ones aside)."""
    from veille.types import Failed, Skipped

    attempted = [o for o in outcomes if not isinstance(o.value, Skipped)]
    return bool(attempted) and all(isinstance(o.value, Failed) for o in attempted)


def all_failed_line(outcomes: Sequence["CollectOutcome"]) -> str:
    """Why every source failed: the database stayed locked, or no source could be reached."""
    from veille.types import Failed

    kinds = {o.value.kind for o in outcomes if isinstance(o.value, Failed)}
    return DATABASE_STAYED_BUSY if kinds == {"busy"} else NO_SOURCE_REACHED


def interrupted_line(done: int, total: int) -> str:
    return (
        f"Collecte interrompue : {done} source(s) traitée(s) sur {total} ; "
        "les autres seront relevées au prochain passage."
    )
