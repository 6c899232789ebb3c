"""The in-process request counter: per-minute counts per (route, method, status), bounded.

Counting in memory and adding the counts to the database every few seconds keeps the serving
path free of a write per request; see ``traffic.services.request_counts_flush``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

#: (minute start as epoch seconds, route, method, status)
Key = tuple[int, str, str, int]


@dataclass
class RequestCounter:
    max_keys: int
    counts: dict[Key, list[float]] = field(default_factory=dict)
    dropped: int = 0
    last_flush: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, *, route: str, method: str, status: int, duration_ms: float) -> None:
        minute = int(time.time()) // 60 * 60
        key = (minute, route, method, status)
        with self._lock:
            slot = self.counts.get(key)
            if slot is None:
                if len(self.counts) >= self.max_keys:
                    self.dropped += 1
                    return
                slot = self.counts[key] = [0, 0.0]
            slot[0] += 1
            slot[1] += duration_ms

    def due(self, interval_seconds: float) -> bool:
        return time.monotonic() - self.last_flush >= interval_seconds

    def take(self) -> tuple[dict[Key, list[float]], int]:
        """Everything counted since the last take, and how many requests were dropped."""
        with self._lock:
            counts, dropped = self.counts, self.dropped
            self.counts, self.dropped = {}, 0
            self.last_flush = time.monotonic()
        return counts, dropped

    def give_back(self, counts: dict[Key, list[float]]) -> None:
        """Re-add counts a failed flush could not persist (still bounded by ``max_keys``)."""
        with self._lock:
            for key, (n, ms) in counts.items():
                slot = self.counts.get(key)
                if slot is None:
                    if len(self.counts) >= self.max_keys:
                        self.dropped += int(n)
                        continue
                    slot = self.counts[key] = [0, 0.0]
                slot[0] += n
                slot[1] += ms


def minute_start(epoch_seconds: int) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, tz=UTC)
