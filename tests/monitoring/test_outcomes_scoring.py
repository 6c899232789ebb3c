"""Outcome scoring against the CSV source: predictions served on a file cut at day t, the file
extended past t + horizon, realized returns checked against the file itself."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command

from audit.models import AuditEvent, PredictionLog
from mlplatform.actors import Actor
from mlplatform.core.market_data.synthetic import generate_candles
from mlplatform.market_data import market_data_source_reset
from monitoring.models import Outcome, OutcomeDaily, OutcomeScoringState
from monitoring.outcomes.scoring import outcomes_score
from predictions.cache import market_snapshot_cache_clear
from predictions.services.inference import prediction_make
from registry.services import train_model

SYMBOLS = ["AAPL", "MSFT"]
CUT = 560  # candles in the files when the predictions are served
HORIZON = 5


def full_candles(symbol: str) -> pd.DataFrame:
    return generate_candles(symbol, n_days=620, end_date=date(2026, 6, 30), seed=11)


def write_csv(directory: Path, symbol: str, rows: int) -> None:
    candles = full_candles(symbol).iloc[:rows]
    out = pd.DataFrame(
        {
            "Date": candles["timestamp"].dt.strftime("%Y-%m-%d"),
            "Open": candles["open"],
            "High": candles["high"],
            "Low": candles["low"],
            "Close": candles["close"],
            "Volume": candles["volume"],
        }
    )
    out.to_csv(directory / f"{symbol}.csv", index=False)


def file_return(directory: Path, symbol: str, candle_at: datetime, horizon: int) -> float:
    """The realized return computed straight from the CSV file, independently of the code."""
    frame = pd.read_csv(directory / f"{symbol}.csv")
    days = list(frame["Date"])
    t = days.index(candle_at.strftime("%Y-%m-%d"))
    return float(frame["Close"][t + horizon] / frame["Close"][t] - 1.0)


@pytest.fixture
def csv_market(settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    directory = tmp_path / "market"
    directory.mkdir()
    for symbol in SYMBOLS:
        write_csv(directory, symbol, CUT)
    settings.MARKET_DATA_SOURCE = "csv"
    settings.MARKET_DATA_BASE_URL = None
    settings.MARKET_DATA_DIR = str(directory)
    settings.MARKET_DATA_CACHE_SECONDS = 0
    market_data_source_reset()
    market_snapshot_cache_clear()
    yield directory
    market_data_source_reset()


@pytest.fixture
def served(db, csv_market: Path):  # type: ignore[no-untyped-def]
    """v1 trained on the cut files, then AAPL served twice (a repeat) and MSFT once."""
    train_model(
        params={
            "symbols": SYMBOLS,
            "lookback": 500,
            "horizon": HORIZON,
            "cv_folds": 2,
            "activation_policy": "always",
        },
        actor=Actor.system(),
    )
    answers = [prediction_make(symbol=s) for s in ("AAPL", "AAPL", "MSFT")]
    return csv_market, answers


def score() -> dict:
    return outcomes_score(settle_seconds=0).as_dict()


def test_pending_until_the_horizon_then_scored_from_the_file(served) -> None:
    directory, answers = served
    first = score()
    assert first["logs_read"] == 3 and first["repeats"] == 1
    assert first["scored"] == 0 and first["pending"] == 2
    assert Outcome.objects.count() == 2  # the repeated AAPL prediction counts once

    write_csv(directory, "AAPL", CUT + HORIZON - 1)  # one candle short of the horizon
    write_csv(directory, "MSFT", CUT + 30)
    second = score()
    assert second == {**second, "scored": 1, "pending": 1, "logs_read": 0}
    msft = Outcome.objects.get(symbol="MSFT")
    assert msft.status == "scored" and msft.source == "live"
    expected = file_return(directory, "MSFT", msft.candle_at, HORIZON)
    assert msft.realized_return == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert msft.expected_return == answers[2]["expected_return"]
    assert msft.probability_up == answers[2]["probability_up"]
    assert msft.prediction == answers[2]["prediction"]
    assert msft.hit == ((msft.expected_return > 0) == (msft.realized_return > 0))

    write_csv(directory, "AAPL", CUT + HORIZON)
    third = score()
    assert third["scored"] == 1 and third["pending"] == 0
    aapl = Outcome.objects.get(symbol="AAPL")
    assert aapl.realized_return == pytest.approx(
        file_return(directory, "AAPL", aapl.candle_at, HORIZON), rel=1e-12, abs=1e-15
    )
    assert aapl.candle_at.date() == pd.Timestamp(full_candles("AAPL")["timestamp"][CUT - 1]).date()

    # idempotent: a second pass adds and changes nothing
    before = list(Outcome.objects.order_by("id").values())
    days = list(OutcomeDaily.objects.order_by("id").values())
    again = score()
    assert again["scored"] == 0 and again["new_outcomes"] == 0 and again["logs_read"] == 0
    assert list(Outcome.objects.order_by("id").values()) == before
    assert list(OutcomeDaily.objects.order_by("id").values()) == days
    total = sum(OutcomeDaily.objects.values_list("n", flat=True))
    assert total == 2


def test_a_log_re_read_after_a_lost_watermark_adds_nothing(served) -> None:
    directory, _ = served
    for symbol in SYMBOLS:
        write_csv(directory, symbol, CUT + 30)
    assert score()["scored"] == 2
    OutcomeScoringState.objects.update(last_log_id=0)  # as if the watermark write was lost
    again = score()
    assert again["logs_read"] == 3 and again["new_outcomes"] == 0 and again["scored"] == 0
    assert Outcome.objects.count() == 2


def test_unscorable_symbol_gone_and_candle_gone(served) -> None:
    directory, _ = served
    for symbol in SYMBOLS:
        write_csv(directory, symbol, CUT + 30)
    template = PredictionLog.objects.filter(symbol="MSFT").values()[0]
    template.pop("id")
    saturday = datetime(2026, 1, 3, tzinfo=UTC)  # never a candle in a business-day file
    PredictionLog.objects.create(**{**template, "symbol": "GONE", "request_id": "gone"})
    PredictionLog.objects.create(
        **{**template, "latest_candle_at": saturday, "request_id": "weekend"}
    )
    PredictionLog.objects.create(
        **{**template, "latest_candle_at": None, "request_id": "no-candle"}
    )
    result = score()
    assert result["scored"] == 2 and result["unscorable"] == 2
    assert result["without_candle"] == 1
    gone = Outcome.objects.get(symbol="GONE")
    assert gone.status == "unscorable" and gone.reason.startswith("symbol gone")
    weekend = Outcome.objects.get(candle_at=saturday)
    assert weekend.status == "unscorable" and "no longer" in weekend.reason


def test_a_pending_outcome_whose_file_is_deleted_becomes_unscorable(served) -> None:
    directory, _ = served
    assert score()["pending"] == 2
    (directory / "MSFT.csv").unlink()
    result = score()
    assert result["unscorable"] == 1 and result["pending"] == 1
    assert Outcome.objects.get(symbol="MSFT").reason.startswith("symbol gone")


def test_a_transient_source_error_keeps_the_outcome_pending(served, settings) -> None:
    directory, _ = served
    (directory / "MSFT.csv").write_text("Date,Open\nnot,a file\n")  # invalid: retry later
    result = score()
    assert result["retry_later"] >= 1
    assert Outcome.objects.get(symbol="MSFT").status == "pending"
    write_csv(directory, "MSFT", CUT + 30)
    assert score()["scored"] == 1


def test_settling_logs_wait_for_the_next_run(served) -> None:
    assert outcomes_score(settle_seconds=3600).logs_read == 0
    assert Outcome.objects.count() == 0
    assert score()["logs_read"] == 3


def test_score_predictions_command_prints_a_summary_and_audits(served, capsys) -> None:
    directory, _ = served
    for symbol in SYMBOLS:
        write_csv(directory, symbol, CUT + 30)
    call_command("score_predictions", "--settle-seconds", "0")
    out = capsys.readouterr().out
    assert "scored 2, unscorable 0, pending 0" in out
    assert "repeats counted once 1" in out
    event = AuditEvent.objects.get(action="outcomes.score")
    assert event.details["origin"] == "cli" and event.details["scored"] == 2
