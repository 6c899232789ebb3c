"""Pick the market-data source from configuration (DESIGN section 2)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from mlplatform.core.market_data.base import MarketDataSource
from mlplatform.core.market_data.csv_source import CsvSource
from mlplatform.core.market_data.synthetic import SyntheticSource
from mlplatform.errors import ValidationFailed

SOURCE_NAMES: tuple[str, ...] = ("http", "csv", "synthetic")


def resolve_source_name(name: str | None, base_url: str | None) -> str:
    """``MARKET_DATA_SOURCE`` when set, else ``http`` when a base URL is set, else ``csv``."""
    chosen = (name or "").strip().lower()
    if not chosen:
        return "http" if (base_url or "").strip() else "csv"
    if chosen not in SOURCE_NAMES:
        raise ValidationFailed(
            f"MARKET_DATA_SOURCE must be one of {', '.join(SOURCE_NAMES)}, got {name!r}",
            code="invalid_configuration",
            details={"MARKET_DATA_SOURCE": name},
        )
    return chosen


def build_source(
    *,
    name: str | None,
    base_url: str | None,
    data_dir: Path,
    timeout: float,
    retry_attempts: int,
    freshness_limit: timedelta | None = None,
    synthetic_seed: int = 0,
    http_options: Mapping[str, Any] | None = None,
) -> MarketDataSource:
    """Build the configured source.

    ``freshness_limit`` (when given) is passed to whichever source is built; ``http_options``
    are extra keyword arguments for ``HttpSource`` (breaker, backoff, ...).
    """
    chosen = resolve_source_name(name, base_url)
    limit = {} if freshness_limit is None else {"freshness_limit": freshness_limit}
    if chosen == "http":
        url = (base_url or "").strip()
        if not url:
            raise ValidationFailed(
                "MARKET_DATA_SOURCE=http needs MARKET_DATA_BASE_URL",
                code="invalid_configuration",
                details={"MARKET_DATA_BASE_URL": base_url},
            )
        # Imported here so csv/synthetic deployments never load the HTTP client stack.
        from mlplatform.core.market_data.http_source import HttpSource

        return HttpSource(
            url,
            timeout=timeout,
            retry_attempts=retry_attempts,
            **limit,
            **dict(http_options or {}),
        )
    if chosen == "synthetic":
        return SyntheticSource(seed=synthetic_seed, **limit)
    return CsvSource(Path(data_dir), **limit)
