from __future__ import annotations

from django.db import models


class RequestCount(models.Model):
    """How many requests one route answered with one status in one minute, over all processes.

    Each process counts in memory and adds its counts here every ``REQUEST_STATS_FLUSH_SECONDS``
    (one upsert per flush, not a write per request).
    """

    minute = models.DateTimeField(help_text="start of the minute (UTC)")
    route = models.CharField(max_length=200, help_text='URL pattern, e.g. "/models/{version}"')
    method = models.CharField(max_length=10)
    status = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)
    duration_ms_sum = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["minute", "route", "method", "status"], name="request_count_unique_key"
            )
        ]
        indexes = [models.Index(fields=["minute"], name="request_count_minute_idx")]
        ordering = ["minute", "route", "method", "status"]

    def __str__(self) -> str:
        return (
            f"{self.minute:%Y-%m-%d %H:%M} {self.method} {self.route} {self.status}: {self.count}"
        )
