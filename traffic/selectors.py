"""Read the persisted request counts: per-minute totals, per route, per status."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from traffic.models import RequestCount


@dataclass(frozen=True)
class _Tally:
    requests: int = 0
    client_errors: int = 0
    server_errors: int = 0
    duration_ms_sum: float = 0.0

    def add(self, status: int, count: int, duration_ms: float) -> _Tally:
        return _Tally(
            requests=self.requests + count,
            client_errors=self.client_errors + (count if 400 <= status < 500 else 0),
            server_errors=self.server_errors + (count if status >= 500 else 0),
            duration_ms_sum=self.duration_ms_sum + duration_ms,
        )

    def as_dict(self) -> dict[str, Any]:
        errors = self.client_errors + self.server_errors
        return {
            "requests": self.requests,
            "client_errors": self.client_errors,
            "server_errors": self.server_errors,
            "error_rate": errors / self.requests if self.requests else None,
            "avg_ms": self.duration_ms_sum / self.requests if self.requests else None,
        }


def request_traffic_summary(*, minutes: int, now: datetime | None = None) -> dict[str, Any]:
    """Requests of the last ``minutes`` whole minutes (the current one included), from the table.

    ``series`` has one point per minute that has counts; a minute without a point had no
    persisted request (an idle or stopped service), so charts leave a gap instead of a zero.
    ``error_rate`` counts 4xx and 5xx answers; ``client_errors``/``server_errors`` split them.
    """
    now = now or timezone.now()
    until = now.replace(second=0, microsecond=0)
    since = until - timedelta(minutes=minutes - 1)
    rows = (
        RequestCount.objects.filter(minute__gte=since, minute__lte=until)
        .order_by("minute", "route", "method", "status")
        .values_list("minute", "route", "method", "status", "count", "duration_ms_sum")
    )
    per_minute: dict[datetime, _Tally] = defaultdict(_Tally)
    per_route: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    route_statuses: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    per_status: dict[int, int] = defaultdict(int)
    total = _Tally()
    for minute, route, method, status, count, duration in rows.iterator():
        per_minute[minute] = per_minute[minute].add(status, count, duration)
        per_route[(route, method)] = per_route[(route, method)].add(status, count, duration)
        route_statuses[(route, method)][status] += count
        per_status[status] += count
        total = total.add(status, count, duration)
    routes = [
        {
            "route": route,
            "method": method,
            **tally.as_dict(),
            "statuses": [
                {"status": s, "requests": n}
                for s, n in sorted(route_statuses[(route, method)].items())
            ],
        }
        for (route, method), tally in per_route.items()
    ]
    routes.sort(key=lambda r: (-r["requests"], r["route"], r["method"]))
    return {
        "minutes": minutes,
        "since": since.isoformat(),
        "until": (until + timedelta(minutes=1)).isoformat(),
        **total.as_dict(),
        "series": [
            {"minute": minute.isoformat(), **tally.as_dict()}
            for minute, tally in sorted(per_minute.items())
        ],
        "routes": routes,
        "statuses": [{"status": s, "requests": n} for s, n in sorted(per_status.items())],
    }
