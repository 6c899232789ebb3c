"""Fixtures for the inference tests: a small synthetic model trained and activated per test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from mlplatform.actors import Actor
from registry.models import ModelVersion
from registry.services import train_model

TRAIN_SYMBOLS = ["AAPL", "MSFT", "GOOGL"]


@pytest.fixture
def synthetic(settings):  # type: ignore[no-untyped-def]
    """Serve and train from the seeded synthetic source (always fresh)."""
    settings.MARKET_DATA_SOURCE = "synthetic"
    settings.MARKET_DATA_BASE_URL = None
    return settings


@pytest.fixture
def train(db, synthetic) -> Callable[..., ModelVersion]:  # type: ignore[no-untyped-def]
    """Train (and by default activate) a tiny model on synthetic data."""

    def _train(*, activate: bool = True, **params: object) -> ModelVersion:
        merged = {
            "symbols": TRAIN_SYMBOLS,
            "lookback": 400,
            "horizon": 5,
            "cv_folds": 2,
            "activation_policy": "always" if activate else "never",
            **params,
        }
        return train_model(params=merged, actor=Actor.system()).version

    return _train


@pytest.fixture
def model(train) -> ModelVersion:  # type: ignore[no-untyped-def]
    return train()


def use_source(settings, name: str, **overrides: object) -> None:  # type: ignore[no-untyped-def]
    """Switch the market-data source mid-test (settings + the process-wide source + caches)."""
    from mlplatform.market_data import market_data_source_reset
    from predictions.cache import market_snapshot_cache_clear

    settings.MARKET_DATA_SOURCE = name
    for key, value in overrides.items():
        setattr(settings, key, value)
    market_data_source_reset()
    market_snapshot_cache_clear()


def write_candle_csv(directory: Path, symbol: str, *, n_days: int, end: date) -> Path:
    """A ``<SYMBOL>.csv`` of seeded synthetic candles ending on ``end`` (a demo-style export)."""
    from mlplatform.core.market_data.synthetic import generate_candles

    candles = generate_candles(symbol, n_days=n_days, end_date=end, seed=5)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{symbol}.csv"
    out = candles.rename(columns=str.capitalize).rename(columns={"Timestamp": "Date"})
    out["Date"] = candles["timestamp"].dt.strftime("%Y-%m-%d")
    out.to_csv(path, index=False)
    return path
