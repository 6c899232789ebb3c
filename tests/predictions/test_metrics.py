"""/metrics in one process (the test client): route, access, and what the serving path counts."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from predictions.services import logs


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.django_db
def test_metrics_counts_predictions_batches_and_failed_log_writes(
    train, client, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    train()
    served = {
        s: _value("mlp_predictions_total", version="v1", signal=s) for s in ("BUY", "HOLD", "SELL")
    }
    requests_before = _value(
        "mlp_http_requests_total", method="GET", route="/predict", status="200"
    )
    batches_before = _value("mlp_predict_batch_symbols_count")
    assert client.get("/api/v1/predict?symbol=AAPL").status_code == 200
    assert client.get("/predict?symbol=MSFT").status_code == 200
    body = client.post(
        "/predict/batch", {"symbols": ["AAPL", "GOOGL", "aapl"]}, content_type="application/json"
    )
    assert body.status_code == 200
    after = {s: _value("mlp_predictions_total", version="v1", signal=s) for s in served}
    assert sum(after.values()) - sum(served.values()) == 4  # 2 single + 2 unique in the batch
    assert (
        _value("mlp_http_requests_total", method="GET", route="/predict", status="200")
        == requests_before + 2
    )
    assert _value("mlp_predict_batch_symbols_count") == batches_before + 1

    failures_before = _value("mlp_prediction_log_write_failures_total")

    def broken(rows):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(logs.prediction_logs_insert.group, "submit", broken)
    monkeypatch.setattr(logs.prediction_logs_insert, "_write", broken)
    failed = client.get("/predict?symbol=AAPL")
    assert failed.status_code >= 500
    assert _value("mlp_prediction_log_write_failures_total") == failures_before + 1

    text = client.get("/metrics").content.decode()
    assert "mlp_http_requests_total" in text and "mlp_training_runs" in text
    assert 'mlp_training_runs{state="succeeded"}' in text
    assert "AAPL" not in text and "GOOGL" not in text


@pytest.mark.django_db
def test_metrics_access_rules(settings, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/metrics").status_code == 200  # no METRICS_TOKEN: open
    assert client.post("/metrics").status_code == 405
    settings.METRICS_TOKEN = "t0ken"
    denied = client.get("/metrics")
    assert denied.status_code == 401 and denied.json()["error"] == "not_authenticated"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer t0ken").status_code == 200
    assert client.get("/metrics", HTTP_X_API_KEY=settings.ADMIN_API_KEY).status_code == 200
    settings.METRICS_ENABLED = False
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer t0ken").status_code == 404
