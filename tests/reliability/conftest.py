"""Reliability fixtures: a trained synthetic model for in-process requests."""

from __future__ import annotations

import pytest

from mlplatform.actors import Actor
from mlplatform.market_data import market_data_source_reset
from registry.services import train_model


@pytest.fixture
def trained_model(db, settings) -> str:  # type: ignore[no-untyped-def]
    """Serve from the synthetic source with an active v1 (3 symbols, 400 candles)."""
    settings.MARKET_DATA_SOURCE = "synthetic"
    settings.MARKET_DATA_BASE_URL = None
    market_data_source_reset()
    version = train_model(
        params={
            "symbols": ["AAPL", "MSFT", "GOOGL"],
            "lookback": 400,
            "horizon": 5,
            "cv_folds": 2,
            "activation_policy": "always",
        },
        actor=Actor.system(),
    )
    yield version.version
    market_data_source_reset()
