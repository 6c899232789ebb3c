from __future__ import annotations

import pytest

from tests.monitoring.conftest import model_version_create

pytestmark = pytest.mark.django_db


def test_runs_are_ordered_by_version_number_with_ranges(api_client) -> None:
    window = {
        "MSFT": {"rows": 300, "first_date": "2019-01-02", "last_date": "2024-05-31"},
        "AAPL": {"rows": 250, "first_date": "2018-06-01", "last_date": "2024-05-30"},
    }
    model_version_create(number=10, active=False, dataset_window=window)
    model_version_create(number=2, active=True)
    model_version_create(number=9, active=False)

    runs = api_client.get("/monitoring/history").json()["runs"]

    assert [run["version"] for run in runs] == ["v2", "v9", "v10"]
    assert set(runs[0]) == {
        "version",
        "timestamp",
        "training_metrics",
        "validation_metrics",
        "dataset_range",
    }
    assert runs[2]["dataset_range"] == {
        "start": "2018-06-01",
        "end": "2024-05-31",
        "symbols": ["AAPL", "MSFT"],
        "rows": 550,
    }
    assert runs[1]["training_metrics"] == {"rmse": pytest.approx(0.029)}


def test_no_versions(api_client) -> None:
    assert api_client.get("/monitoring/history").json() == {"runs": []}
