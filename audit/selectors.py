"""Reads of the audit trail. Bounded and in a fixed order (newest first)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Q, QuerySet

from audit.models import AuditEvent, DeniedAttemptWindow

AUDIT_LIST_DEFAULT_LIMIT = 100
AUDIT_LIST_MAX_LIMIT = 1000


def audit_event_list(
    *,
    limit: int = AUDIT_LIST_DEFAULT_LIMIT,
    action: str | None = None,
    actor: str | None = None,
    outcome: str | None = None,
) -> QuerySet[AuditEvent]:
    """The newest ``limit`` (capped at ``AUDIT_LIST_MAX_LIMIT``) events matching the filters.

    ``action`` and ``actor`` match exactly; ``outcome`` is one of success|denied|failed.
    """
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor=actor)
    if outcome:
        events = events.filter(outcome=outcome)
    limit = max(1, min(limit, AUDIT_LIST_MAX_LIMIT))
    return events.order_by("-timestamp", "-id")[:limit]


def denied_attempt_counts(*, events: Sequence[AuditEvent]) -> dict[int, int]:
    """``{event id: attempts}`` for the bounded denied events among ``events`` (those written by
    ``denied_attempt_record``): how many attempts their client, actor and action made in the
    window each one opened. One query."""
    keys: dict[tuple[str, str, str, datetime], int] = {}
    for event in events:
        start = (event.details or {}).get("window_start") if event.outcome == "denied" else None
        if not isinstance(start, str):
            continue
        try:
            when = datetime.fromisoformat(start)
        except ValueError:
            continue
        keys[(event.action, event.actor, event.client_ip or "", when)] = event.pk
    if not keys:
        return {}
    match = Q()
    for action, actor, client, when in keys:
        match |= Q(action=action, actor=actor, client=client, window_start=when)
    counts: dict[int, int] = {}
    for row in DeniedAttemptWindow.objects.filter(match).only(
        "action", "actor", "client", "window_start", "count"
    ):
        pk = keys.get((row.action, row.actor, row.client, row.window_start))
        if pk is not None:
            counts[pk] = row.count
    return counts
