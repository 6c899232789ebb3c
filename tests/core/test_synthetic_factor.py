"""The synthetic generator's optional common market factor and injected changes."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from mlplatform.core.market_data.synthetic import generate_candles
from mlplatform.errors import ValidationFailed

END = date(2024, 12, 31)


def _log_returns(frame: pd.DataFrame) -> np.ndarray:
    return np.diff(np.log(frame["close"].to_numpy()))


def test_defaults_leave_the_series_unchanged() -> None:
    plain = generate_candles("AAPL", n_days=400, end_date=END, seed=3)
    explicit = generate_candles(
        "AAPL", n_days=400, end_date=END, seed=3, factor_loading=0.0, vol_multiplier=1.0
    )
    pd.testing.assert_frame_equal(plain, explicit, check_exact=True)


def test_factor_loading_correlates_symbols() -> None:
    def correlation(rho: float) -> float:
        a = _log_returns(generate_candles("AAA", n_days=1500, end_date=END, factor_loading=rho))
        b = _log_returns(generate_candles("BBB", n_days=1500, end_date=END, factor_loading=rho))
        return float(np.corrcoef(a, b)[0, 1])

    assert abs(correlation(0.0)) < 0.1
    assert 0.35 < correlation(0.5) < 0.65


def test_common_regime_makes_volatility_move_together() -> None:
    def vol_correlation(common: bool) -> float:
        vols = []
        for symbol in ("AAA", "BBB"):
            frame = generate_candles(
                symbol, n_days=2000, end_date=END, factor_loading=0.2, common_regime=common
            )
            vols.append(pd.Series(_log_returns(frame)).rolling(60).std().dropna().to_numpy())
        return float(np.corrcoef(vols[0], vols[1])[0, 1])

    assert vol_correlation(True) > vol_correlation(False) + 0.2


def test_shift_changes_only_the_rows_after_it() -> None:
    base = generate_candles("AAPL", n_days=1200, end_date=END, factor_loading=0.3)
    vol = generate_candles(
        "AAPL", n_days=1200, end_date=END, factor_loading=0.3, shift_at=800, vol_multiplier=2.0
    )
    mean = generate_candles(
        "AAPL", n_days=1200, end_date=END, factor_loading=0.3, shift_at=800, mean_shift_sd=1.0
    )
    pd.testing.assert_frame_equal(base.iloc[:800], vol.iloc[:800], check_exact=True)
    pd.testing.assert_frame_equal(base.iloc[:800], mean.iloc[:800], check_exact=True)
    before, after = _log_returns(base)[800:], _log_returns(vol)[800:]
    assert after.std() / before.std() == pytest.approx(2.0, rel=0.05)
    shifted = _log_returns(mean)[800:] - before
    # the added mean is one conditional sd a day: on average about the returns' own sd
    assert shifted.mean() == pytest.approx(before.std(), rel=0.35)


@pytest.mark.parametrize(
    "kwargs", [{"factor_loading": 1.0}, {"factor_loading": -0.1}, {"vol_multiplier": 0.0}]
)
def test_bad_parameters_are_rejected(kwargs: dict) -> None:
    with pytest.raises(ValidationFailed):
        generate_candles("AAPL", n_days=10, end_date=END, **kwargs)
