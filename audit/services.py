from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditEvent, DeniedAttemptWindow, PredictionLog
from mlplatform.actors import Actor
from mlplatform.api.auth import client_ip
from mlplatform.api.context import current_request_id, current_server_request_id
from mlplatform.errors import ValidationFailed


def audit_event_record(
    *,
    actor: Actor,
    action: str,
    target: str = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    details: dict[str, Any] | None = None,
    request: Any = None,
) -> AuditEvent:
    """Append one AuditEvent. Call it inside the transaction of the action it records."""
    return AuditEvent.objects.create(
        actor=actor.name[:150],
        actor_type=actor.type,
        action=action[:64],
        target=target[:255],
        outcome=outcome,
        details=details or {},
        request_id=current_request_id() or "",
        server_request_id=current_server_request_id() or "",
        client_ip=client_ip(request) if request is not None else None,
    )


def denied_attempt_record(
    *,
    actor: Actor,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    request: Any = None,
) -> AuditEvent | None:
    """Count one denied attempt; only the first of its client, actor, action and window
    (``DENIED_AUDIT_WINDOW_SECONDS``) writes an AuditEvent, which names the window.

    Returns that AuditEvent, or None when the attempt was only counted. The window's total is
    ``DeniedAttemptWindow.count`` (``audit_denied_attempt_counts`` reads it).
    """
    window = int(settings.DENIED_AUDIT_WINDOW_SECONDS)
    now = timezone.now()
    start = datetime.fromtimestamp(int(now.timestamp()) // window * window, tz=now.tzinfo)
    key = {
        "action": action[:64],
        "actor": actor.name[:150],
        "client": (client_ip(request) if request is not None else None) or "",
        "window_start": start,
    }
    with transaction.atomic():
        if DeniedAttemptWindow.objects.filter(**key).update(count=F("count") + 1, last_at=now):
            return None
        try:
            with transaction.atomic():
                DeniedAttemptWindow.objects.create(**key, window_seconds=window, last_at=now)
        except IntegrityError:  # another process opened this window first
            DeniedAttemptWindow.objects.filter(**key).update(count=F("count") + 1, last_at=now)
            return None
        return audit_event_record(
            actor=actor,
            action=action,
            target=target,
            outcome=AuditEvent.Outcome.DENIED,
            details={
                **(details or {}),
                "window_start": start.isoformat(),
                "window_seconds": window,
                "counted_in": "denied_attempt_window",
            },
            request=request,
        )


def prediction_log_clear(
    *,
    actor: Actor,
    reason: str,
    before: datetime | None = None,
    after: datetime | None = None,
    request: Any = None,
) -> int:
    """Delete prediction logs (all, or those in ``[after, before)``); audited with ``reason``.

    The deletion and its ``audit.clear`` AuditEvent commit together or not at all.
    Returns the number of rows deleted.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("a reason is required to clear prediction logs")
    if before is not None and after is not None and after >= before:
        raise ValidationFailed("after must be earlier than before")
    with transaction.atomic():
        logs = PredictionLog.objects.all()
        if before is not None:
            logs = logs.filter(timestamp__lt=before)
        if after is not None:
            logs = logs.filter(timestamp__gte=after)
        deleted, _ = logs.delete()
        audit_event_record(
            actor=actor,
            action="audit.clear",
            target="prediction_logs",
            details={
                "deleted": deleted,
                "before": before.isoformat() if before else None,
                "after": after.isoformat() if after else None,
                "reason": reason,
            },
            request=request,
        )
    return deleted


def prediction_log_prune(*, older_than: timedelta, actor: Actor | None = None) -> int:
    """Retention: delete prediction logs older than ``older_than`` (audited as
    ``predictions.prune``, by the system actor unless told otherwise). Returns the count."""
    if older_than <= timedelta(0):
        raise ValidationFailed("older_than must be a positive duration")
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        deleted, _ = PredictionLog.objects.filter(timestamp__lt=cutoff).delete()
        audit_event_record(
            actor=actor or Actor.system(),
            action="predictions.prune",
            target="prediction_logs",
            details={
                "deleted": deleted,
                "cutoff": cutoff.isoformat(),
                "older_than_seconds": older_than.total_seconds(),
            },
        )
    return deleted
