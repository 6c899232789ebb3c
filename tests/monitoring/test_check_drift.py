from __future__ import annotations

from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from scipy import stats

from mlplatform.core.features import compute_features
from mlplatform.core.market_data.synthetic import SyntheticSource
from mlplatform.market_data import market_data_source_reset
from monitoring.models import DriftSnapshot
from monitoring.services import drift_snapshot_from_market
from tests.monitoring.conftest import NAMES, model_version_create, prediction_logs_create

pytestmark = pytest.mark.django_db
SYMBOLS = ["AAPL", "MSFT"]


@pytest.fixture
def synthetic_market(drift_settings):  # type: ignore[no-untyped-def]
    drift_settings.MARKET_DATA_SOURCE = "synthetic"
    market_data_source_reset()
    yield SyntheticSource(seed=0)
    market_data_source_reset()


def _features(source: SyntheticSource, symbol: str) -> np.ndarray:
    frame = compute_features(source.get_candles(symbol).candles)
    return frame[NAMES].to_numpy()


def _version_trained_on_history(source: SyntheticSource, *, number: int = 1, active: bool = True):
    """A version whose reference is the symbols' older history (all but the last 250 rows)."""
    blocks = [_features(source, symbol)[:-250] for symbol in SYMBOLS]
    train = np.vstack(blocks)
    train = train[np.isfinite(train).all(axis=1)]
    window = {
        s: {"rows": 1000, "first_date": "2015-01-01", "last_date": "2024-01-01"} for s in SYMBOLS
    }
    return model_version_create(
        number=number, active=active, reference=train, dataset_window=window
    )


def test_market_snapshot_uses_latest_days_of_each_symbol(api_client, synthetic_market) -> None:
    model = _version_trained_on_history(synthetic_market)
    before = api_client.get("/monitoring/drift", {"source": "market"}).json()
    assert (before["status"], before["reason"]) == ("insufficient_data", "no_snapshot")

    snapshot = drift_snapshot_from_market(version=None, days=60)

    assert (snapshot.source, snapshot.version, snapshot.samples) == ("market", "v1", 120)
    assert snapshot.report["symbols"] == {"AAPL": 60, "MSFT": 60}
    live = np.vstack([_features(synthetic_market, symbol)[-60:] for symbol in SYMBOLS])
    for j, name in enumerate(NAMES):
        sample = model.drift_reference["features"][name]["sample"]
        expected = stats.ks_2samp(sample, live[:, j], method="asymp").pvalue
        assert snapshot.report["details"][name]["p_value"] == pytest.approx(expected, rel=1e-9)

    body = api_client.get("/monitoring/drift", {"source": "market"}).json()
    assert body["status"] == snapshot.status
    assert body["source"] == "market"
    assert body["samples"] == 120
    assert body["details"] == snapshot.report["details"]
    history = api_client.get("/monitoring/drift/history", {"source": "market"}).json()
    assert [s["samples"] for s in history["snapshots"]] == [120]


def test_check_drift_command_from_market_prints_table(synthetic_market) -> None:
    _version_trained_on_history(synthetic_market, number=1, active=False)
    _version_trained_on_history(synthetic_market, number=2, active=True)
    out = StringIO()

    call_command("check_drift", "--version", "v1", "--from-market", "--days", "40", stdout=out)

    snapshot = DriftSnapshot.objects.get()
    assert (snapshot.version, snapshot.source, snapshot.samples) == ("v1", "market", 80)
    text = out.getvalue()
    assert "p_value" in text and "psi" in text
    for name in NAMES:
        assert name in text
    assert f"status: {snapshot.status}" in text


def test_check_drift_command_live_always_stores(drift_settings) -> None:
    model_version_create()
    rng = np.random.default_rng(21)
    prediction_logs_create(version="v1", features=rng.normal(size=(80, len(NAMES))))

    for _ in range(2):
        call_command("check_drift", stdout=StringIO())

    assert DriftSnapshot.objects.filter(source="live", samples=80).count() == 2


def test_check_drift_command_errors_are_clear(synthetic_market) -> None:
    with pytest.raises(CommandError, match="no active model version"):
        call_command("check_drift", "--from-market", stdout=StringIO())
    with pytest.raises(CommandError, match="unknown model version 'v7'"):
        call_command("check_drift", "--version", "v7", stdout=StringIO())
    with pytest.raises(CommandError, match="--days"):
        call_command("check_drift", "--from-market", "--days", "0", stdout=StringIO())
