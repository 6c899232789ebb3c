"""Registry fixtures: a small, fast training set with a real (documented) effect.

The data are the demo generator's candles (``core.market_data.demo``: synthetic prices plus
z-score mean reversion) written once per session with a fixed end date, so a version trained
on them beats the naive baselines and the ``if_better`` gate activates it, as it would on any
data with a learnable effect.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlplatform.actors import Actor
from mlplatform.core.market_data.demo import DEMO_END_DATE, write_demo_data
from mlplatform.market_data import market_data_source_reset

SMALL_SYMBOLS = ["AAA", "BBB", "CCC"]
#: Small but honest: 3 symbols x 520 candles -> ~260 usable rows each after warm-up.
SMALL_PARAMS: dict[str, Any] = {"symbols": SMALL_SYMBOLS, "lookback": 520, "horizon": 5}
#: Every symbol the registry tests train on.
DATA_SYMBOLS = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"]


@pytest.fixture(scope="session")
def learnable_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("learnable")
    write_demo_data(directory, symbols=DATA_SYMBOLS, years=3, end_date=DEMO_END_DATE)
    return directory


@pytest.fixture(autouse=True)
def _small_training(settings, learnable_data_dir) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.MARKET_DATA_SOURCE = "csv"
    settings.MARKET_DATA_DIR = learnable_data_dir
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
