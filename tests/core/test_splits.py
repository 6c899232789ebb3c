"""Date-based time splits and walk-forward folds on pooled multi-symbol data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlplatform.core.splits import time_split, walk_forward_folds
from mlplatform.errors import ValidationFailed


def _pooled(n_dates: int, symbols: tuple[str, ...] = ("AAA", "BBB", "CCC")) -> pd.DataFrame:
    """Rows for each symbol on each business day, ordered by timestamp then symbol."""
    dates = pd.bdate_range("2023-01-02", periods=n_dates, tz="UTC")
    frame = pd.DataFrame(
        [(ts, sym) for ts in dates for sym in symbols], columns=["timestamp", "symbol"]
    )
    return frame


def _date_rank(frame: pd.DataFrame) -> np.ndarray:
    return np.unique(frame["timestamp"].to_numpy(), return_inverse=True)[1]


def test_time_split_is_by_date_with_embargo() -> None:
    frame = _pooled(100)
    ts = frame["timestamp"].to_numpy()
    train, test = time_split(ts, test_size=0.2, embargo=5)
    rank = _date_rank(frame)

    assert np.intersect1d(train, test).size == 0
    assert set(np.unique(rank[test])) == set(range(80, 100))  # latest 20% of dates
    assert rank[train].max() == 74  # 75..79 embargoed
    assert rank[train].max() < rank[test].min() - 5
    # every symbol of a date is on the same side
    assert len(train) == 75 * 3 and len(test) == 20 * 3
    dropped = np.setdiff1d(np.arange(len(frame)), np.concatenate([train, test]))
    assert set(rank[dropped]) == set(range(75, 80))
    assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)


def test_time_split_accepts_row_count_and_datetime64() -> None:
    train, test = time_split(50, test_size=0.1, embargo=2)
    assert train.tolist() == list(range(43))
    assert test.tolist() == list(range(45, 50))
    days = np.arange("2024-01-01", "2024-02-20", dtype="datetime64[D]")
    train_d, test_d = time_split(days, test_size=0.1, embargo=2)
    assert train_d.tolist() == train.tolist() and test_d.tolist() == test.tolist()


def test_time_split_does_not_need_sorted_rows() -> None:
    frame = _pooled(40).sample(frac=1.0, random_state=3).reset_index(drop=True)
    train, test = time_split(frame["timestamp"], test_size=0.25, embargo=3)
    ts = frame["timestamp"]
    assert ts.iloc[train].max() < ts.iloc[test].min()
    assert ts.iloc[test].nunique() == 10 and ts.iloc[train].nunique() == 27


def test_per_symbol_embargo_when_calendars_differ() -> None:
    frame = _pooled(60, symbols=("AAA", "BBB"))
    rank = _date_rank(frame)
    # BBB's exchange is closed on dates 45..47, inside AAA's embargo window
    frame = frame[~((frame["symbol"] == "BBB") & np.isin(rank, [45, 46, 47]))].reset_index(
        drop=True
    )
    rank = _date_rank(frame)
    train, test = time_split(frame["timestamp"], test_size=0.2, embargo=4, groups=frame["symbol"])
    # pooled: test = dates 48..59, embargo dates 44..47, train <= 43
    assert rank[test].min() == 48
    sym = frame["symbol"].to_numpy()
    for s in ("AAA", "BBB"):
        own_dates = np.unique(rank[sym == s])
        last_train = rank[train][sym[train] == s].max()
        own_between = np.sum((own_dates > last_train) & (own_dates < 48))
        assert own_between >= 4, s  # each symbol keeps `embargo` own dates of gap
    assert rank[train][sym[train] == "AAA"].max() == 43
    assert rank[train][sym[train] == "BBB"].max() == 40
    # without groups the pooled rule alone keeps BBB's date 41..43
    plain_train, _ = time_split(frame["timestamp"], test_size=0.2, embargo=4)
    assert rank[plain_train][sym[plain_train] == "BBB"].max() == 43


def test_time_split_rejects_bad_input() -> None:
    with pytest.raises(ValidationFailed, match="too few dates"):
        time_split(6, test_size=0.2, embargo=5)
    with pytest.raises(ValidationFailed, match="test_size"):
        time_split(100, test_size=1.0, embargo=1)
    with pytest.raises(ValidationFailed, match="embargo"):
        time_split(100, test_size=0.2, embargo=-1)
    with pytest.raises(ValidationFailed, match="NaT"):
        time_split(np.array(["2024-01-01", "NaT"], dtype="datetime64[D]"), test_size=0.5, embargo=0)
    with pytest.raises(ValidationFailed, match="groups"):
        time_split(10, test_size=0.2, embargo=1, groups=["A"] * 9)


def test_walk_forward_folds_expand_and_respect_embargo() -> None:
    frame = _pooled(120)
    rank = _date_rank(frame)
    folds = walk_forward_folds(frame["timestamp"], n_folds=4, embargo=5, min_train_share=0.5)
    assert len(folds) == 4
    previous_train = 0
    test_blocks = []
    for train, test in folds:
        assert np.intersect1d(train, test).size == 0
        assert rank[train].max() < rank[test].min() - 5
        assert rank[train].max() == rank[test].min() - 6  # nothing more than the embargo lost
        assert rank[train].min() == 0  # expanding: always starts at the first date
        assert len(train) > previous_train
        previous_train = len(train)
        test_blocks.append(np.unique(rank[test]))
    covered = np.concatenate(test_blocks)
    assert covered.tolist() == list(range(60, 120))  # consecutive, non-overlapping blocks
    assert [len(b) for b in test_blocks] == [15, 15, 15, 15]


def test_walk_forward_uneven_blocks_and_errors() -> None:
    folds = walk_forward_folds(np.arange(23), n_folds=3, embargo=0, min_train_share=0.5)
    sizes = [len(test) for _, test in folds]
    assert sum(sizes) == 11 and max(sizes) - min(sizes) <= 1
    assert folds[0][0].tolist() == list(range(12))
    with pytest.raises(ValidationFailed, match="need at least 12"):
        walk_forward_folds(np.arange(10), n_folds=6, embargo=0, min_train_share=0.5)
    with pytest.raises(ValidationFailed, match="n_folds"):
        walk_forward_folds(np.arange(10), n_folds=0, embargo=0)
    with pytest.raises(ValidationFailed, match="min_train_share"):
        walk_forward_folds(np.arange(10), n_folds=2, embargo=0, min_train_share=0.0)
