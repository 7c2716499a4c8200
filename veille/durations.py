"""Durations written as in the catalogue: ``90s``, ``30m``, ``6h``, ``1d``."""

import re
from datetime import timedelta

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdj])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "j": 86400}
MAX_SECONDS = 366 * 86400  # a year: beyond, dates computed from it could overflow


def parse_duration(text: str | int) -> timedelta:
    """Parse ``"6h"``; a bare integer counts seconds. Raises ValueError in French."""
    if isinstance(text, int) and not isinstance(text, bool):
        seconds = text
    else:
        match = _DURATION.match(str(text).lower())
        if not match:
            raise ValueError(f"durée invalide {text!r} (exemples : 30m, 6h, 1d)")
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError(f"durée invalide {text!r} : elle doit être positive")
    if seconds > MAX_SECONDS:
        raise ValueError(f"durée invalide {text!r} : au plus {MAX_SECONDS // 86400} jours")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """The shortest exact writing of a duration, for display and export."""
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
