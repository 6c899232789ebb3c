from typing import Any

from django.contrib import admin
from django.utils.html import format_html

from audit.admin import ReadOnlyAdmin
from mlplatform.admin_display import number_format, readable
from monitoring.models import DriftSnapshot, Outcome

#: Report keys shown as their own rows; the per-feature table and anything else follow.
_SUMMARY_KEYS = (
    "status",
    "method",
    "threshold",
    "drift_share",
    "calibration",
    "false_alarm_rate",
    "requests",
    "distinct_rows",
    "window",
)


@admin.register(DriftSnapshot)
class DriftSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("timestamp", "version", "source", "status", "drift_share_pct", "samples")
    list_filter = ("source", "status", "version", "timestamp")
    date_hierarchy = "timestamp"
    exclude = ("report",)
    readonly_fields = (
        "timestamp",
        "version",
        "source",
        "status",
        "drift_share_pct",
        "samples",
        "summary_readable",
        "features_readable",
        "other_readable",
    )
    fields = readonly_fields

    @admin.display(description="drift share", ordering="drift_share")
    def drift_share_pct(self, obj: DriftSnapshot) -> str:
        share = obj.drift_share
        return "—" if share is None else f"{share * 100:.1f}% of features"

    @admin.display(description="summary")
    def summary_readable(self, obj: DriftSnapshot) -> str:
        report: dict[str, Any] = obj.report or {}
        return readable({key: report[key] for key in _SUMMARY_KEYS if key in report})

    @admin.display(description="per feature")
    def features_readable(self, obj: DriftSnapshot) -> str:
        details = (obj.report or {}).get("details") or {}
        if not details:
            return format_html("{}", number_format(None))
        return readable(details)

    @admin.display(description="other report fields")
    def other_readable(self, obj: DriftSnapshot) -> str:
        report: dict[str, Any] = obj.report or {}
        rest = {k: v for k, v in report.items() if k not in (*_SUMMARY_KEYS, "details")}
        return readable(rest)


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
