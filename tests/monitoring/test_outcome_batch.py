"""The vectorized frame scorer agrees with the one-outcome rule used for pending outcomes."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd

from mlplatform.errors import ExchangeUnavailable, UnknownSymbol
from monitoring.outcomes.batch import FRAME_COLUMNS, frame_score
from monitoring.outcomes.scoring import _Candles, hit_of, outcome_verdict


class Book:
    def __init__(self, books: dict) -> None:
        self.books = books

    def get(self, symbol: str, exchange: str):  # type: ignore[no-untyped-def]
        return self.books[symbol]


def test_frame_verdicts_equal_the_single_rule() -> None:
    rng = np.random.default_rng(3)
    days = pd.bdate_range("2025-01-01", periods=300, tz="UTC")
    stamps = days.as_unit("ns").asi8
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 300)))
    close[50] = close[45]  # a flat 5-day move: realized 0, hit None
    candles = _Candles(stamps=stamps, close=close)
    probes = np.concatenate(
        [
            stamps[rng.integers(0, 300, 200)],  # exact candles, some near the end (pending)
            stamps[[45, 295, 299]],
            [stamps[0] - 86_400 * 10**9],  # before the history
            [stamps[10] + 3600 * 10**9],  # between candles
            [stamps[-1] + 86_400 * 10**9],  # after the last candle
        ]
    )
    horizons = rng.choice([0, 1, 5, 20], size=probes.size)
    rows = [
        {
            "model_version": "v1",
            "source": "live",
            "symbol": ["AAA", "GONE", "DOWN"][i % 3] if i >= 180 else "AAA",
            "exchange": "NASDAQ",
            "candle_ns": int(ns),
            "horizon": int(h),
            "prediction": "HOLD",
            "expected_return": float(rng.normal(0, 0.01)) if i % 7 else 0.0,
            "probability_up": 0.5,
            "predicted_ns": int(ns),
            "log_id": i,
        }
        for i, (ns, h) in enumerate(zip(probes, horizons, strict=True))
    ]
    book = Book(
        {
            "AAA": candles,
            "GONE": UnknownSymbol("no AAA.csv"),
            "DOWN": ExchangeUnavailable("upstream down"),
        }
    )
    scored = frame_score(pd.DataFrame(rows, columns=list(FRAME_COLUMNS)), book)
    assert set(scored["status"]) == {"scored", "pending", "unscorable"}
    for row, (_, got) in zip(rows, scored.iterrows(), strict=True):
        moment = datetime.fromtimestamp(row["candle_ns"] / 1e9, tz=UTC)
        if row["horizon"] == 0:
            assert got["status"] == "unscorable" and got["reason"] == "unknown model version"
            continue
        want = outcome_verdict(book.get(row["symbol"], ""), moment, row["horizon"])
        assert got["status"] == want.status, row
        assert got["reason"] == want.reason
        if want.realized is not None:
            assert got["realized"] == want.realized  # the same float operations, bit for bit
            assert got["hit"] == hit_of(row["expected_return"], want.realized)
        else:
            assert np.isnan(got["realized"]) and got["hit"] is None


def test_column_adaptation_equals_djangos_per_value(db) -> None:
    from django.db import connection

    from monitoring.outcomes.batch import _adapted

    moments = pd.to_datetime(
        ["2026-11-20T00:00:00Z", "2026-11-20T16:30:05.25Z", "1999-01-02T03:04:05.000001Z"],
        utc=True,
        format="ISO8601",
    )
    got = _adapted(pd.Series(moments.as_unit("ns").asi8))
    want = [connection.ops.adapt_datetimefield_value(m) for m in moments.to_pydatetime()]
    assert got == want
