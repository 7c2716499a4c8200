"""Throttles kept in memory: login attempts, subscription requests.

``LoginThrottle`` slows guessing without handing anyone a way to lock an
account: failures are counted per (account, client address) pair, so
failures from an attacker's address never delay the owner signing in from
theirs, and per client address across accounts (spraying). Past a few free
attempts each failure doubles the wait before the next try, up to a cap.
"""

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """Free failures, then a wait of ``base`` seconds doubled per failure, capped."""

    free: int
    base: float = 1.0
    cap: float = 900.0

    def delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.cap, self.base * 2.0 ** (failures - self.free))


class LoginThrottle:
    """Growing delays per (account, client) pair and per client address."""

    def __init__(
        self,
        pair: Backoff = Backoff(free=3),
        client: Backoff = Backoff(free=20),
        forget_after: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rules = {"pair": pair, "client": client}
        self.forget_after, self.clock = forget_after, clock
        self._failures: dict[tuple[str, str], tuple[int, float]] = {}
        self._lock = threading.Lock()  # requests run in a thread pool

    @staticmethod
    def _keys(account: str, client: str) -> list[tuple[str, str]]:
        return [("pair", f"{account}\n{client}"), ("client", client)]

    def wait(self, account: str, client: str) -> float:
        """Seconds before this client may try this account again (0: now)."""
        now = self.clock()
        with self._lock:
            self._forget(now)
            waits = [
                last + self.rules[kind].delay(count) - now
                for kind, key in self._keys(account, client)
                for count, last in [self._failures.get((kind, key), (0, now))]
            ]
        return max(0.0, *waits)

    def fail(self, account: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            for entry in self._keys(account, client):
                count, _last = self._failures.get(entry, (0, now))
                self._failures[entry] = (count + 1, now)

    def succeed(self, account: str, client: str) -> None:
        with self._lock:
            self._failures.pop(self._keys(account, client)[0], None)

    def _forget(self, now: float) -> None:
        stale = [key for key, (_n, last) in self._failures.items()
                 if now - last > self.forget_after]  # fmt: skip
        for key in stale:
            del self._failures[key]


class WindowLimit:
    """At most ``limit`` events per key within ``window`` seconds."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> int:
        events = self._events.get(key)
        if events is None:
            return 0
        horizon = self.clock() - self.window
        while events and events[0] <= horizon:
            events.popleft()
        if not events:
            del self._events[key]
        return len(events)

    def blocked(self, *keys: str) -> bool:
        with self._lock:
            return any(self._recent(key) >= self.limit for key in keys)

    def record(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._events.setdefault(key, deque()).append(self.clock())
