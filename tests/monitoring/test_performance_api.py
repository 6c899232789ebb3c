"""The realized-performance routes over real outcome rows (SQLite/PostgreSQL, real HTTP client)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from audit.models import AuditEvent
from mlplatform.core import evaluation
from mlplatform.core.metrics import evaluate
from monitoring.models import Outcome
from monitoring.outcomes import live_metrics
from monitoring.outcomes.scoring import hit_of, outcome_daily_rebuild, outcomes_revision_bump
from monitoring.performance_apis import PerformanceSerializer
from predictions.scoring import outputs_map

from .conftest import model_version_create

SYMBOLS = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL"]
START = datetime(2026, 1, 5, tzinfo=UTC)


def seed_outcomes(
    version: str,
    *,
    dates: int,
    coupling: float,
    seed: int = 0,
    source: str = "live",
    first_day: int = 0,
) -> int:
    """Scored outcomes on consecutive days: ``y`` with a common daily factor (symbols move
    together) and volatility clustering; the prediction is ``coupling * signal + noise`` where
    ``y = signal + noise``, so coupling 0 is no skill and a negative coupling is harmful."""
    rng = np.random.default_rng(seed)
    rows = []
    vol = 0.02
    for d in range(dates):
        vol = 0.9 * vol + 0.1 * abs(rng.normal(0.02, 0.01))
        common = rng.normal(0, vol)
        moment = START + timedelta(days=first_day + d)
        for symbol in SYMBOLS:
            signal = rng.normal(0, vol / 2)
            y = signal + common + rng.normal(0, vol)
            er = coupling * signal
            out = outputs_map(expected_return=er, residual_std=0.02, degraded=False)
            rows.append(
                Outcome(
                    model_version=version,
                    source=source,
                    symbol=symbol,
                    exchange="NASDAQ",
                    candle_at=moment,
                    candle_date=moment.date(),
                    horizon_days=5,
                    status="scored",
                    prediction=out.prediction,
                    expected_return=er,
                    probability_up=out.probability_up,
                    realized_return=y,
                    hit=hit_of(er, y),
                    predicted_at=moment,
                    scored_at=moment,
                )
            )
    Outcome.objects.bulk_create(rows)
    outcome_daily_rebuild(
        {(version, source, START.date() + timedelta(days=first_day + d)) for d in range(dates)}
    )
    outcomes_revision_bump()
    return len(rows)


@pytest.fixture
def v1(db):  # type: ignore[no-untyped-def]
    row = model_version_create(number=1)
    # the stored layout (model next to its baselines), with a skill of 0 and the train mean
    scores = evaluate(np.array([0.01, -0.02, 0.03]), np.array([0.0, -0.01, 0.02]), train_mean=0.0)
    row.validation_metrics = {**scores, "skill": 0.0, "train_mean": 0.0}
    row.save()
    return row


def test_no_active_version_is_404(db, api_client) -> None:
    response = api_client.get("/monitoring/performance")
    assert response.status_code == 404 and response.json()["error"] == "no_active_model"


def test_report_of_the_active_version_with_prefix(v1, api_client) -> None:
    n = seed_outcomes("v1", dates=120, coupling=1.0)
    Outcome.objects.create(
        model_version="v1",
        symbol="AAPL",
        candle_at=START + timedelta(days=90),
        candle_date=(START + timedelta(days=90)).date(),
        horizon_days=5,
        prediction="HOLD",
        expected_return=0.0,
        probability_up=0.5,
        predicted_at=START,
    )
    response = api_client.get("/api/v1/monitoring/performance")
    assert response["Content-Type"] == "application/json" and response["X-Request-ID"]
    body = response.json()
    # the body is what the schema says it is
    contract = PerformanceSerializer(data=body)
    assert contract.is_valid(), contract.errors
    assert body["version"] == "v1" and body["source"] == "live"
    assert body["scored"] == n and body["pending"] == 1 and body["unscorable"] == 0
    assert body["validation"]["skill"] == 0.0 and body["validation"]["train_mean"] == 0.0
    live = body["live"]
    assert live["n"] == n and live["dates"] == 120
    assert live["skill"] > 0 and live["skill_ci"][0] > 0  # a real effect is found
    assert body["status"] == "ok"
    assert len(body["series"]) == 120
    point = body["series"][-1]
    assert point["rolling_n"] == 60 * len(SYMBOLS) and point["rolling_skill_ci"] is not None
    assert body["rolling"]["n"] == 500 and body["rolling"]["target_outcomes"] == 500

    # a scoring run that changes outcomes shows at once (the cached report is keyed by revision)
    seed_outcomes("v1", dates=1, coupling=1.0, seed=9, first_day=120)
    assert api_client.get("/monitoring/performance").json()["scored"] == n + len(SYMBOLS)

    recent = api_client.get("/monitoring/performance", {"days": 10}).json()
    assert recent["live"]["n"] == 10 * len(SYMBOLS) and recent["window_days"] == 10


def test_harmful_predictions_are_degraded_and_few_are_insufficient(v1, api_client) -> None:
    model_version_create(number=2, active=False)
    seed_outcomes("v1", dates=60, coupling=-3.0)
    body = api_client.get("/monitoring/performance").json()
    assert body["status"] == "degraded" and body["live"]["skill_ci"][1] < 0
    seed_outcomes("v2", dates=5, coupling=1.0)
    few = api_client.get("/monitoring/performance", {"version": "v2"}).json()
    assert few["status"] == "insufficient_data" and few["live"]["n"] == 25


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"version": "v9"}, 404, "model_not_found"),
        ({"version": "../x"}, 404, "model_not_found"),
        ({"days": "0"}, 422, "validation_error"),
        ({"days": "abc"}, 422, "validation_error"),
        ({"source": "other"}, 422, "validation_error"),
    ],
)
def test_bad_parameters_use_the_envelope(v1, api_client, params, status, code) -> None:
    response = api_client.get("/monitoring/performance", params)
    assert response.status_code == status
    assert response.json()["error"] == code and response.json()["status"] == "error"


def test_outcome_list_newest_first_with_filters(v1, api_client) -> None:
    seed_outcomes("v1", dates=3, coupling=1.0)
    seed_outcomes("v1", dates=2, coupling=1.0, source="replay", seed=2)
    body = api_client.get("/monitoring/performance/outcomes", {"limit": 4}).json()
    assert len(body["outcomes"]) == 4
    stamps = [o["candle_at"] for o in body["outcomes"]]
    assert stamps == sorted(stamps, reverse=True)
    first = body["outcomes"][0]
    assert set(first) >= {
        "model_version",
        "symbol",
        "exchange",
        "candle_at",
        "expected_return",
        "probability_up",
        "prediction",
        "realized_return",
        "hit",
        "scored_at",
        "source",
    }
    only = api_client.get(
        "/monitoring/performance/outcomes", {"symbol": "msft", "source": "live", "version": "v1"}
    ).json()["outcomes"]
    assert len(only) == 3 and {o["symbol"] for o in only} == {"MSFT"}
    bad = api_client.get("/monitoring/performance/outcomes", {"symbol": "$$"})
    assert bad.status_code == 422
    assert api_client.get("/monitoring/performance/outcomes", {"limit": 5000}).status_code == 422


def test_admin_score_needs_a_credential_and_is_audited(db, api_client, admin_headers) -> None:
    denied = api_client.post("/admin/score")
    assert denied.status_code == 401
    assert AuditEvent.objects.filter(action="outcomes.score", outcome="denied").count() == 1
    ok = api_client.post("/admin/score", **admin_headers)
    assert ok.status_code == 200
    body = ok.json()
    assert body["action"] == "score" and body["status"] == "ok"
    assert {"scored", "pending", "unscorable"} <= set(body)
    event = AuditEvent.objects.get(action="outcomes.score", outcome="success")
    assert event.details["origin"] == "api"


def test_schema_types_the_new_routes(db, api_client) -> None:
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/v1/monitoring/performance" in paths
    assert "/api/v1/monitoring/performance/outcomes" in paths
    assert "/api/v1/admin/score" in paths
    live = schema["components"]["schemas"]["LiveMetrics"]["properties"]
    assert {"hit_rate", "skill_ci", "brier_base_rate", "reliability", "signals"} <= set(live)


def test_daily_sums_match_row_level_metrics() -> None:
    rng = np.random.default_rng(4)
    y = rng.normal(0, 0.02, 400)
    y[:3] = 0.0  # unmoved rows have no direction
    e = 0.3 * y + rng.normal(0, 0.01, 400)
    p = rng.uniform(0, 1, 400)
    signals = np.where(p > 0.55, "BUY", np.where(p < 0.45, "SELL", "HOLD"))
    dates = np.array("2026-01-01", dtype="datetime64[D]") + rng.integers(0, 30, 400)
    sums = live_metrics.day_sums(
        dates=dates, expected=e, probability=p, signal=signals, realized=y, train_mean=0.001
    )
    days = live_metrics.DayArrays(
        dates=np.array([s["date"] for s in sums], dtype="datetime64[D]"),
        **{
            k: np.array([np.nan if s[k] is None else s[k] for s in sums], dtype=float)
            for k in live_metrics.DAILY_SUMS
        },
        bins=[s["bins"] for s in sums],
        signals=[s["signals"] for s in sums],
    )
    live = live_metrics.summarize(days, horizon=5, base_rate_reference=0.52)
    moved = y != 0
    assert live["hit_rate"] == pytest.approx(np.mean(np.sign(e[moved]) == np.sign(y[moved])))
    assert live["rmse_mean"] == pytest.approx(np.sqrt(np.mean((y - 0.001) ** 2)))
    up = (y > 0).astype(float)
    assert live["brier"] == pytest.approx(np.mean((p - up) ** 2))
    assert live["brier_base_rate"] == pytest.approx(np.mean((0.52 - up) ** 2))
    sell = signals == "SELL"
    assert live["signals"]["SELL"]["hit_rate"] == pytest.approx(
        evaluation.hit_rate(y, np.where(sell, -1.0, 0.0))
    )
    table = live["reliability"]
    assert sum(g["n"] for g in table) == 400 and len(table) <= 10
    assert all(g["n"] >= 40 for g in table)
    assert sum(g["p_mean"] * g["n"] for g in table) == pytest.approx(p.sum())
