"""The ``synthetic`` market-data source: seeded, deterministic daily candles for any symbol.

The price model, per symbol (all parameters drawn from the symbol's own seed):

- business days only: weekends and three fixed holidays (1 Jan, 4 Jul, 25 Dec) are skipped;
- volatility = base level x regime multiplier x stochastic factor. Regimes (calm / normal /
  turbulent) switch after random, geometrically distributed durations; the stochastic factor is
  an AR(1) log-volatility plus a GARCH-like feedback term, an exponentially weighted average of
  *past* shock magnitudes, so large moves cluster;
- drift = a per-symbol long-run drift + a slowly mean-reverting trend + a regime tilt
  (turbulent regimes lean negative);
- shocks are Student-t (5 degrees of freedom, unit variance) for fat tails;
- open gaps from the previous close, high/low extend beyond the body by a volatility-scaled
  amount, so OHLC are consistent by construction;
- volume rises with the day's absolute shock and with the volatility level.

Optional, off by default (so the default series never change):

- ``factor_loading`` (rho in [0, 1)): correlated symbols. Each day's shock is
  ``sqrt(rho) * market + sqrt(1 - rho) * own``, where the market shock and the market regime
  path come from a generator seeded by ``seed`` alone (the same for every symbol with the same
  ``n_days``), so the GARCH-like feedback clusters volatility partly market-wide;
  ``common_regime=True`` (with rho > 0) also gives every symbol the market's regime path
  (calm / normal / turbulent at once, as in a crisis);
- ``shift_at`` with ``vol_multiplier`` and/or ``mean_shift_sd``: a change in the generating
  process from row ``shift_at`` on (for power tests): volatility times ``vol_multiplier``, and
  the daily log-return mean moved by ``mean_shift_sd`` conditional standard deviations (the
  day's pre-shift sigma).

Prices are rounded to 4 decimals and volumes to whole shares; rounding is monotone, so the OHLC
inequalities survive it. Everything is vectorized NumPy (``scipy.signal.lfilter`` runs the
recursions), so thousands of symbols x years of candles take well under a second or two.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from mlplatform.core.market_data.base import CandleSeries, lookback_check
from mlplatform.core.market_data.validation import validate_candles
from mlplatform.errors import ValidationFailed

TRADING_DAYS_PER_YEAR = 252
#: (month, day) holidays skipped every year, in addition to weekends.
FIXED_HOLIDAYS: tuple[tuple[int, int], ...] = ((1, 1), (7, 4), (12, 25))

# Regimes: (volatility multiplier, annualized drift tilt, mean duration in business days).
_REGIMES: tuple[tuple[float, float, float], ...] = (
    (0.7, 0.04, 160.0),  # calm
    (1.0, 0.00, 120.0),  # normal
    (2.2, -0.25, 35.0),  # turbulent
)
_REGIME_TRANSITIONS = np.array(
    [
        [0.0, 0.8, 0.2],
        [0.55, 0.0, 0.45],
        [0.3, 0.7, 0.0],
    ]
)
_REGIME_TRANSITION_CDF = np.cumsum(_REGIME_TRANSITIONS, axis=1)
_REGIME_START_CDF = np.cumsum([0.35, 0.5, 0.15])
_T_DOF = 5.0


def is_business_day(day: date) -> bool:
    """Monday to Friday and not one of ``FIXED_HOLIDAYS``."""
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


def last_business_day(on_or_before: date | None = None) -> date:
    """The latest business day on or before ``on_or_before`` (default: today, UTC)."""
    day = on_or_before or datetime.now(UTC).date()
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


@lru_cache(maxsize=64)
def business_days(end_date: date, n_days: int) -> pd.DatetimeIndex:
    """The last ``n_days`` business days up to and including ``end_date``, midnight UTC."""
    span = int(n_days * 7 / 5 * 1.05) + 30
    days = pd.date_range(end=pd.Timestamp(end_date), periods=span, freq="D")
    month_day = days.month * 100 + days.day
    holiday = np.isin(month_day, [month * 100 + day for month, day in FIXED_HOLIDAYS])
    keep = (days.day_of_week < 5) & ~holiday
    chosen = days[keep][-n_days:]
    return chosen.tz_localize("UTC").as_unit("ns")


def symbol_seed(symbol: str, seed: int = 0) -> int:
    """A stable 64-bit seed for ``symbol`` (SHA-256, unlike ``hash()`` which is salted)."""
    digest = hashlib.sha256(f"{int(seed)}:{symbol.strip().upper()}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _regime_path(rng: np.random.Generator, n_days: int) -> np.ndarray:
    """Regime index per day: a Markov chain over regimes with geometric durations."""
    states: list[int] = []
    lengths: list[int] = []
    state = int(np.searchsorted(_REGIME_START_CDF, rng.random(), side="right"))
    total = 0
    while total < n_days:
        length = int(rng.geometric(1.0 / _REGIMES[state][2]))
        states.append(state)
        lengths.append(length)
        total += length
        state = int(np.searchsorted(_REGIME_TRANSITION_CDF[state], rng.random(), side="right"))
    return np.repeat(np.array(states), np.array(lengths))[:n_days]


def _ar1(shocks: np.ndarray, phi: float) -> np.ndarray:
    """x_t = phi * x_{t-1} + shocks_t, starting from 0."""
    return lfilter([1.0], [1.0, -phi], shocks)


def generate_candles(
    symbol: str,
    *,
    n_days: int = 2520,
    end_date: date | None = None,
    seed: int = 0,
    start_price: float | None = None,
    factor_loading: float = 0.0,
    common_regime: bool = False,
    shift_at: int | None = None,
    vol_multiplier: float = 1.0,
    mean_shift_sd: float = 0.0,
) -> pd.DataFrame:
    """Deterministic daily candles for ``symbol`` (``CANDLE_COLUMNS``, valid by construction).

    The same ``(symbol, n_days, end_date, seed, start_price)`` always gives the same frame.
    ``end_date`` defaults to the last business day on or before today (UTC), and is moved back
    to a business day when it is not one. ``start_price`` defaults to a per-symbol price
    between 15 and 400. ``factor_loading``, ``shift_at``, ``vol_multiplier`` and
    ``mean_shift_sd`` are described in the module docstring.
    """
    if n_days < 1:
        raise ValidationFailed("n_days must be a positive integer", details={"n_days": n_days})
    if not 0.0 <= factor_loading < 1.0:
        raise ValidationFailed("factor_loading must be in [0, 1)")
    if not vol_multiplier > 0:
        raise ValidationFailed("vol_multiplier must be positive")
    end = last_business_day(end_date)
    rng = np.random.default_rng(symbol_seed(symbol, seed))

    # Per-symbol character.
    drawn_price = float(np.exp(rng.uniform(np.log(15.0), np.log(400.0))))
    price0 = drawn_price if start_price is None else float(start_price)
    if not price0 > 0:
        raise ValidationFailed("start_price must be positive", details={"start_price": price0})
    base_vol = rng.uniform(0.16, 0.42) / np.sqrt(TRADING_DAYS_PER_YEAR)
    long_drift = rng.normal(0.08, 0.05) / TRADING_DAYS_PER_YEAR
    base_volume = float(np.exp(rng.uniform(np.log(4e5), np.log(4e7))))

    regimes = _regime_path(rng, n_days)
    if factor_loading > 0:
        market_rng = np.random.default_rng(symbol_seed("__MARKET__", seed))
        market_regimes = _regime_path(market_rng, n_days)
        if common_regime:
            regimes = market_regimes
    regime_table = np.array(_REGIMES)
    regime_vol = regime_table[regimes, 0]
    regime_drift = regime_table[regimes, 1] / TRADING_DAYS_PER_YEAR

    z = rng.standard_t(_T_DOF, size=n_days) / np.sqrt(_T_DOF / (_T_DOF - 2.0))
    if factor_loading > 0:
        market_z = market_rng.standard_t(_T_DOF, size=n_days) / np.sqrt(_T_DOF / (_T_DOF - 2.0))
        z = np.sqrt(factor_loading) * market_z + np.sqrt(1.0 - factor_loading) * z
    log_vol_noise = _ar1(rng.normal(0.0, 0.06, size=n_days), 0.97)
    # GARCH-like clustering: yesterday's (and earlier) shock sizes raise today's volatility.
    shock_size = np.abs(z) - np.sqrt(2.0 / np.pi)
    feedback = np.concatenate(([0.0], lfilter([0.12], [1.0, -0.9], shock_size)[:-1]))
    sigma = base_vol * regime_vol * np.exp(log_vol_noise + feedback)

    shift_mean = np.zeros(n_days)
    if shift_at is not None and 0 <= shift_at < n_days:
        shift_mean[shift_at:] = mean_shift_sd * sigma[shift_at:]
        sigma = sigma.copy()
        sigma[shift_at:] *= vol_multiplier

    trend = _ar1(rng.normal(0.0, 0.25 / TRADING_DAYS_PER_YEAR * 0.07, size=n_days), 0.995)
    log_returns = long_drift + regime_drift + trend + shift_mean - 0.5 * sigma**2 + sigma * z
    close = price0 * np.exp(np.cumsum(log_returns))

    gaps = rng.normal(0.0, 1.0, size=n_days) * 0.25 * sigma
    previous_close = np.concatenate(([price0], close[:-1]))
    open_ = previous_close * np.exp(gaps)
    body_high = np.maximum(open_, close)
    body_low = np.minimum(open_, close)
    high = body_high * np.exp(np.abs(rng.normal(0.0, 0.6, size=n_days)) * sigma)
    low = body_low * np.exp(-np.abs(rng.normal(0.0, 0.6, size=n_days)) * sigma)

    log_volume = (
        np.log(base_volume)
        + 0.45 * (np.abs(z) - 0.8)
        + 0.8 * np.log(sigma / base_vol)
        + _ar1(rng.normal(0.0, 0.05, size=n_days), 0.98)
        + rng.normal(0.0, 0.18, size=n_days)
    )
    volume = np.round(np.exp(log_volume))

    def price(values: np.ndarray) -> np.ndarray:
        return np.round(np.maximum(values, 0.01), 4)

    return pd.DataFrame(
        {
            "timestamp": business_days(end, n_days),
            "open": price(open_),
            "high": price(high),
            "low": price(low),
            "close": price(close),
            "volume": volume,
        }
    )


class SyntheticSource:
    """Generated candles for any symbol; always fresh (the series ends on the last business day).

    ``symbols`` is only what ``list_symbols`` reports; every other symbol works too.
    """

    name = "synthetic"

    def __init__(
        self,
        seed: int = 0,
        n_days: int = 2520,
        end_date: date | None = None,
        *,
        symbols: Sequence[str] = (),
        freshness_limit: timedelta = timedelta(days=4),
    ) -> None:
        self.seed = seed
        self.n_days = n_days
        self.end_date = end_date
        self.symbols = [symbol.strip().upper() for symbol in symbols]
        self.freshness_limit = freshness_limit
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, date], pd.DataFrame] = {}

    def __repr__(self) -> str:
        return f"SyntheticSource(seed={self.seed}, n_days={self.n_days})"

    def list_symbols(self) -> list[str]:
        return list(self.symbols)

    def _candles(self, symbol: str) -> pd.DataFrame:
        end = last_business_day(self.end_date)
        key = (symbol, end)
        with self._lock:
            cached = self._cache.get(key)
        if cached is None:
            raw = generate_candles(symbol, n_days=self.n_days, end_date=end, seed=self.seed)
            cached, _ = validate_candles(raw, origin=f"synthetic:{symbol}")
            with self._lock:
                if len(self._cache) >= 512:
                    self._cache.clear()
                self._cache[key] = cached
        return cached

    def get_candles(
        self, symbol: str, *, exchange: str | None = None, lookback: int | None = None
    ) -> CandleSeries:
        """The latest ``lookback`` generated candles of ``symbol`` (all ``n_days`` when None)."""
        lookback_check(lookback)
        key = symbol.strip().upper()
        if not key:
            raise ValidationFailed("symbol must not be empty", details={"symbol": symbol})
        candles = self._candles(key)
        if lookback is not None:
            candles = candles.iloc[-lookback:]
        return CandleSeries(
            symbol=key,
            exchange=(exchange or "SYNTHETIC").upper(),
            candles=candles.reset_index(drop=True).copy(),
            source=self.name,
        )
