"""Replay over a year of synthetic data: stored outcomes and live metrics agree with an
independent recomputation from the files, the model and the metric definitions."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from scipy import stats

from mlplatform.actors import Actor
from mlplatform.core import evaluation
from mlplatform.core.features import FEATURE_NAMES, compute_features
from mlplatform.errors import ValidationFailed
from mlplatform.market_data import market_data_source_reset
from monitoring.models import Outcome
from monitoring.outcomes.selectors import performance_report
from monitoring.outcomes.services import outcomes_replay, training_window_end
from predictions.cache import market_snapshot_cache_clear
from registry.loading import loaded_model_get
from registry.models import ModelVersion
from registry.services import train_model

SYMBOLS = ["AAA", "BBB", "CCC"]
TRAIN_ROWS = 600
ALL_ROWS = TRAIN_ROWS + 260  # about a year of trading days after the training data
HORIZON = 5


def candles(symbol: str) -> pd.DataFrame:
    from mlplatform.core.market_data.synthetic import generate_candles

    return generate_candles(symbol, n_days=ALL_ROWS, end_date=date(2026, 9, 30), seed=3)


def write(directory: Path, symbol: str, rows: int) -> None:
    frame = candles(symbol).iloc[:rows]
    pd.DataFrame(
        {
            "Date": frame["timestamp"].dt.strftime("%Y-%m-%d"),
            "Open": frame["open"],
            "High": frame["high"],
            "Low": frame["low"],
            "Close": frame["close"],
            "Volume": frame["volume"],
        }
    ).to_csv(directory / f"{symbol}.csv", index=False)


@pytest.fixture
def replayed(db, settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    directory = tmp_path / "market"
    directory.mkdir()
    for symbol in SYMBOLS:
        write(directory, symbol, TRAIN_ROWS)
    settings.MARKET_DATA_SOURCE = "csv"
    settings.MARKET_DATA_BASE_URL = None
    settings.MARKET_DATA_DIR = str(directory)
    market_data_source_reset()
    market_snapshot_cache_clear()
    version = train_model(
        params={
            "symbols": SYMBOLS,
            "lookback": 560,
            "horizon": HORIZON,
            "cv_folds": 2,
            "activation_policy": "never",
        },
        actor=Actor.system(),
    ).version  # train_model returns a TrainingOutcome (version + promotion decision)
    for symbol in SYMBOLS:
        write(directory, symbol, ALL_ROWS)
    start = training_window_end(version) + timedelta(days=14)
    end = candles("AAA")["timestamp"].iloc[-1].date()
    summary = outcomes_replay(
        version=version.version, date_from=start, date_to=end, actor=Actor.system()
    )
    yield directory, version, start, end, summary
    market_data_source_reset()


def independent(directory: Path, version: ModelVersion, start: date) -> pd.DataFrame:
    """Predictions and realized returns recomputed from the files on the full history."""
    loaded = loaded_model_get(version=version.version)
    rows = []
    for symbol in SYMBOLS:
        frame = pd.read_csv(directory / f"{symbol}.csv")
        candles_frame = pd.DataFrame(
            {
                "timestamp": pd.to_datetime(frame["Date"], utc=True),
                "open": frame["Open"],
                "high": frame["High"],
                "low": frame["Low"],
                "close": frame["Close"],
                "volume": frame["Volume"],
            }
        )
        features = compute_features(candles_frame)
        close = frame["Close"].to_numpy()
        columns = [list(FEATURE_NAMES).index(n) for n in loaded.feature_names]
        matrix = features[list(FEATURE_NAMES)].to_numpy()[:, columns]
        for t in range(len(frame)):
            if date.fromisoformat(frame["Date"][t]) < start:
                continue
            er = float(loaded.model.predict(matrix[t : t + 1])[0])
            y = close[t + HORIZON] / close[t] - 1.0 if t + HORIZON < len(frame) else np.nan
            rows.append({"symbol": symbol, "date": frame["Date"][t], "er": er, "y": y})
    return pd.DataFrame(rows)


def test_replay_metrics_equal_an_independent_recomputation(replayed) -> None:
    directory, version, start, _, summary = replayed
    truth = independent(directory, version, start)
    scored = truth[np.isfinite(truth["y"])]
    assert summary.predictions == len(truth)
    assert summary.scored == len(scored) and summary.pending == len(truth) - len(scored)
    assert summary.trading_days > 240

    stored = pd.DataFrame(
        Outcome.objects.filter(source="replay", status="scored").values(
            "symbol", "candle_date", "expected_return", "realized_return", "probability_up"
        )
    )
    stored["date"] = stored["candle_date"].astype(str)
    merged = scored.merge(stored, on=["symbol", "date"], validate="one_to_one")
    assert len(merged) == len(scored)
    np.testing.assert_allclose(merged["expected_return"], merged["er"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(merged["realized_return"], merged["y"], rtol=1e-12, atol=1e-15)

    # the metric definitions of mlplatform.core.evaluation (validation's), row by row
    y, e = merged["y"].to_numpy(), merged["er"].to_numpy()
    p = merged["probability_up"].to_numpy()
    up = (y > 0).astype(float)
    m = loaded_model_get(version=version.version).model.intercept
    skills = evaluation.skill_against_baselines(y, e, train_mean=m)
    live = performance_report(version=version.version, source="replay")["live"]
    assert live["n"] == len(scored)
    assert live["hit_rate"] == pytest.approx(evaluation.directional_accuracy(y, e))
    assert live["base_rate"] == pytest.approx(up.mean())
    for key in ("rmse", "rmse_zero", "rmse_mean", "skill", "skill_zero", "skill_mean"):
        assert live[key] == pytest.approx(skills[key], rel=1e-9), key
    assert live["skill_vs"] == skills["skill_vs"]
    assert live["ic"] == pytest.approx(evaluation.spearman_ic(y, e), rel=1e-9)
    assert live["ic"] == pytest.approx(stats.spearmanr(e, y).statistic, rel=1e-9)
    assert live["brier"] == pytest.approx(evaluation.brier_score(up, p), rel=1e-9)
    reference = ((version.validation_metrics or {}).get("calibration") or {}).get("base_rate")
    b = up.mean() if reference is None else reference
    assert live["brier_base_rate"] == pytest.approx(evaluation.brier_score(up, np.full_like(p, b)))
    signals = Outcome.objects.filter(source="replay", status="scored").values_list(
        "symbol", "candle_date", "prediction"
    )
    calls = {(sym, str(day)): sig for sym, day, sig in signals}
    signal = np.array([calls[(r.symbol, r.date)] for r in merged.itertuples()])
    for name, direction in (("BUY", 1.0), ("SELL", -1.0)):
        chosen = signal == name
        if chosen.any():
            assert live["signals"][name]["share"] == pytest.approx(chosen.mean())
            want = evaluation.hit_rate(y, np.where(chosen, direction, 0.0))
            assert live["signals"][name]["hit_rate"] == pytest.approx(want)
    assert sum(b["n"] for b in live["reliability"]) == len(scored)
    lo, hi = live["skill_ci"]
    assert lo <= hi


def test_replay_again_adds_nothing_and_the_training_window_is_refused(replayed, capsys) -> None:
    _, version, start, end, summary = replayed
    call_command(
        "replay", version.version, "--from", str(start), "--to", str(end), "--symbols", "AAA,BBB"
    )
    out = capsys.readouterr().out
    assert "512 predictions, 0 new outcomes" in out and "replay metrics" in out
    again = outcomes_replay(
        version=version.version, date_from=start, date_to=end, actor=Actor.system()
    )
    assert again.new_outcomes == 0 and again.predictions == summary.predictions
    assert Outcome.objects.filter(source="replay").count() == summary.predictions
    assert not Outcome.objects.filter(source="live").exists()

    inside = training_window_end(version)
    with pytest.raises(ValidationFailed) as caught:
        outcomes_replay(
            version=version.version, date_from=inside, date_to=end, actor=Actor.system()
        )
    assert caught.value.code == "replay_inside_training_window"
    with pytest.raises(CommandError, match="replay_inside_training_window"):
        call_command("replay", version.version, "--from", str(inside), "--to", str(end))
