from django.contrib import admin

from traffic.models import RequestCount


@admin.register(RequestCount)
class RequestCountAdmin(admin.ModelAdmin):
    list_display = ("minute", "method", "route", "status", "count")
    list_filter = ("status", "method")
    search_fields = ("route",)
    date_hierarchy = "minute"

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
