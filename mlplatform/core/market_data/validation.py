"""Candle validation shared by every market-data source (DESIGN section 2).

``validate_candles`` turns a raw frame into the canonical candle frame (``CANDLE_COLUMNS``:
``timestamp`` as ``datetime64[ns, UTC]``, the rest ``float64``, RangeIndex) or raises
``InvalidMarketData`` naming the origin, the first bad row and the rule it breaks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from mlplatform.core.market_data.base import CANDLE_COLUMNS
from mlplatform.errors import InvalidMarketData

PRICE_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close")
VALUE_COLUMNS: tuple[str, ...] = (*PRICE_COLUMNS, "volume")


def empty_candles() -> pd.DataFrame:
    """An empty frame with the canonical candle columns and dtypes."""
    frame = pd.DataFrame({column: pd.Series(dtype="float64") for column in CANDLE_COLUMNS})
    frame["timestamp"] = pd.Series(dtype="datetime64[ns, UTC]")
    return frame


def _to_utc_timestamps(values: pd.Series) -> pd.Series:
    """Parse to ``datetime64[ns, UTC]``; naive values are taken as UTC, failures become NaT."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        parsed = values.dt.tz_convert("UTC")
    elif pd.api.types.is_datetime64_dtype(values.dtype):
        parsed = values.dt.tz_localize("UTC")
    else:
        parsed = pd.to_datetime(values, utc=True, errors="coerce", format="ISO8601")
    return parsed.astype("datetime64[ns, UTC]")


def _describe_date(timestamp: pd.Timestamp | None) -> str:
    if timestamp is None or pd.isna(timestamp):
        return "no date"
    if timestamp == timestamp.normalize():
        return timestamp.strftime("%Y-%m-%d")
    return timestamp.isoformat()


def validate_candles(
    df: pd.DataFrame,
    *,
    origin: str,
    row_numbers: Sequence[int] | None = None,
) -> tuple[pd.DataFrame, int]:
    """Validate and normalize raw candles; return ``(candles, dropped_rows)``.

    ``df`` needs the columns of ``CANDLE_COLUMNS`` (extra columns are ignored). Timestamps may
    be datetimes (naive ones are read as UTC) or ISO 8601 strings; values may be numbers or
    numeric strings. Every row must satisfy, in this order of reporting:

    1. the timestamp is present and parseable;
    2. open, high, low, close and volume are finite numbers;
    3. open, high, low and close are positive;
    4. volume is non-negative;
    5. ``high >= max(open, close, low)``;
    6. ``low <= min(open, close, high)``;
    7. timestamps are strictly ascending.

    Repair rule (the only one): a row identical in every candle column to the row directly
    before it is dropped and counted in ``dropped_rows`` (exports often repeat the last line).
    Any other violation - including a repeated timestamp with different values, or rows out of
    order - raises ``InvalidMarketData`` whose message names ``origin``, the first bad row
    (1-based data row number and its date) and the rule; ``details`` carries the same fields.

    ``row_numbers`` gives the 1-based row number to report for each row (default: position + 1),
    for callers that reordered rows before validating.
    """
    missing = [column for column in CANDLE_COLUMNS if column not in df.columns]
    if missing:
        raise InvalidMarketData(
            f"{origin}: missing column(s) {', '.join(missing)}",
            details={"origin": origin, "missing_columns": missing},
        )
    n_rows = len(df)
    if n_rows == 0:
        return empty_candles(), 0
    numbers = (
        np.arange(1, n_rows + 1) if row_numbers is None else np.asarray(row_numbers, dtype=int)
    )
    if len(numbers) != n_rows:
        raise ValueError("row_numbers must have one entry per row")

    timestamps = _to_utc_timestamps(df["timestamp"].reset_index(drop=True))
    values = {
        column: pd.to_numeric(df[column].reset_index(drop=True), errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
        for column in VALUE_COLUMNS
    }
    o, h, lo, c, v = (values[column] for column in VALUE_COLUMNS)
    stamp_ns = pd.DatetimeIndex(timestamps).asi8  # ns since epoch; NaT is the minimum int64
    with np.errstate(invalid="ignore"):
        finite = np.column_stack([np.isfinite(values[column]) for column in VALUE_COLUMNS])
        # A row identical to the one before it (the repair rule); NaN never compares equal.
        duplicate = np.zeros(n_rows, dtype=bool)
        duplicate[1:] = stamp_ns[1:] == stamp_ns[:-1]
        for column in VALUE_COLUMNS:
            duplicate[1:] &= values[column][1:] == values[column][:-1]
        duplicate &= timestamps.notna().to_numpy()

        kept = np.flatnonzero(~duplicate)
        not_ascending = np.zeros(n_rows, dtype=bool)
        kept_ns = stamp_ns[kept]
        not_ascending[kept[1:]] = kept_ns[1:] <= kept_ns[:-1]

        checks: list[tuple[np.ndarray, str]] = [
            (timestamps.isna().to_numpy(), "timestamp is missing or not a valid date"),
            (~finite.all(axis=1), "open, high, low, close and volume must be finite numbers"),
            ((np.column_stack([o, h, lo, c]) <= 0).any(axis=1), "prices must be positive"),
            (v < 0, "volume must be non-negative"),
            (h < np.maximum(np.maximum(o, c), lo), "high must be >= max(open, close, low)"),
            (lo > np.minimum(np.minimum(o, c), h), "low must be <= min(open, close, high)"),
            (not_ascending, "timestamps must be strictly ascending"),
        ]
    bad_any = np.zeros(n_rows, dtype=bool)
    for mask, _ in checks:
        bad_any |= mask
    if bad_any.any():
        position = int(np.flatnonzero(bad_any)[0])
        rule = next(message for mask, message in checks if mask[position])
        row_number = int(numbers[position])
        date = _describe_date(timestamps.iloc[position])
        raw = {column: df[column].iloc[position] for column in CANDLE_COLUMNS}
        raise InvalidMarketData(
            f"{origin}: data row {row_number} ({date}): {rule}",
            details={
                "origin": origin,
                "row": row_number,
                "date": date,
                "rule": rule,
                "values": {key: str(value) for key, value in raw.items()},
            },
        )

    candles = pd.DataFrame(
        {"timestamp": timestamps.iloc[kept].reset_index(drop=True)}
        | {column: values[column][kept] for column in VALUE_COLUMNS}
    )
    return candles, int(duplicate.sum())
