from django.contrib import admin
from django.http import HttpRequest

from predictions.models import SymbolFreshness


@admin.register(SymbolFreshness)
class SymbolFreshnessAdmin(admin.ModelAdmin):
    """Read-only: rows are written by the serving path only."""

    list_display = ("symbol", "exchange", "source", "latest_candle_at", "last_seen_at", "degraded")
    list_filter = ("source", "exchange", "degraded")
    search_fields = ("symbol",)
    ordering = ("symbol", "exchange")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
