from django.db import models
from django.utils import timezone


class SymbolFreshness(models.Model):
    """Latest candle seen per symbol and when the source was last reached; shared by instances."""

    symbol = models.CharField(max_length=20)
    exchange = models.CharField(max_length=16, default="")
    source = models.CharField(max_length=16)
    latest_candle_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(default=timezone.now)
    degraded = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["symbol", "exchange"], name="one_freshness_row_per_symbol"
            )
        ]

    def __str__(self) -> str:
        return f"{self.exchange}:{self.symbol}"
