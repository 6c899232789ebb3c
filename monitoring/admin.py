from django.contrib import admin

from audit.admin import ReadOnlyAdmin
from monitoring.models import DriftSnapshot


@admin.register(DriftSnapshot)
class DriftSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("timestamp", "version", "source", "status", "drift_share", "samples")
    list_filter = ("source", "status", "version", "timestamp")
    date_hierarchy = "timestamp"
