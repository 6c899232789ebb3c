"""Reliability fixtures: a trained model in-process, and scratch platforms for child processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mlplatform.actors import Actor
from mlplatform.market_data import market_data_source_reset
from registry.services import train_model
from reliability.harness import Database, Prepared, clone_platform, prepared_platform


@pytest.fixture
def trained_model(db, settings) -> str:  # type: ignore[no-untyped-def]
    """Serve from the synthetic source with an active v1 (3 symbols, 400 candles)."""
    settings.MARKET_DATA_SOURCE = "synthetic"
    settings.MARKET_DATA_BASE_URL = None
    market_data_source_reset()
    outcome = train_model(
        params={
            "symbols": ["AAPL", "MSFT", "GOOGL"],
            "lookback": 400,
            "horizon": 5,
            "cv_folds": 2,
            "activation_policy": "always",
        },
        actor=Actor.system(),
    )
    yield outcome.version.version
    market_data_source_reset()


@pytest.fixture(scope="session")
def reliability_template(tmp_path_factory) -> Iterator[Prepared]:  # type: ignore[no-untyped-def]
    """A migrated scratch database with v1 trained (synthetic), on this suite's database vendor.

    The scenarios run the platform in child processes (gunicorn, manage.py) on their own copy,
    never on the pytest-django test database.
    """
    from django.db import connection

    workdir = tmp_path_factory.mktemp("reliability")
    with prepared_platform(connection.vendor, workdir) as template:
        yield template


@pytest.fixture
def platform_copy(
    reliability_template: Prepared, tmp_path: Path
) -> Iterator[tuple[Database, Path]]:
    """A private clone of the template: (database, artifact folder)."""
    with clone_platform(reliability_template, tmp_path) as copy:
        yield copy
