from django.contrib import admin

from audit.admin import ReadOnlyAdmin
from monitoring.models import DriftSnapshot, Outcome


@admin.register(DriftSnapshot)
class DriftSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("timestamp", "version", "source", "status", "drift_share", "samples")
    list_filter = ("source", "status", "version", "timestamp")
    date_hierarchy = "timestamp"


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyAdmin):
    list_display = (
        "candle_at",
        "model_version",
        "source",
        "symbol",
        "status",
        "prediction",
        "expected_return",
        "realized_return",
        "hit",
    )
    list_filter = ("source", "status", "model_version")
    search_fields = ("symbol",)
