"""Read-only Django admin for the audit trail and the prediction logs.

No add, change or delete permission for anyone (superusers included): audit events are
append-only, and prediction logs are cleared only through the audited service
(``DELETE /admin/audit/clear``, ``manage.py prune_predictions``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.db.models import QuerySet
from django.http import HttpRequest
from knox.models import AuthToken

from audit.models import AuditEvent, DeniedAttemptWindow, PredictionLog
from mlplatform.actors import Actor
from mlplatform.admin import ReadOnlyModelAdmin
from mlplatform.api.accounts import operator_tokens_revoke
from mlplatform.api.auth import is_operator


class ReadOnlyAdmin(ReadOnlyModelAdmin):
    """A model admin that can list and view rows, and nothing else."""

    list_per_page = 100
    show_full_result_count = False  # avoids a COUNT(*) over large log tables


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "timestamp",
        "actor",
        "actor_type",
        "action",
        "target",
        "outcome",
        "request_id",
        "server_request_id",
    )
    list_filter = ("action", "outcome", "actor_type", "actor", "timestamp")
    search_fields = ("actor", "action", "target", "request_id", "=server_request_id")
    date_hierarchy = "timestamp"


@admin.register(PredictionLog)
class PredictionLogAdmin(ReadOnlyAdmin):
    list_display = (
        "timestamp",
        "symbol",
        "exchange",
        "model_version",
        "prediction",
        "expected_return",
        "latency_ms",
        "degraded_input",
        "request_id",
    )
    list_filter = ("model_version", "symbol", "prediction", "degraded_input", "batch", "timestamp")
    search_fields = ("symbol", "=request_id")  # a whole request id, found through its index
    date_hierarchy = "timestamp"


@admin.register(DeniedAttemptWindow)
class DeniedAttemptWindowAdmin(ReadOnlyAdmin):
    """How many denied attempts stand behind each bounded ``denied`` AuditEvent."""

    list_display = ("window_start", "action", "actor", "client", "count", "last_at")
    list_filter = ("action", "window_start")
    search_fields = ("actor", "=client")
    date_hierarchy = "window_start"


# --- operator tokens ---------------------------------------------------------------------
# knox registers an admin that lists digests and mints tokens for any user; ours shows only
# the lookup prefix, mints nothing, and revokes through an audited action.
@dataclass(frozen=True)
class _TokenLabel:
    pk: str
    prefix: str

    def __str__(self) -> str:
        return f"token {self.prefix}"


if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class OperatorTokenAdmin(ReadOnlyAdmin):
    list_display = ("token_key", "user", "created", "expiry")
    list_filter = ("expiry",)
    search_fields = ("user__username",)
    list_display_links = None  # no change page (its URL would carry the digest)
    fields = ("token_key", "user", "created", "expiry")
    actions = ["revoke"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # the "revoke" action needs it; single-object delete pages are not linked
        return is_operator(request.user)

    def action_checkbox(self, obj: AuthToken) -> Any:
        # Django labels the checkbox with str(obj), which for knox is the digest
        return super().action_checkbox(_TokenLabel(pk=obj.pk, prefix=obj.token_key))

    def get_actions(
        self, request: HttpRequest, action_location: Any = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)  # revoke (audited) instead
        return actions

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[AuthToken]) -> None:
        revoked = operator_tokens_revoke(
            actor=Actor(name=request.user.get_username(), type="user"),
            tokens=queryset,
            request=request,
        )
        self.message_user(request, f"Revoked {revoked} token(s).", messages.SUCCESS)

    def delete_model(self, request: HttpRequest, obj: AuthToken) -> None:
        operator_tokens_revoke(
            actor=Actor(name=request.user.get_username(), type="user"),
            tokens=AuthToken.objects.filter(pk=obj.pk),
            request=request,
        )
