"""The process-wide market-data source, built once from settings."""

from __future__ import annotations

import threading

from django.conf import settings

from mlplatform.core.market_data.base import MarketDataSource

_lock = threading.Lock()
_source: MarketDataSource | None = None


def market_data_source() -> MarketDataSource:
    global _source
    if _source is None:
        with _lock:
            if _source is None:
                from mlplatform.core.market_data.sources import build_source

                _source = build_source(
                    name=settings.MARKET_DATA_SOURCE,
                    base_url=settings.MARKET_DATA_BASE_URL,
                    data_dir=settings.MARKET_DATA_DIR,
                    timeout=settings.MARKET_DATA_TIMEOUT_SECONDS,
                    retry_attempts=settings.MARKET_DATA_RETRY_ATTEMPTS,
                )
    return _source


def market_data_source_reset() -> None:
    """Forget the built source (settings changed, tests, ``/admin/reload``)."""
    global _source
    with _lock:
        _source = None


def market_symbol_list() -> tuple[str, str, list[str]]:
    """What the configured source offers: ``(source name, origin, symbols)``.

    A ``csv`` source lists its files (origin ``files``); ``synthetic`` and ``http`` cannot list
    what they would serve, so they offer the configured ``TRAIN_SYMBOLS`` (origin
    ``train_symbols``). Symbols come back upper-cased, sorted, without duplicates.
    """
    source = market_data_source()
    if source.name == "csv":
        return source.name, "files", sorted({s.upper() for s in source.list_symbols()})
    return source.name, "train_symbols", sorted({s.upper() for s in settings.TRAIN_SYMBOLS})
