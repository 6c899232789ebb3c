from django.db import models
from django.db.models import Q
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


class Outcome(models.Model):
    """One distinct served prediction ``(version, symbol, exchange, candle)`` and what followed.

    ``pending`` until the symbol has ``horizon_days`` candles after ``candle_at``; then ``scored``
    with ``realized_return = close[t+h] / close[t] - 1`` (the training target), or
    ``unscorable`` with the ``reason`` (the symbol's data or that candle is gone).
    ``source`` keeps live traffic apart from ``manage.py replay``.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        SCORED = "scored"
        UNSCORABLE = "unscorable"

    class Source(models.TextChoices):
        LIVE = "live"
        REPLAY = "replay"

    model_version = models.CharField(max_length=32)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.LIVE)
    symbol = models.CharField(max_length=20)
    exchange = models.CharField(max_length=16, blank=True, default="")
    candle_at = models.DateTimeField()
    #: UTC calendar day of ``candle_at``: the unit of the daily aggregates and the bootstrap.
    candle_date = models.DateField()
    horizon_days = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=255, blank=True, default="")
    prediction = models.CharField(max_length=4)
    expected_return = models.FloatField()
    probability_up = models.FloatField()
    realized_return = models.FloatField(null=True, blank=True)
    #: ``sign(expected_return) == sign(realized_return)``; null when the market did not move.
    hit = models.BooleanField(null=True, blank=True)
    #: The first prediction log of this key (later repeats count once).
    predicted_at = models.DateTimeField()
    prediction_log_id = models.BigIntegerField(null=True, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-candle_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_version", "source", "symbol", "exchange", "candle_at"],
                name="one_outcome_per_prediction_key",
            )
        ]
        indexes = [
            # Partial: only the few outcomes still waiting are indexed, so the millions of
            # scored ones cost no write in it.
            models.Index(
                fields=["symbol", "exchange"],
                condition=Q(status="pending"),
                name="outcome_pending_idx",
            ),
            # Reports, lists, counts and the daily rebuild (by candle_at range).
            models.Index(
                fields=["model_version", "source", "status", "candle_at"],
                name="outcome_version_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_version} {self.symbol} {self.candle_at:%Y-%m-%d} {self.status}"


class OutcomeDaily(models.Model):
    """Sufficient statistics of one version's scored outcomes on one candle date.

    Rebuilt from the outcome rows for every date a scoring run touches, so
    ``/monitoring/performance`` reads a few hundred rows instead of every outcome.
    """

    model_version = models.CharField(max_length=32)
    source = models.CharField(max_length=8, default=Outcome.Source.LIVE)
    date = models.DateField()
    n = models.PositiveIntegerField(default=0)
    #: rows whose realized return is not 0 (the denominator of the hit rate)
    moved = models.PositiveIntegerField(default=0)
    hits = models.PositiveIntegerField(default=0)
    ups = models.PositiveIntegerField(default=0)
    sum_y = models.FloatField(default=0.0)
    sum_y2 = models.FloatField(default=0.0)
    sse_model = models.FloatField(default=0.0)
    #: sum (y - training mean)^2; null when the version's training mean is unknown
    sse_mean = models.FloatField(null=True, blank=True)
    sum_p = models.FloatField(default=0.0)
    sum_p2 = models.FloatField(default=0.0)
    sum_p_up = models.FloatField(default=0.0)
    #: reliability bins of width 1/RELIABILITY_BINS, flat: [bin, n, sum_p, ups, bin, ...]
    bins = models.JSONField(default=list)
    #: {"BUY": [n, hits, moved], "SELL": [...], "HOLD": [...]}
    signals = models.JSONField(default=dict)

    class Meta:
        ordering = ["model_version", "source", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_version", "source", "date"], name="one_outcome_day_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model_version} {self.source} {self.date} n={self.n}"


class OutcomeScoringState(models.Model):
    """The scoring watermark: prediction logs up to ``last_log_id`` are turned into outcomes."""

    key = models.CharField(max_length=16, unique=True, default="default")
    last_log_id = models.BigIntegerField(default=0)
    #: Bumped whenever outcomes change (scoring, replay): keys the cached performance reports.
    revision = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.key} <= {self.last_log_id}"
