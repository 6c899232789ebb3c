"""Data sanity before fitting: the per-symbol outlier rule for daily candles.

Validation (``market_data.validation``) already rejects impossible candles; this catches
*plausible-looking* bad rows that would dominate a squared-error fit (one 100x spike took
pooled validation skill to -169%). On the close-to-close log returns ``r_t = ln(c_t / c_{t-1})``
of one symbol, with the *local* robust scale ``s_t = 1.4826 * median |r - median(r)|`` over the
``LOCAL_WINDOW`` (63) returns centred on ``t`` (floored at ``1e-4``; local, so a turbulent
month is judged against its own volatility, not a calm decade's; moves below
``SCREEN_SHARE * MAD_MULTIPLE`` = 2.4 global robust stds are never flagged, which lets the rule
compute local scales only for the few candidate rows):

- **one-day glitch** — ``|r_t| > MAD_MULTIPLE * s_t`` (12) *and* the next day gives back more
  than half of it (``r_{t+1}`` has the opposite sign and ``|r_t + r_{t+1}| <= 0.5 |r_t|``).
  The row ``t`` is quarantined (dropped before features are computed; the next return then
  compares ``c_{t+1}`` with ``c_{t-1}``). A 100x spike is the extreme case of this.
- **extreme jump on the last row** — ``|r_t| > MAD_MULTIPLE * s`` and ``|r_t| > ln 5`` with no
  next day to confirm it: quarantined too (a 5x move in a day is far likelier bad data).
- **level shift** — an extreme jump (``|r_t| > MAD_MULTIPLE * s`` and ``|r_t| > ln 5``) that
  is *not* reverted: no single row is wrong, the history is (typically an unadjusted split);
  the whole symbol is skipped with a message, because dropping a row cannot repair it.

Genuine large moves (a -20% crash day, a +50% meme squeeze) are not reverted the next day, are
far below a 5x move, and stay. Multi-day glitches are not detected by this rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

MAD_MULTIPLE = 12.0
LOCAL_WINDOW = 63
SCREEN_SHARE = 0.2
EXTREME_LOG_MOVE = math.log(5.0)
REVERT_SHARE = 0.5
MAD_FLOOR = 1e-4
_MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class SanityReport:
    """The cleaned candles, what was quarantined (one message per row), or why to skip."""

    candles: pd.DataFrame
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    skip_reason: str | None = None


def candles_sanitize(
    candles: pd.DataFrame, *, symbol: str, origin: str = "", row_offset: int = 0
) -> SanityReport:
    """Apply the outlier rule to one symbol's candles (``CANDLE_COLUMNS`` frame, ascending).

    ``origin`` names where the rows came from (e.g. ``AAPL.csv``) for the messages. Each
    quarantined row is ``{"symbol", "origin", "row", "date", "close", "rule", "message"}`` with
    ``row`` the 1-based data row in the origin: the position in ``candles`` plus ``row_offset``
    (the rows of the origin before the loaded window, e.g. when a lookback trims a file).
    """
    close = candles["close"].to_numpy(dtype=np.float64)
    n = close.shape[0]
    where = origin or symbol
    if n < 3 or not (close > 0).all():
        return SanityReport(candles)
    r = np.diff(np.log(close))  # r[i] is the return into row i + 1
    med = float(np.median(r))
    deviation = np.abs(r - med)
    # Screen first, then compute the local scale only where it can matter: a row whose move is
    # below SCREEN_SHARE * MAD_MULTIPLE global robust stds is never flagged (the local scale
    # is taken to be at least SCREEN_SHARE of the global one). Exact local medians for every
    # row cost ~9 ms per 10-year symbol; this costs well under 1 ms.
    global_scale = max(_MAD_TO_SIGMA * float(np.median(deviation)), MAD_FLOOR)
    candidates = np.flatnonzero(np.abs(r) > SCREEN_SHARE * MAD_MULTIPLE * global_scale)
    if candidates.size == 0:
        return SanityReport(candles)
    half = LOCAL_WINDOW // 2
    scale = np.full(r.shape[0], np.inf)
    for i in candidates:
        local = float(np.median(deviation[max(0, i - half) : i + half + 1]))
        scale[i] = max(_MAD_TO_SIGMA * local, MAD_FLOOR)
    big = np.abs(r) > MAD_MULTIPLE * scale
    if not big.any():
        return SanityReport(candles)
    stamps = pd.DatetimeIndex(candles["timestamp"])
    drop: list[int] = []
    quarantined: list[dict[str, Any]] = []

    def _entry(row: int, rule: str, message: str) -> dict[str, Any]:
        return {
            "symbol": symbol,
            "origin": where,
            "row": row + 1 + row_offset,
            "date": str(stamps[row].date()),
            "close": float(close[row]),
            "rule": rule,
            "message": message,
        }

    for i in np.flatnonzero(big):
        row = int(i) + 1
        if row - 1 in drop:
            continue  # the return out of a glitch already quarantined
        jump = float(r[i])
        ratio = math.exp(jump)
        head = (
            f"{where}: row {row + 1 + row_offset} ({stamps[row].date()}) close {close[row]:.6g} is "
            f"{ratio:.3g}x the previous close {close[row - 1]:.6g} "
            f"({abs(jump) / scale[i]:.0f} local MADs of this symbol's daily log returns)"
        )
        if i + 1 < r.shape[0]:
            nxt = float(r[i + 1])
            if np.sign(nxt) == -np.sign(jump) and abs(jump + nxt) <= REVERT_SHARE * abs(jump):
                drop.append(row)
                quarantined.append(
                    _entry(row, "glitch", f"{head} and the next day gives it back: quarantined")
                )
                continue
            if abs(jump) > EXTREME_LOG_MOVE:
                return SanityReport(
                    candles,
                    skip_reason=(
                        f"{head} and the price stays there (a level shift, e.g. an unadjusted "
                        "split): fix or adjust the history; symbol skipped"
                    ),
                )
        elif abs(jump) > EXTREME_LOG_MOVE:
            drop.append(row)
            quarantined.append(
                _entry(row, "extreme_last_row", f"{head} on the last row: quarantined")
            )
    if not drop:
        return SanityReport(candles)
    keep = np.ones(n, dtype=bool)
    keep[drop] = False
    return SanityReport(candles.loc[keep].reset_index(drop=True), quarantined=quarantined)
