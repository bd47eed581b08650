"""Per-host politeness: one request at a time per host, and a pause between them.

The scheduler asks ``unavailable_hosts()`` before claiming work, so a worker is
never parked waiting on a slow host while other hosts have URLs ready.
"""

from __future__ import annotations

import time


class HostPoliteness:
    def __init__(self, default_delay: float) -> None:
        self.default_delay = default_delay
        self._busy: set[str] = set()
        self._ready_at: dict[str, float] = {}

    def unavailable_hosts(self, now: float | None = None) -> list[str]:
        """Hosts with a request in flight or still inside their delay."""
        now = time.monotonic() if now is None else now
        waiting = [host for host, ready in self._ready_at.items() if ready > now]
        return sorted(self._busy.union(waiting))

    def acquire(self, host: str) -> None:
        if host in self._busy:
            raise RuntimeError(f"host {host} already has a request in flight")
        self._busy.add(host)

    def release(self, host: str, delay: float | None = None) -> None:
        """The request to ``host`` is over; the next may start after ``delay`` seconds."""
        self._busy.discard(host)
        pause = self.default_delay if delay is None else max(delay, self.default_delay)
        self._ready_at[host] = time.monotonic() + pause

    def seconds_until_next_ready(self) -> float:
        """How long until a host now inside its delay becomes available (0 if none waits)."""
        now = time.monotonic()
        waits = [ready - now for ready in self._ready_at.values() if ready > now]
        return min(waits) if waits else 0.0

    @property
    def busy(self) -> int:
        return len(self._busy)
