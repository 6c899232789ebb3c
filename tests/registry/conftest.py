"""Registry fixtures: a small, fast synthetic training set."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mlplatform.actors import Actor
from mlplatform.market_data import market_data_source_reset

SMALL_SYMBOLS = ["AAA", "BBB", "CCC"]
#: Small but honest: 3 symbols x 520 candles -> ~260 usable rows each after warm-up.
SMALL_PARAMS: dict[str, Any] = {"symbols": SMALL_SYMBOLS, "lookback": 520, "horizon": 5}


@pytest.fixture(autouse=True)
def _small_training(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.MARKET_DATA_SOURCE = "synthetic"
    settings.TRAIN_SYMBOLS = SMALL_SYMBOLS
    settings.TRAIN_LOOKBACK = 520
    settings.TRAIN_HORIZON_DAYS = 5
    settings.TRAIN_CV_FOLDS = 3
    settings.TRAIN_TEST_SIZE = 0.2
    settings.TRAIN_ACTIVATION_POLICY = "if_better"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    market_data_source_reset()
    yield
    market_data_source_reset()


@pytest.fixture
def system_actor() -> Actor:
    return Actor(name="tester", type="api_key")


@pytest.fixture
def small_params() -> dict[str, Any]:
    return dict(SMALL_PARAMS)
