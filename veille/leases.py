"""Who holds a source's lease, and whether that process still runs; Linux /proc.

A collection pass takes a lease on each source it collects, named after its
process: host, pid, and the process's start (boot and start time since
boot: a pid reused by another program does not pass for the holder). After
a ``kill -9`` the lease would stay until it expires; a pass on the same host
sees that its holder no longer runs and takes the source over at once.
Leases held on another host are left to expire: their processes cannot be
seen from here. Within one process (the scheduler's), a pass that ended
without giving its leases back (the database stayed locked) is known to have
ended: the next pass takes its sources over too.
"""

import os
import socket
import uuid
from functools import cache
from pathlib import Path

HOST_CHARS = 40
# Owners of the passes running in this process.
_running: set[str] = set()


@cache
def _host() -> str:
    return socket.gethostname()[:HOST_CHARS].replace(":", "_")


@cache
def _boot() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:
        return "?"


def process_start(pid: int) -> str | None:
    """The process's start (boot, clock ticks since boot), or None when it does not run."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the command name (in parentheses, which may hold spaces);
    # the start time is the 22nd field, the 20th after the name.
    fields = stat.rsplit(")", 1)[1].split()
    if len(fields) < 20 or fields[0] == "Z":
        return None
    return f"{_boot()}-{fields[19]}"


def lease_owner() -> str:
    """A new owner name for one pass of this process: host:pid:start:token."""
    pid = os.getpid()
    owner = f"{_host()}:{pid}:{process_start(pid) or '?'}:{uuid.uuid4().hex[:8]}"
    _running.add(owner)
    return owner


def pass_ended(owner: str) -> None:
    """The pass named ``owner`` is over: its leases, if any are left, are free."""
    _running.discard(owner)


def holder_gone(owner: str) -> bool:
    """True when the lease's holder ran on this host and no longer runs.

    False whenever it cannot be told (another host, a name of another form,
    no /proc): the lease then only ends when it expires.
    """
    parts = owner.rsplit(":", 3)
    if len(parts) != 4 or parts[0] != _host() or not parts[1].isdigit():
        return False
    if not Path("/proc/self/stat").exists():
        return False
    pid = int(parts[1])
    started = process_start(pid)
    if pid == os.getpid() and started == parts[2]:
        return owner not in _running
    return started is None or (parts[2] != "?" and started != parts[2])
