"""Control-plane routes over the audit trail and the prediction logs."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from audit.models import AuditEvent
from audit.selectors import (
    AUDIT_LIST_DEFAULT_LIMIT,
    AUDIT_LIST_MAX_LIMIT,
    audit_event_list,
    denied_attempt_counts,
)
from audit.services import prediction_log_clear
from mlplatform.api.views import ControlPlaneApi


class AuditEventOutputSerializer(serializers.ModelSerializer):
    details = serializers.SerializerMethodField(
        help_text="What the action recorded; a bounded denied row adds `attempts`, the number "
        "of attempts its client made in its window (`window_start`, `window_seconds`)."
    )

    class Meta:
        model = AuditEvent
        fields = [
            "timestamp",
            "actor",
            "actor_type",
            "action",
            "target",
            "outcome",
            "details",
            "request_id",
        ]

    @extend_schema_field(serializers.DictField())
    def get_details(self, event: AuditEvent) -> dict[str, Any]:
        attempts = self.context.get("attempts", {}).get(event.pk)
        details = dict(event.details or {})
        if attempts is not None:
            details["attempts"] = attempts
        return details


class AuditListApi(ControlPlaneApi):
    """``GET /admin/audit``: the newest audit events, optionally filtered."""

    audit_action = "audit.read"

    class FilterSerializer(serializers.Serializer):
        limit = serializers.IntegerField(
            required=False,
            min_value=1,
            max_value=AUDIT_LIST_MAX_LIMIT,
            default=AUDIT_LIST_DEFAULT_LIMIT,
        )
        action = serializers.CharField(required=False, max_length=64)
        actor = serializers.CharField(required=False, max_length=150)
        outcome = serializers.ChoiceField(required=False, choices=AuditEvent.Outcome.choices)

    @extend_schema(
        summary="List audit events (newest first)",
        parameters=[FilterSerializer],
        responses={
            200: inline_serializer(
                "AuditEventList", fields={"events": AuditEventOutputSerializer(many=True)}
            )
        },
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        events = list(audit_event_list(**filters.validated_data))
        attempts = denied_attempt_counts(events=events)
        output = AuditEventOutputSerializer(events, many=True, context={"attempts": attempts})
        return Response({"events": output.data})


class AuditClearApi(ControlPlaneApi):
    """``DELETE /admin/audit/clear``: delete prediction logs (audit events are never deleted)."""

    audit_action = "audit.clear"

    class InputSerializer(serializers.Serializer):
        before = serializers.DateTimeField(required=False)

    @extend_schema(
        summary="Delete prediction logs, optionally only those older than `before`",
        parameters=[
            OpenApiParameter("before", str, description="ISO 8601 time; naive means UTC"),
        ],
        responses={200: dict},
    )
    def delete(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        deleted = prediction_log_clear(
            actor=self.actor(request),
            before=params.validated_data.get("before"),
            request=request,
        )
        return Response({"action": "audit_clear", "status": "ok", "deleted": deleted})
