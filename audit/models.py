from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an AuditEvent."""


class AuditEventQuerySet(models.QuerySet):
    def delete(self) -> Any:
        raise AppendOnlyError("Audit events are append-only and cannot be deleted.")

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events are append-only and cannot be updated.")


class AuditEvent(models.Model):
    """One control-plane action or denied attempt. Append-only (the database refuses updates)."""

    class Outcome(models.TextChoices):
        SUCCESS = "success"
        DENIED = "denied"
        FAILED = "failed"

    class ActorType(models.TextChoices):
        API_KEY = "api_key"
        USER = "user"
        SYSTEM = "system"
        ANONYMOUS = "anonymous"

    timestamp = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.CharField(max_length=150)
    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    action = models.CharField(max_length=64, db_index=True)
    target = models.CharField(max_length=255, blank=True, default="")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    details = models.JSONField(default=dict, blank=True)
    #: The client's X-Request-ID (bounded format, echoed, never unique) ...
    request_id = models.CharField(max_length=128, blank=True, default="")
    #: ... and the id this server generated for the same request (unique per request).
    server_request_id = models.CharField(max_length=32, blank=True, default="")
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["actor", "timestamp"])]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Audit events are append-only and cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Audit events are append-only and cannot be deleted.")


class DeniedAttemptWindow(models.Model):
    """How many denied attempts one client made at one action within one window.

    The first denial of a window writes one AuditEvent (``details.window_start``); the rest
    only count here, so a flood of denied requests costs the audit trail one row per client,
    actor and window while every attempt is still accounted for.
    """

    action = models.CharField(max_length=64)
    actor = models.CharField(max_length=150)
    client = models.CharField(max_length=45, blank=True, default="")  # the address, or ""
    window_start = models.DateTimeField()
    window_seconds = models.PositiveIntegerField()
    count = models.PositiveIntegerField(default=1)
    last_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-window_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "actor", "client", "window_start"],
                name="denied_attempt_window_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.window_start:%Y-%m-%d %H:%M} {self.action} {self.client} x{self.count}"


class PredictionLog(models.Model):
    """One served prediction: inputs, outputs, version and latency; the source of monitoring."""

    #: The client's X-Request-ID when it sent a well-formed one: never assumed unique.
    request_id = models.CharField(max_length=128)
    #: The server's own id of the request (unique per request; a batch shares one).
    server_request_id = models.CharField(max_length=32, blank=True, default="")
    #: Who asked (the client address), so the drift window can cap each client's share.
    client = models.CharField(max_length=45, blank=True, default="")
    timestamp = models.DateTimeField(default=timezone.now, db_index=True)
    symbol = models.CharField(max_length=20)
    exchange = models.CharField(max_length=16, blank=True, default="")
    model_version = models.CharField(max_length=32)
    prediction = models.CharField(max_length=4)
    confidence = models.FloatField()
    probability_up = models.FloatField()
    expected_return = models.FloatField()
    latency_ms = models.FloatField()
    inference_latency_ms = models.FloatField(default=0.0)
    features = models.JSONField(default=dict)
    degraded_input = models.BooleanField(default=False)
    input_data_status = models.CharField(max_length=16, default="fresh")
    latest_candle_at = models.DateTimeField(null=True, blank=True)
    batch = models.BooleanField(default=False)

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["symbol", "timestamp"]),
            models.Index(fields=["model_version", "timestamp"]),
            # Exact lookups only: db_index=True would add a second, LIKE-pattern index on
            # PostgreSQL that every served prediction pays for and nothing queries.
            models.Index(fields=["request_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.symbol} {self.prediction}"
