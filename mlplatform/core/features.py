"""Feature engineering: the one deterministic, vectorized function shared by training and serving.

``compute_features(candles)`` returns one row per candle: ``timestamp``, ``close`` and the
``FEATURE_NAMES`` columns. Row ``t`` uses candles ``<= t`` only. Definitions (``c`` close,
``h`` high, ``l`` low, ``v`` volume; windows end at and include row ``t``):

============  ===============================================================================
ret_1d        ``c[t] / c[t-1] - 1``
ret_5d        ``c[t] / c[t-5] - 1``
ret_20d       ``c[t] / c[t-20] - 1``
ma_gap        ``c[t] / SMA20(c)[t] - 1``
volatility    sample std (ddof=1) of daily log returns ``log(c[t]/c[t-1])`` over the last
              ``volatility_window`` returns; not annualized
zscore_20     ``(c[t] - SMA20(c)[t]) / std20(c)[t]`` (ddof=1); 0 when the window is flat
drawdown      ``c[t] / max(c over the last 252 rows) - 1`` (the "52-week high"; a bounded
              window rather than the all-time high, so the value does not depend on how much
              history the caller happened to load)
rsi_14        Wilder's RSI: average gain/loss seeded with the simple mean of the first 14
              changes, then ``avg = 13/14 * avg + 1/14 * x``; ``100 * gain / (gain + loss)``,
              50 when both are 0; always within [0, 100]
volume_z      ``(v[t] - SMA20(v)[t]) / std20(v)[t]`` (ddof=1); 0 when the window is flat
hl_range      ``(h[t] - l[t]) / c[t]``
============  ===============================================================================

Rows before a feature's window is full are NaN; ``WARMUP_ROWS`` candles are needed before the
first fully defined row (rows ``0 .. WARMUP_ROWS-2`` contain NaN). Every feature except rsi_14
then depends only on the last ``DRAWDOWN_WINDOW`` candles; rsi_14's exponential memory fades by
13/14 per row, i.e. below 1e-8 after WARMUP_ROWS rows.

Bit-identical results: the computation uses only element-wise IEEE operations (window sums are
accumulated oldest-to-newest by shifted adds, never by ``sum``/``mean`` reductions whose
summation order depends on array shape), exact ``maximum``, contiguous ``log``/``sqrt`` and a
per-row ``lfilter`` recursion. So a symbol's features are the same bits whether computed alone,
in a batch (``compute_features_many``), or with more future candles appended.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from mlplatform.errors import ValidationFailed

FEATURE_VERSION = "1"
FEATURE_NAMES: tuple[str, ...] = (
    "ret_1d",
    "ret_5d",
    "ret_20d",
    "ma_gap",
    "volatility",
    "zscore_20",
    "drawdown",
    "rsi_14",
    "volume_z",
    "hl_range",
)
OUTPUT_COLUMNS: tuple[str, ...] = ("timestamp", "close", *FEATURE_NAMES)

RETURN_WINDOWS: tuple[int, ...] = (1, 5, 20)
MA_WINDOW = 20
ZSCORE_WINDOW = 20
DRAWDOWN_WINDOW = 252
RSI_WINDOW = 14
VOLUME_WINDOW = 20
DEFAULT_VOLATILITY_WINDOW = 20
#: A window whose std is below this fraction of its mean counts as flat (z-score 0): it guards
#: against dividing rounding noise by rounding noise.
FLAT_TOLERANCE = 1e-10

_REQUIRED_COLUMNS: tuple[str, ...] = ("timestamp", "high", "low", "close", "volume")
_BATCH_CHUNK = 64  # symbols per kernel call: keeps the temporaries cache-sized


def _check_window(volatility_window: int) -> None:
    if isinstance(volatility_window, bool) or not isinstance(volatility_window, (int, np.integer)):
        raise ValidationFailed("volatility_window must be an integer")
    if volatility_window < 2:
        raise ValidationFailed(
            "volatility_window must be at least 2",
            details={"volatility_window": int(volatility_window)},
        )


def warmup_rows(volatility_window: int = DEFAULT_VOLATILITY_WINDOW) -> int:
    """Candles needed before the first row with every feature defined."""
    _check_window(volatility_window)
    return max(
        DRAWDOWN_WINDOW,
        max(RETURN_WINDOWS) + 1,
        MA_WINDOW,
        ZSCORE_WINDOW,
        VOLUME_WINDOW,
        RSI_WINDOW + 1,
        volatility_window + 1,
    )


#: Candles needed before the first fully defined row, for the default volatility window.
WARMUP_ROWS = warmup_rows()


def feature_schema_hash(volatility_window: int = DEFAULT_VOLATILITY_WINDOW) -> str:
    """SHA-256 (hex) of the canonical feature specification; stored with every model version."""
    _check_window(volatility_window)
    spec = {
        "feature_version": FEATURE_VERSION,
        "features": list(FEATURE_NAMES),
        "windows": {
            "returns": list(RETURN_WINDOWS),
            "ma_gap": MA_WINDOW,
            "volatility": int(volatility_window),
            "zscore_20": ZSCORE_WINDOW,
            "drawdown": DRAWDOWN_WINDOW,
            "rsi_14": RSI_WINDOW,
            "volume_z": VOLUME_WINDOW,
        },
    }
    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- element-wise window helpers on (n_symbols, n_rows) arrays ----------------------------------


def _nan_like(x: np.ndarray) -> np.ndarray:
    return np.full(x.shape, np.nan)


def _lag(x: np.ndarray, k: int) -> np.ndarray:
    """``out[:, t] = x[:, t-k]`` (NaN for ``t < k``)."""
    out = _nan_like(x)
    if k < x.shape[1]:
        out[:, k:] = x[:, : x.shape[1] - k]
    return out


def _rolling_sum(x: np.ndarray, w: int) -> np.ndarray:
    """Sum of ``x[:, t-w+1 .. t]``, added oldest to newest (NaN until the window is full)."""
    out = _nan_like(x)
    n = x.shape[1] - w + 1
    if n <= 0:
        return out
    acc = x[:, 0:n].copy()
    for k in range(1, w):
        acc += x[:, k : k + n]
    out[:, w - 1 :] = acc
    return out


def _rolling_std(x: np.ndarray, mean: np.ndarray, w: int) -> np.ndarray:
    """Sample std (ddof=1) of ``x[:, t-w+1 .. t]`` around the window's ``mean[:, t]``."""
    out = _nan_like(x)
    n = x.shape[1] - w + 1
    if n <= 0:
        return out
    centre = mean[:, w - 1 :]
    deviation = x[:, 0:n] - centre
    acc = deviation * deviation
    for k in range(1, w):
        deviation = x[:, k : k + n] - centre
        acc += deviation * deviation
    out[:, w - 1 :] = np.sqrt(acc / (w - 1))
    return out


def _rolling_max(x: np.ndarray, w: int) -> np.ndarray:
    """Max of ``x[:, t-w+1 .. t]`` by doubling (max is exact, so any grouping gives equal bits)."""
    span = 1
    level = x.copy()  # level[:, t] = max of x[:, t-span+1 .. t]
    while span * 2 <= w:
        level = np.maximum(level, _lag(level, span))
        span *= 2
    if span < w:
        level = np.maximum(level, _lag(level, w - span))
    level[:, : w - 1] = np.nan
    return level


def _zscore(x: np.ndarray, w: int) -> np.ndarray:
    mean = _rolling_sum(x, w) / w
    std = _rolling_std(x, mean, w)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (x - mean) / std
    z[std <= FLAT_TOLERANCE * np.abs(mean)] = 0.0
    return z


def _wilder_average(x: np.ndarray, w: int) -> np.ndarray:
    """Wilder smoothing of ``x`` (values at rows 1..); seeded at row ``w`` by the simple mean."""
    rows = x.shape[1]
    out = _nan_like(x)
    if rows <= w:
        return out
    seed = _rolling_sum(x[:, 1 : w + 1], w)[:, -1] / w
    out[:, w] = seed
    if rows > w + 1:
        decay = (w - 1) / w
        tail = np.ascontiguousarray(x[:, w + 1 :])
        initial = (decay * seed)[:, np.newaxis]
        out[:, w + 1 :], _ = lfilter([1.0 / w], [1.0, -decay], tail, axis=1, zi=initial)
    return out


def _feature_block(
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    volume: np.ndarray,
    volatility_window: int,
) -> np.ndarray:
    """Features of ``n`` equal-length symbols: ``(n, rows)`` arrays -> ``(n_features, n, rows)``."""
    previous = _lag(close, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        returns = {k: close / _lag(close, k) - 1.0 for k in RETURN_WINDOWS}
        sma = _rolling_sum(close, MA_WINDOW) / MA_WINDOW
        ma_gap = close / sma - 1.0

        log_returns = np.log(np.ascontiguousarray(close / previous))
        lr_mean = _rolling_sum(log_returns, volatility_window) / volatility_window
        volatility = _rolling_std(log_returns, lr_mean, volatility_window)

        zscore = _zscore(close, ZSCORE_WINDOW)
        drawdown = close / _rolling_max(close, DRAWDOWN_WINDOW) - 1.0

        change = close - previous
        gain = _wilder_average(np.maximum(change, 0.0), RSI_WINDOW)
        loss = _wilder_average(np.maximum(-change, 0.0), RSI_WINDOW)
        total = gain + loss
        rsi = 100.0 * gain / total
        rsi[total == 0.0] = 50.0

        volume_z = _zscore(volume, VOLUME_WINDOW)
        hl_range = (high - low) / close

    by_name = {
        "ret_1d": returns[1],
        "ret_5d": returns[5],
        "ret_20d": returns[20],
        "ma_gap": ma_gap,
        "volatility": volatility,
        "zscore_20": zscore,
        "drawdown": drawdown,
        "rsi_14": rsi,
        "volume_z": volume_z,
        "hl_range": hl_range,
    }
    return np.stack([by_name[name] for name in FEATURE_NAMES])


def _columns(candles: pd.DataFrame) -> tuple[np.ndarray, ...]:
    missing = [column for column in _REQUIRED_COLUMNS if column not in candles.columns]
    if missing:
        raise ValidationFailed(
            f"candles are missing column(s) {', '.join(missing)}",
            details={"missing_columns": missing},
        )
    return tuple(
        candles[column].to_numpy(dtype="float64", na_value=np.nan)
        for column in ("high", "low", "close", "volume")
    )


def _frame(candles: pd.DataFrame, close: np.ndarray, features: np.ndarray) -> pd.DataFrame:
    values = np.empty((len(close), 1 + len(FEATURE_NAMES)))
    values[:, 0] = close
    values[:, 1:] = features.T
    frame = pd.DataFrame(values, columns=list(OUTPUT_COLUMNS[1:]))
    frame.insert(0, "timestamp", candles["timestamp"].reset_index(drop=True))
    return frame


def compute_features(
    candles: pd.DataFrame, *, volatility_window: int = DEFAULT_VOLATILITY_WINDOW
) -> pd.DataFrame:
    """Features for validated candles (``CANDLE_COLUMNS``, ascending), one row per candle.

    Returns columns ``timestamp``, ``close`` then ``FEATURE_NAMES`` (float64) with a RangeIndex;
    warm-up rows contain NaN. Deterministic to the bit.
    """
    _check_window(volatility_window)
    high, low, close, volume = _columns(candles)
    block = _feature_block(
        high[np.newaxis], low[np.newaxis], close[np.newaxis], volume[np.newaxis], volatility_window
    )
    return _frame(candles, close, block[:, 0, :])


def compute_features_many(
    frames: Mapping[str, pd.DataFrame], *, volatility_window: int = DEFAULT_VOLATILITY_WINDOW
) -> dict[str, pd.DataFrame]:
    """``compute_features`` for many symbols at once, bit-identical to the one-symbol path.

    Symbols with the same number of candles are stacked and computed together, which is what
    makes this fast (one NumPy pass per chunk instead of one per symbol).
    """
    _check_window(volatility_window)
    columns = {symbol: _columns(candles) for symbol, candles in frames.items()}
    by_length: dict[int, list[str]] = {}
    for symbol, arrays in columns.items():
        by_length.setdefault(len(arrays[2]), []).append(symbol)

    results: dict[str, pd.DataFrame] = {}
    for symbols in by_length.values():
        for start in range(0, len(symbols), _BATCH_CHUNK):
            chunk = symbols[start : start + _BATCH_CHUNK]
            stacked = [np.stack([columns[s][i] for s in chunk]) for i in range(4)]
            block = _feature_block(*stacked, volatility_window)
            for row, symbol in enumerate(chunk):
                results[symbol] = _frame(frames[symbol], columns[symbol][2], block[:, row, :])
    return {symbol: results[symbol] for symbol in frames}


def latest_feature_row(
    candles: pd.DataFrame, *, volatility_window: int = DEFAULT_VOLATILITY_WINDOW
) -> pd.Series:
    """The last row whose features are all defined (``timestamp``, ``close``, features).

    Raises ``ValidationFailed`` (code ``insufficient_history``) when there are fewer than
    ``warmup_rows(volatility_window)`` candles or no row is fully defined.
    """
    needed = warmup_rows(volatility_window)
    if len(candles) < needed:
        raise ValidationFailed(
            f"need at least {needed} candles to compute features, got {len(candles)}",
            code="insufficient_history",
            details={"needed": needed, "available": len(candles)},
        )
    features = compute_features(candles, volatility_window=volatility_window)
    defined = np.isfinite(features[list(FEATURE_NAMES)].to_numpy()).all(axis=1)
    if not defined.any():
        raise ValidationFailed(
            "no candle row has every feature defined",
            code="insufficient_history",
            details={"needed": needed, "available": len(candles)},
        )
    return features.iloc[int(np.flatnonzero(defined)[-1])]
