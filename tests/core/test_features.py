"""Features: definitions, bit-identical determinism, batch == single, no look-ahead, schema hash."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from mlplatform.core.features import (
    DRAWDOWN_WINDOW,
    FEATURE_NAMES,
    OUTPUT_COLUMNS,
    WARMUP_ROWS,
    compute_features,
    compute_features_many,
    feature_schema_hash,
    latest_feature_row,
    warmup_rows,
)
from mlplatform.core.market_data.synthetic import generate_candles
from mlplatform.errors import ValidationFailed

END = date(2026, 11, 20)
NAMES = list(FEATURE_NAMES)


def _candles(close: np.ndarray, volume: np.ndarray | None = None) -> pd.DataFrame:
    close = np.asarray(close, dtype=float)
    opens = np.concatenate(([close[0]], close[:-1]))
    return pd.DataFrame(
        {
            "timestamp": pd.date_range("2020-01-01", periods=len(close), freq="D", tz="UTC"),
            "open": opens,
            "high": np.maximum(opens, close) * 1.01,
            "low": np.minimum(opens, close) * 0.99,
            "close": close,
            "volume": np.full(len(close), 1000.0) if volume is None else volume,
        }
    )


def _values(features: pd.DataFrame) -> np.ndarray:
    return features[["close", *NAMES]].to_numpy()


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


@pytest.fixture(scope="module")
def market() -> dict[str, pd.DataFrame]:
    return {
        "AAPL": generate_candles("AAPL", n_days=2520, end_date=END),
        "MSFT": generate_candles("MSFT", n_days=2520, end_date=END),
        "SHORT": generate_candles("SHORT", n_days=300, end_date=END),
        "TINY": generate_candles("TINY", n_days=30, end_date=END),
        "ODD": generate_candles("ODD", n_days=777, end_date=END),
    }


def test_output_layout(market: dict[str, pd.DataFrame]) -> None:
    candles = market["AAPL"]
    features = compute_features(candles)
    assert tuple(features.columns) == OUTPUT_COLUMNS == ("timestamp", "close", *FEATURE_NAMES)
    assert len(features) == len(candles)
    assert isinstance(features.index, pd.RangeIndex)
    assert features["timestamp"].equals(candles["timestamp"])
    assert np.array_equal(features["close"].to_numpy(), candles["close"].to_numpy())
    assert (features[NAMES].dtypes == np.float64).all()
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES) >= 10


def test_warmup_rows_are_nan_and_then_everything_is_defined(
    market: dict[str, pd.DataFrame],
) -> None:
    values = compute_features(market["AAPL"])[NAMES].to_numpy()
    defined = np.isfinite(values).all(axis=1)
    assert not defined[: WARMUP_ROWS - 1].any()
    assert defined[WARMUP_ROWS - 1 :].all()
    assert warmup_rows() == WARMUP_ROWS == DRAWDOWN_WINDOW
    assert warmup_rows(300) == 301


def test_bit_identical_across_runs(market: dict[str, pd.DataFrame]) -> None:
    first = _values(compute_features(market["AAPL"]))
    for _ in range(3):
        assert _same_bits(first, _values(compute_features(market["AAPL"].copy())))


def test_batch_is_bit_identical_to_single(market: dict[str, pd.DataFrame]) -> None:
    batch = compute_features_many(market)
    assert list(batch) == list(market)
    for symbol, candles in market.items():
        single = compute_features(candles)
        assert _same_bits(_values(batch[symbol]), _values(single)), symbol
        assert batch[symbol]["timestamp"].equals(single["timestamp"])


def test_batch_of_many_equal_length_symbols_matches_single() -> None:
    frames = {f"S{i}": generate_candles(f"S{i}", n_days=400, end_date=END) for i in range(150)}
    batch = compute_features_many(frames, volatility_window=10)
    for symbol in ("S0", "S63", "S64", "S149"):  # both sides of a chunk boundary
        single = compute_features(frames[symbol], volatility_window=10)
        assert _same_bits(_values(batch[symbol]), _values(single)), symbol


@pytest.mark.parametrize("cut", [1, 15, 21, WARMUP_ROWS - 1, WARMUP_ROWS, 253, 600, 1777, 2519])
def test_no_look_ahead(market: dict[str, pd.DataFrame], cut: int) -> None:
    """Appending future candles never changes earlier rows, to the bit."""
    full = _values(compute_features(market["AAPL"]))
    prefix = _values(compute_features(market["AAPL"].iloc[:cut]))
    assert _same_bits(prefix, full[:cut])


def test_changing_the_future_does_not_change_the_past(market: dict[str, pd.DataFrame]) -> None:
    candles = market["MSFT"].copy()
    before = _values(compute_features(candles))
    candles.loc[1500:, ["open", "high", "low", "close"]] *= 3.0
    candles.loc[1500:, "volume"] *= 10.0
    after = _values(compute_features(candles))
    assert _same_bits(before[:1500], after[:1500])
    assert not _same_bits(before[1500:], after[1500:])


def test_hand_checked_values_on_a_linear_series() -> None:
    close = np.arange(1.0, 301.0)  # 1, 2, ..., 300
    volume = np.arange(1.0, 301.0) * 10.0
    features = compute_features(_candles(close, volume))
    t = 299  # close 300
    row = features.iloc[t]
    assert row["ret_1d"] == pytest.approx(300 / 299 - 1, rel=1e-12)
    assert row["ret_5d"] == pytest.approx(300 / 295 - 1, rel=1e-12)
    assert row["ret_20d"] == pytest.approx(300 / 280 - 1, rel=1e-12)
    # SMA20 of 281..300 is 290.5; std (ddof=1) of 20 consecutive integers is sqrt(35).
    assert row["ma_gap"] == pytest.approx(300 / 290.5 - 1, rel=1e-12)
    assert row["zscore_20"] == pytest.approx(9.5 / np.sqrt(35), rel=1e-10)
    assert row["volume_z"] == pytest.approx(9.5 / np.sqrt(35), rel=1e-10)
    assert row["drawdown"] == 0.0  # at its 252-day high
    assert row["rsi_14"] == 100.0  # only gains
    assert row["hl_range"] == pytest.approx((300 * 1.01 - 299 * 0.99) / 300, rel=1e-12)
    log_returns = np.log(close[t - 19 : t + 1] / close[t - 20 : t])
    assert row["volatility"] == pytest.approx(np.std(log_returns, ddof=1), rel=1e-9)


def test_drawdown_uses_the_trailing_252_day_high() -> None:
    close = np.concatenate((np.full(10, 200.0), np.full(300, 100.0), [150.0, 120.0]))
    features = compute_features(_candles(close))
    assert features["drawdown"].iloc[260] == pytest.approx(100.0 / 200.0 - 1)
    assert features["drawdown"].iloc[310] == 0.0  # 150 is the high of the last 252 rows
    assert features["drawdown"].iloc[311] == pytest.approx(120.0 / 150.0 - 1)


def test_flat_windows_give_zero_zscores_and_neutral_rsi() -> None:
    features = compute_features(_candles(np.full(300, 0.1)))
    last = features.iloc[-1]
    assert last["zscore_20"] == 0.0
    assert last["volume_z"] == 0.0
    assert last["rsi_14"] == 50.0
    assert last["volatility"] == 0.0
    assert last["ret_20d"] == 0.0


def test_rsi_matches_a_plain_wilder_loop_and_stays_in_bounds(
    market: dict[str, pd.DataFrame],
) -> None:
    close = market["AAPL"]["close"].to_numpy()
    rsi = compute_features(market["AAPL"])["rsi_14"].to_numpy()
    change = np.diff(close)
    gains, losses = np.maximum(change, 0), np.maximum(-change, 0)
    avg_gain, avg_loss = gains[:14].mean(), losses[:14].mean()
    expected = [np.nan] * 14 + [100 * avg_gain / (avg_gain + avg_loss)]
    for gain, loss in zip(gains[14:], losses[14:], strict=True):
        avg_gain = (avg_gain * 13 + gain) / 14
        avg_loss = (avg_loss * 13 + loss) / 14
        expected.append(100 * avg_gain / (avg_gain + avg_loss))
    np.testing.assert_allclose(rsi, np.array(expected), rtol=1e-9, atol=1e-9)

    for candles in market.values():
        values = compute_features(candles)["rsi_14"].dropna()
        assert ((values >= 0) & (values <= 100)).all()
    falling = compute_features(_candles(np.linspace(200, 100, 60)))["rsi_14"].iloc[-1]
    assert falling == 0.0


def test_rolling_features_match_pandas_references(market: dict[str, pd.DataFrame]) -> None:
    candles = market["ODD"]
    features = compute_features(candles, volatility_window=30)
    close, volume = candles["close"], candles["volume"]
    log_returns = np.log(close / close.shift(1))
    references = {
        "volatility": log_returns.rolling(30).std(),
        "zscore_20": (close - close.rolling(20).mean()) / close.rolling(20).std(),
        "volume_z": (volume - volume.rolling(20).mean()) / volume.rolling(20).std(),
        "ma_gap": close / close.rolling(20).mean() - 1,
        "drawdown": close / close.rolling(252).max() - 1,
        "ret_5d": close.pct_change(5),
    }
    for name, reference in references.items():
        np.testing.assert_allclose(
            features[name].to_numpy(), reference.to_numpy(), rtol=1e-7, atol=1e-9, err_msg=name
        )


def test_volatility_window_changes_volatility_only(market: dict[str, pd.DataFrame]) -> None:
    base = compute_features(market["AAPL"])
    wide = compute_features(market["AAPL"], volatility_window=60)
    others = [name for name in NAMES if name != "volatility"]
    assert _same_bits(base[others].to_numpy(), wide[others].to_numpy())
    assert not _same_bits(base["volatility"].to_numpy(), wide["volatility"].to_numpy())
    with pytest.raises(ValidationFailed):
        compute_features(market["AAPL"], volatility_window=1)


def test_schema_hash_is_stable_and_tracks_the_window() -> None:
    digest = feature_schema_hash()
    assert digest == feature_schema_hash(20)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert feature_schema_hash(21) != digest
    assert feature_schema_hash(60) != feature_schema_hash(21)


def test_latest_feature_row(market: dict[str, pd.DataFrame]) -> None:
    candles = market["AAPL"]
    row = latest_feature_row(candles)
    full = compute_features(candles)
    assert row["timestamp"] == candles["timestamp"].iloc[-1]
    assert np.array_equal(row[NAMES].to_numpy(dtype=float), full[NAMES].iloc[-1].to_numpy())
    assert list(row.index) == list(OUTPUT_COLUMNS)

    exactly_enough = latest_feature_row(candles.iloc[-WARMUP_ROWS:].reset_index(drop=True))
    assert np.isfinite(exactly_enough[NAMES].to_numpy(dtype=float)).all()


def test_latest_feature_row_needs_enough_history(market: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(ValidationFailed) as info:
        latest_feature_row(market["TINY"])
    assert info.value.code == "insufficient_history"
    assert info.value.details == {"needed": WARMUP_ROWS, "available": 30}
    with pytest.raises(ValidationFailed):
        latest_feature_row(market["SHORT"].iloc[: WARMUP_ROWS - 1])


def test_input_is_not_modified_and_missing_columns_are_rejected(
    market: dict[str, pd.DataFrame],
) -> None:
    candles = market["SHORT"]
    snapshot = candles.copy()
    compute_features(candles)
    compute_features_many({"S": candles})
    pd.testing.assert_frame_equal(candles, snapshot, check_exact=True)
    with pytest.raises(ValidationFailed) as info:
        compute_features(candles.drop(columns=["volume"]))
    assert "volume" in str(info.value)


def test_empty_and_tiny_inputs() -> None:
    empty = compute_features(_candles(np.array([1.0])).iloc[0:0])
    assert empty.empty and tuple(empty.columns) == OUTPUT_COLUMNS
    one = compute_features(_candles(np.array([5.0])))
    assert len(one) == 1 and np.isnan(one["ret_1d"].iloc[0])
    assert one["hl_range"].iloc[0] == pytest.approx(0.02)
