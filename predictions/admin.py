from django.contrib import admin

from mlplatform.admin import ReadOnlyModelAdmin
from predictions.models import SymbolFreshness


@admin.register(SymbolFreshness)
class SymbolFreshnessAdmin(ReadOnlyModelAdmin):
    """Read-only: rows are written by the serving path only."""

    list_display = ("symbol", "exchange", "source", "latest_candle_at", "last_seen_at", "degraded")
    list_filter = ("source", "exchange", "degraded")
    search_fields = ("symbol",)
    ordering = ("symbol", "exchange")
