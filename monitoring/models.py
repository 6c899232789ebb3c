from django.db import models
from django.utils import timezone


class DriftSnapshot(models.Model):
    """One stored drift report: on served traffic (``live``) or on recent market data."""

    class Source(models.TextChoices):
        LIVE = "live"
        MARKET = "market"

    timestamp = models.DateTimeField(default=timezone.now, db_index=True)
    version = models.CharField(max_length=24)
    source = models.CharField(max_length=16, choices=Source.choices)
    status = models.CharField(max_length=24)
    drift_share = models.FloatField(null=True, blank=True)
    samples = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["source", "timestamp"])]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.version} {self.source} {self.status}"
