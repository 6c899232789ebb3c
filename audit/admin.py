"""Read-only Django admin for the audit trail and the prediction logs.

No add, change or delete permission for anyone (superusers included): audit events are
append-only, and prediction logs are cleared only through the audited service
(``DELETE /admin/audit/clear``, ``manage.py prune_predictions``).
"""

from __future__ import annotations

from django.contrib import admin

from audit.models import AuditEvent, PredictionLog
from mlplatform.admin import ReadOnlyModelAdmin


class ReadOnlyAdmin(ReadOnlyModelAdmin):
    """A model admin that can list and view rows, and nothing else."""

    list_per_page = 100
    show_full_result_count = False  # avoids a COUNT(*) over large log tables


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("timestamp", "actor", "actor_type", "action", "target", "outcome", "request_id")
    list_filter = ("action", "outcome", "actor_type", "actor", "timestamp")
    search_fields = ("actor", "action", "target", "request_id")
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
