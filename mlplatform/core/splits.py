"""Time-ordered train/validation splits for a pooled, multi-symbol dataset.

Splits are made on *dates*, never on row positions: every symbol's rows of one date land on the
same side, so a validation date is never seen in training through another symbol. Between the
last training date and the first validation date, ``embargo`` dates are dropped: with an
``h``-day forward-return target and ``embargo >= h``, no training target overlaps a validation
target.

Dates are the distinct values of the timestamps truncated to calendar days (UTC). With
``groups`` (the symbol of each row), the embargo is also enforced per symbol on its *own*
trading dates: a symbol that did not trade on some embargo dates (another exchange's holiday)
loses its extra trailing training rows, because its forward target counts its own rows.

All functions return sorted ``int`` index arrays into the input.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from mlplatform.errors import ValidationFailed


def _date_keys(timestamps: Any) -> np.ndarray:
    """Sortable per-row date keys: ``datetime64[D]`` for times, the integers for int keys."""
    if isinstance(timestamps, (int, np.integer)):
        if int(timestamps) < 0:
            raise ValidationFailed("n_rows must be >= 0")
        return np.arange(int(timestamps), dtype=np.int64)
    arr = np.asarray(timestamps)
    if arr.ndim != 1:
        raise ValidationFailed(f"timestamps must be 1-D, got shape {arr.shape}")
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64)
    if arr.dtype.kind == "M":
        if np.isnat(arr).any():
            raise ValidationFailed("timestamps contain NaT")
        return arr.astype("datetime64[D]")
    if arr.dtype.kind in "OUS":
        try:
            index = pd.DatetimeIndex(pd.to_datetime(arr, utc=True))
        except (TypeError, ValueError) as exc:
            raise ValidationFailed(f"timestamps are not datetimes: {exc}") from exc
        if index.hasnans:
            raise ValidationFailed("timestamps contain missing values")
        return index.tz_convert(None).to_numpy().astype("datetime64[D]")
    raise ValidationFailed(f"unsupported timestamp dtype {arr.dtype}")


def _group_codes(groups: Any, n_rows: int) -> np.ndarray:
    codes = pd.factorize(np.asarray(groups).reshape(-1))[0]
    if codes.shape[0] != n_rows:
        raise ValidationFailed(f"groups has {codes.shape[0]} values for {n_rows} rows")
    if (codes < 0).any():
        raise ValidationFailed("groups contain missing values")
    return codes.astype(np.int64)


def _check_embargo(embargo: int) -> int:
    if int(embargo) != embargo or embargo < 0:
        raise ValidationFailed(f"embargo must be a whole number of dates >= 0, got {embargo}")
    return int(embargo)


class _Calendar:
    """Each row's rank among the distinct dates, and (optionally) per-group date positions."""

    def __init__(self, timestamps: Any, groups: Any = None) -> None:
        keys = _date_keys(timestamps)
        self.dates, self.rank = np.unique(keys, return_inverse=True)
        self.n_rows = keys.shape[0]
        self.group_pos: np.ndarray | None = None
        if groups is not None and self.n_rows:
            codes = _group_codes(groups, self.n_rows)
            n_dates = max(len(self.dates), 1)
            pair = codes * n_dates + self.rank
            self._pairs, pair_inverse = np.unique(pair, return_inverse=True)
            pair_group = self._pairs // n_dates
            self._group_start = np.searchsorted(pair_group, np.arange(codes.max() + 1))
            self._codes, self._n_dates = codes, n_dates
            # position of the row's date among its own group's distinct dates
            self.group_pos = np.arange(len(self._pairs))[pair_inverse] - self._group_start[codes]

    @property
    def n_dates(self) -> int:
        return len(self.dates)

    def train_mask(self, train_end: int, test_start: int, embargo: int) -> np.ndarray:
        """Rows dated before rank ``train_end``, honouring the per-group embargo if known."""
        mask = self.rank < train_end
        if self.group_pos is not None:
            # rows of the group dated before the first test date = its first test position
            first_test_pos = (
                np.searchsorted(self._pairs, self._codes * self._n_dates + test_start)
                - self._group_start[self._codes]
            )
            mask &= self.group_pos < first_test_pos - embargo
        return mask

    def test_mask(self, start: int, stop: int) -> np.ndarray:
        return (self.rank >= start) & (self.rank < stop)


def time_split(
    timestamps: Any, *, test_size: float, embargo: int, groups: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Split rows into (train_idx, test_idx) by date with an embargo gap.

    ``timestamps`` is a per-row array (``datetime64``, tz-aware pandas values, or integer date
    keys), or an ``int`` row count meaning one row per date in order. The validation set is the
    latest ``ceil(test_size * n_dates)`` dates; the ``embargo`` dates before it are dropped;
    every earlier date trains.
    """
    if not (isinstance(test_size, (int, float)) and 0 < test_size < 1):
        raise ValidationFailed(
            f"test_size must be a share strictly between 0 and 1, got {test_size}"
        )
    embargo = _check_embargo(embargo)
    cal = _Calendar(timestamps, groups)
    n_dates = cal.n_dates
    n_test = math.ceil(test_size * n_dates)
    n_train = n_dates - n_test - embargo
    if n_test < 1 or n_train < 1:
        raise ValidationFailed(
            f"too few dates for a time split: {n_dates} distinct dates, need at least "
            f"{embargo + 2} (one train date, {embargo} embargo dates, one validation date)",
            details={"dates": n_dates, "embargo": embargo, "test_size": test_size},
        )
    test_start = n_dates - n_test
    train = np.flatnonzero(cal.train_mask(n_train, test_start, embargo))
    test = np.flatnonzero(cal.test_mask(test_start, n_dates))
    if train.size == 0:
        raise ValidationFailed("the embargo leaves no training rows")
    return train, test


def _first_test_date(n_dates: int, min_train_share: float, embargo: int) -> int:
    # at least one training date must survive the embargo before the first test block
    return max(math.ceil(min_train_share * n_dates), embargo + 1)


def walk_forward_folds(
    timestamps: Any,
    *,
    n_folds: int,
    embargo: int,
    min_train_share: float = 0.5,
    groups: Any = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Expanding-window folds: ``[(train_idx, test_idx), ...]`` oldest first.

    The first ``ceil(min_train_share * n_dates)`` dates only ever train. The remaining dates are
    cut into ``n_folds`` consecutive test blocks (sizes differ by at most one date); fold ``k``
    trains on every date before its block minus the ``embargo`` dates just before it. To keep a
    holdout untouched, pass only the training rows' timestamps (indices are then relative to
    that subset).
    """
    if int(n_folds) != n_folds or n_folds < 1:
        raise ValidationFailed(f"n_folds must be a whole number >= 1, got {n_folds}")
    if not (isinstance(min_train_share, (int, float)) and 0 < min_train_share < 1):
        raise ValidationFailed(
            f"min_train_share must be strictly between 0 and 1, got {min_train_share}"
        )
    n_folds = int(n_folds)
    embargo = _check_embargo(embargo)
    cal = _Calendar(timestamps, groups)
    n_dates = cal.n_dates
    first_test = _first_test_date(n_dates, min_train_share, embargo)
    if n_dates - first_test < n_folds:
        needed = n_dates + 1
        while needed - _first_test_date(needed, min_train_share, embargo) < n_folds:
            needed += 1
        raise ValidationFailed(
            f"too few dates for {n_folds} walk-forward folds: {n_dates} distinct dates with "
            f"min_train_share={min_train_share} and embargo={embargo}; need at least {needed}",
            details={"dates": n_dates, "n_folds": n_folds, "embargo": embargo},
        )
    folds: list[tuple[np.ndarray, np.ndarray]] = []
    for block in np.array_split(np.arange(first_test, n_dates), n_folds):
        start, stop = int(block[0]), int(block[-1]) + 1
        train = np.flatnonzero(cal.train_mask(start - embargo, start, embargo))
        if train.size == 0:
            raise ValidationFailed("the embargo leaves no training rows in a walk-forward fold")
        folds.append((train, np.flatnonzero(cal.test_mask(start, stop))))
    return folds
