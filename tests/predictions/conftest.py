"""Fixtures for the inference tests: a small synthetic model trained and activated per test."""

from __future__ import annotations

from collections.abc import Callable

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
        return train_model(params=merged, actor=Actor.system())

    return _train


@pytest.fixture
def model(train) -> ModelVersion:  # type: ignore[no-untyped-def]
    return train()
