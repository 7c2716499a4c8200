"""Veille IA: an AI technology watch for French local authorities."""

__version__ = "0.1.0"

import sys

# httpx imports its command-line client whenever click and rich are installed
# (both are ours), and with them pygments: some 30 ms of every start-up for a
# tool never called here. Marked absent, ``import httpx`` takes its own
# ImportError path, and ``httpx.main`` becomes a stub saying how to install it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
