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
from mlplatform.api.schema import JsonMapField
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

    @extend_schema_field(JsonMapField())
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


class AuditClearOutputSerializer(serializers.Serializer):
    action = serializers.CharField()
    status = serializers.CharField()
    deleted = serializers.IntegerField()


class AuditClearApi(ControlPlaneApi):
    """``DELETE /admin/audit/clear``: delete prediction logs (audit events are never deleted).

    ``before``/``after`` bound the range (either or both; none clears everything); ``reason`` is
    required. Each may come as a query parameter or in a JSON body (the body wins).
    """

    audit_action = "audit.clear"

    class InputSerializer(serializers.Serializer):
        before = serializers.DateTimeField(required=False)
        after = serializers.DateTimeField(required=False)
        reason = serializers.CharField(max_length=500, trim_whitespace=True)

    @extend_schema(
        summary="Delete prediction logs in a time range, with a reason (audited)",
        parameters=[
            OpenApiParameter("before", str, description="ISO 8601; delete logs older than this"),
            OpenApiParameter("after", str, description="ISO 8601; delete logs at or after this"),
            OpenApiParameter("reason", str, description="why (required; recorded in the audit)"),
        ],
        responses={200: AuditClearOutputSerializer},
    )
    def delete(self, request: Request) -> Response:
        data = {key: request.query_params.get(key) for key in ("before", "after", "reason")}
        data = {key: value for key, value in data.items() if value is not None}
        if isinstance(request.data, dict):
            data.update(
                {k: v for k, v in request.data.items() if k in ("before", "after", "reason")}
            )
        params = self.InputSerializer(data=data)
        params.is_valid(raise_exception=True)
        deleted = prediction_log_clear(
            actor=self.actor(request),
            reason=params.validated_data["reason"],
            before=params.validated_data.get("before"),
            after=params.validated_data.get("after"),
            request=request,
        )
        return Response({"action": "audit_clear", "status": "ok", "deleted": deleted})
