from __future__ import annotations

from typing import Any

from audit.models import AuditEvent
from mlplatform.actors import Actor
from mlplatform.api.auth import client_ip
from mlplatform.api.context import current_request_id


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
        client_ip=client_ip(request) if request is not None else None,
    )
