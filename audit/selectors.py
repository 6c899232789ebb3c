"""Reads of the audit trail. Bounded and in a fixed order (newest first)."""

from __future__ import annotations

from django.db.models import QuerySet

from audit.models import AuditEvent

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
