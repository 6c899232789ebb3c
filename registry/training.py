"""The honest training pipeline (DESIGN section 3), free of database writes.

``training_run_pipeline`` loads candles per symbol, computes features with the core function
shared with serving, builds the forward-return target ``close[t+h] / close[t] - 1``, splits by
*date* (latest ``test_size`` share validates, ``horizon`` embargo dates dropped in between, no
shuffling), runs expanding walk-forward CV on the training dates, fits ridge through
``RidgeAccumulator`` one symbol chunk at a time (memory stays O(features)), and scores the model
and the baselines on train and validation. Registration is the caller's job
(``registry.services.train_model``).

Before features, each symbol's candles pass the outlier rule (``core.sanity``): one-day glitches
are quarantined, a symbol with an unreverted extreme jump is skipped; both are reported in
``split``. The walk-forward folds' out-of-fold predictions fit the calibration map
(``core.calibration``) that turns a predicted return into ``probability_up``; validation then
reports skill against the best baseline with 90% block-bootstrap intervals, calibration and
signals (``registry.evaluation``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings

from mlplatform.core import evaluation as core_evaluation
from mlplatform.core import features as core_features
from mlplatform.core.calibration import calibration_fit
from mlplatform.core.drift import build_reference, calibrate_reference
from mlplatform.core.market_data.base import MarketDataSource
from mlplatform.core.metrics import evaluate
from mlplatform.core.model import LinearModel, RidgeAccumulator
from mlplatform.core.sanity import candles_sanitize
from mlplatform.core.splits import time_split, walk_forward_folds
from mlplatform.core.symbols import SYMBOL_RE
from mlplatform.errors import AppError, ValidationFailed
from registry.evaluation import honest_metrics

ProgressCallback = Callable[[str, int], None]
POLICIES = ("if_better", "always", "never")
MAX_TRAIN_SYMBOLS = 5000


@dataclass(frozen=True)
class TrainingParams:
    """Validated training configuration (every field has a settings default)."""

    symbols: tuple[str, ...]
    lookback: int
    horizon: int
    test_size: float
    cv_folds: int
    alpha: float
    activation_policy: str
    volatility_window: int = core_features.DEFAULT_VOLATILITY_WINDOW
    exchange: str | None = None

    def as_config(self) -> dict[str, Any]:
        return {
            "symbols": list(self.symbols),
            "lookback": self.lookback,
            "horizon_days": self.horizon,
            "test_size": self.test_size,
            "cv_folds": self.cv_folds,
            "alpha": self.alpha,
            "activation_policy": self.activation_policy,
            "volatility_window": self.volatility_window,
            "exchange": self.exchange,
            "embargo_days": self.horizon,
            "target": f"forward_return_{self.horizon}d = close[t+{self.horizon}]/close[t]-1",
            "feature_version": core_features.FEATURE_VERSION,
        }


def _int_param(params: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = params.get(key, default)
    if value is None:
        value = default
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationFailed(f"{key} must be an integer", details={key: value})
    try:
        number = int(value)
    except ValueError:
        raise ValidationFailed(f"{key} must be an integer", details={key: value}) from None
    if not low <= number <= high:
        raise ValidationFailed(f"{key} must be between {low} and {high}", details={key: number})
    return number


def _symbols_param(raw: Any) -> tuple[str, ...]:
    if raw is None:
        raw = list(settings.TRAIN_SYMBOLS)
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, (list, tuple)):
        raise ValidationFailed("symbols must be a list of symbols", details={"symbols": raw})
    symbols: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            raise ValidationFailed("symbols must be strings", details={"symbols": raw})
        symbol = item.strip().upper()
        if not symbol:
            continue
        if not SYMBOL_RE.match(symbol):
            raise ValidationFailed(f"invalid symbol {item!r}", details={"symbol": item})
        if symbol not in symbols:
            symbols.append(symbol)
    if not symbols:
        raise ValidationFailed("at least one symbol is needed to train", details={"symbols": raw})
    if len(symbols) > MAX_TRAIN_SYMBOLS:
        raise ValidationFailed(f"at most {MAX_TRAIN_SYMBOLS} symbols per training run")
    return tuple(symbols)


def training_params_resolve(params: dict[str, Any] | None = None) -> TrainingParams:
    """Merge request/CLI overrides over the ``TRAIN_*`` settings; raises ``ValidationFailed``."""
    params = dict(params or {})
    known = {
        "symbols",
        "lookback",
        "horizon",
        "test_size",
        "cv_folds",
        "alpha",
        "activation_policy",
        "volatility_window",
        "exchange",
    }
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValidationFailed(f"unknown training parameter(s): {', '.join(unknown)}")
    warmup_floor = core_features.warmup_rows() + 60
    lookback = _int_param(params, "lookback", settings.TRAIN_LOOKBACK, warmup_floor, 100_000)
    horizon = _int_param(params, "horizon", settings.TRAIN_HORIZON_DAYS, 1, 252)
    cv_folds = _int_param(params, "cv_folds", settings.TRAIN_CV_FOLDS, 2, 20)
    volatility_window = _int_param(
        params, "volatility_window", core_features.DEFAULT_VOLATILITY_WINDOW, 2, 252
    )
    try:
        test_size = float(params.get("test_size", settings.TRAIN_TEST_SIZE))
        alpha = float(params.get("alpha", settings.TRAIN_RIDGE_ALPHA))
    except (TypeError, ValueError):
        raise ValidationFailed("test_size and alpha must be numbers") from None
    if not 0 < test_size < 0.9:
        raise ValidationFailed("test_size must be in (0, 0.9)", details={"test_size": test_size})
    if not (math.isfinite(alpha) and alpha >= 0):
        raise ValidationFailed("alpha must be a finite number >= 0", details={"alpha": alpha})
    policy = str(params.get("activation_policy") or settings.TRAIN_ACTIVATION_POLICY).lower()
    if policy not in POLICIES:
        raise ValidationFailed(
            f"activation_policy must be one of {', '.join(POLICIES)}", details={"policy": policy}
        )
    exchange = params.get("exchange")
    if exchange is not None and not (isinstance(exchange, str) and exchange.strip()):
        raise ValidationFailed("exchange must be a non-empty string")
    return TrainingParams(
        symbols=_symbols_param(params.get("symbols")),
        lookback=lookback,
        horizon=horizon,
        test_size=test_size,
        cv_folds=cv_folds,
        alpha=alpha,
        activation_policy=policy,
        volatility_window=volatility_window,
        exchange=exchange.strip().upper() if isinstance(exchange, str) else None,
    )


@dataclass
class Dataset:
    """Per-symbol chunks of the pooled dataset; row order = symbol order, then time."""

    symbols: list[str]
    X: list[np.ndarray]  # per symbol (n_s, k) feature rows with a defined target
    y: list[np.ndarray]  # per symbol (n_s,) forward returns
    dates: np.ndarray  # pooled datetime64[D] per row
    groups: np.ndarray  # pooled symbol code per row
    window: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    quarantined: list[dict[str, Any]] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return int(self.dates.shape[0])

    def offsets(self) -> list[tuple[int, int]]:
        out, start = [], 0
        for chunk in self.y:
            out.append((start, start + chunk.shape[0]))
            start += chunk.shape[0]
        return out


@dataclass(frozen=True)
class TrainingResult:
    params: TrainingParams
    model: LinearModel
    training_metrics: dict[str, Any]
    validation_metrics: dict[str, Any]
    cv_metrics: dict[str, Any]
    residual_std: float
    drift_reference: dict[str, Any]
    dataset_window: dict[str, Any]
    split: dict[str, Any]
    feature_names: tuple[str, ...]
    feature_schema_hash: str
    #: The champion (the active version when training began) scored on this run's validation
    #: rows, when it was given: ``{"version", "rmse", "skill", "rows"}``.
    champion_validation: dict[str, Any] | None = None
    #: The calibration map (``core.calibration.CalibrationMap.to_dict()``) serving uses.
    calibration: dict[str, Any] = field(default_factory=dict)

    @property
    def config(self) -> dict[str, Any]:
        """The version's stored training config: parameters, split report, calibration map."""
        return {**self.params.as_config(), "split": self.split, "calibration": self.calibration}


def _noop(stage: str, percent: int) -> None:
    return None


def dataset_build(
    *, params: TrainingParams, source: MarketDataSource, progress: ProgressCallback = _noop
) -> Dataset:
    """Candles -> features -> (X, y) per symbol. A symbol that fails is skipped and reported."""
    names = list(core_features.FEATURE_NAMES)
    h = params.horizon
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    dates: list[np.ndarray] = []
    symbols: list[str] = []
    window: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    quarantined: list[dict[str, Any]] = []
    total = len(params.symbols)
    for index, symbol in enumerate(params.symbols):
        try:
            series = source.get_candles(symbol, exchange=params.exchange, lookback=params.lookback)
        except AppError as exc:
            skipped[symbol] = f"{exc.code}: {exc.message}"
            continue
        origin, offset = _origin(source, symbol, len(series.candles))
        sane = candles_sanitize(series.candles, symbol=symbol, origin=origin, row_offset=offset)
        if sane.skip_reason is not None:
            skipped[symbol] = sane.skip_reason
            continue
        quarantined.extend(sane.quarantined)
        frame = core_features.compute_features(
            sane.candles, volatility_window=params.volatility_window
        )
        close = frame["close"].to_numpy(dtype=np.float64)
        target = np.full(close.shape[0], np.nan)
        if close.shape[0] > h:
            target[:-h] = close[h:] / close[:-h] - 1.0
        matrix = frame[names].to_numpy(dtype=np.float64)
        keep = np.isfinite(matrix).all(axis=1) & np.isfinite(target)
        if not keep.any():
            skipped[symbol] = (
                f"no usable rows: {len(frame)} candles, need more than "
                f"{core_features.warmup_rows(params.volatility_window) + h}"
            )
            continue
        stamps = pd.DatetimeIndex(pd.to_datetime(frame["timestamp"], utc=True))
        day_keys = stamps.tz_convert(None).to_numpy().astype("datetime64[D]")[keep]
        xs.append(np.ascontiguousarray(matrix[keep]))
        ys.append(target[keep])
        dates.append(day_keys)
        symbols.append(symbol)
        window[symbol] = {
            "rows": int(keep.sum()),
            "candles": len(frame),
            "first_date": str(day_keys[0]),
            "last_date": str(day_keys[-1]),
        }
        progress("loading_data", 5 + int(35 * (index + 1) / max(total, 1)))
    if not symbols:
        raise ValidationFailed(
            "no symbol produced training rows", code="insufficient_data", details=skipped
        )

    groups = np.concatenate(
        [np.full(chunk.shape[0], code, dtype=np.int64) for code, chunk in enumerate(ys)]
    )
    return Dataset(
        symbols=symbols,
        X=xs,
        y=ys,
        dates=np.concatenate(dates),
        groups=groups,
        window=window,
        skipped=skipped,
        quarantined=quarantined,
    )


def _origin(source: MarketDataSource, symbol: str, loaded: int) -> tuple[str, int]:
    """Where a symbol's rows come from, for messages: the CSV file name and how many of its
    data rows precede the loaded (lookback) window, so a row number points into the file."""
    path_for = getattr(source, "path_for", None)
    if callable(path_for):
        try:
            name = str(path_for(symbol).name)
            total = len(source.get_candles(symbol).candles)  # parsed once, cached by the source
            return name, max(total - loaded, 0)
        except AppError:
            pass
    return f"{getattr(source, 'name', 'source')}:{symbol}", 0


def _mask(n: int, index: np.ndarray) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[index] = True
    return mask


def fit_chunked(
    dataset: Dataset, mask: np.ndarray, *, alpha: float, feature_names: Sequence[str]
) -> LinearModel:
    """Ridge fit over the masked rows, fed to the accumulator one symbol chunk at a time."""
    acc = RidgeAccumulator(len(feature_names), feature_names=feature_names)
    for (start, stop), X, y in zip(dataset.offsets(), dataset.X, dataset.y, strict=True):
        chunk = mask[start:stop]
        if chunk.any():
            acc.add(X[chunk], y[chunk])
    return acc.fit(alpha)


def predict_chunked(
    dataset: Dataset, mask: np.ndarray, model: LinearModel
) -> tuple[np.ndarray, np.ndarray]:
    """(y_true, y_pred) over the masked rows, in pooled row order."""
    truths, preds = [], []
    for (start, stop), X, y in zip(dataset.offsets(), dataset.X, dataset.y, strict=True):
        chunk = mask[start:stop]
        if chunk.any():
            truths.append(y[chunk])
            preds.append(model.predict(X[chunk]))
    if not truths:
        return np.empty(0), np.empty(0)
    return np.concatenate(truths), np.concatenate(preds)


def _masked_mean(dataset: Dataset, mask: np.ndarray) -> float:
    total, count = 0.0, 0
    for (start, stop), y in zip(dataset.offsets(), dataset.y, strict=True):
        chunk = y[mask[start:stop]]
        total += float(chunk.sum())
        count += int(chunk.shape[0])
    return total / count if count else 0.0


def _pooled(dates: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The per-row dates of the masked rows, in the same pooled order as ``predict_chunked``."""
    return dates[mask]


def _date_range(dates: np.ndarray, mask: np.ndarray) -> dict[str, Any]:
    picked = dates[mask]
    if picked.size == 0:
        return {"rows": 0, "first_date": None, "last_date": None}
    return {
        "rows": int(picked.size),
        "dates": int(np.unique(picked).size),
        "first_date": str(picked.min()),
        "last_date": str(picked.max()),
    }


def drift_reference_build(
    dataset: Dataset, mask: np.ndarray, feature_names: Sequence[str]
) -> dict[str, Any]:
    """``core.drift.build_reference`` on the training rows, one feature column at a time, plus
    its ``calibration`` (``core.drift.calibrate_reference``: the null law of the KS statistic
    for monitoring-like windows of the training period, per symbol and pooled).

    Gathering a single column keeps the extra memory to one float per training row instead of
    a second copy of the whole training matrix.
    """
    merged: dict[str, Any] | None = None
    for j, name in enumerate(feature_names):
        column = np.concatenate(
            [
                X[mask[start:stop], j]
                for (start, stop), X in zip(dataset.offsets(), dataset.X, strict=True)
            ]
        )
        part = build_reference(column.reshape(-1, 1), [name], seed=j)
        if merged is None:
            merged = {**part, "feature_names": list(feature_names), "features": {}}
        merged["features"][name] = part["features"][name]
    assert merged is not None
    blocks = [
        (dataset.dates[start:stop][mask[start:stop]], X[mask[start:stop]])
        for (start, stop), X in zip(dataset.offsets(), dataset.X, strict=True)
    ]
    merged["calibration"] = calibrate_reference(merged, blocks)
    return merged


def training_run_pipeline(
    *,
    params: TrainingParams,
    source: MarketDataSource,
    progress: ProgressCallback = _noop,
    champion: tuple[str, LinearModel] | None = None,
) -> TrainingResult:
    """Run the whole pipeline and return everything a version stores (no registration).

    ``champion`` is ``(version, model)`` of the version to beat, built on the same feature
    layout and horizon: it is scored on this run's validation rows, so a policy compares the
    two models on identical data rather than each on its own.
    """
    names = tuple(core_features.FEATURE_NAMES)
    progress("loading_data", 2)
    dataset = dataset_build(params=params, source=source, progress=progress)
    n = dataset.n_rows

    progress("splitting", 42)
    train_idx, test_idx = time_split(
        dataset.dates, test_size=params.test_size, embargo=params.horizon, groups=dataset.groups
    )
    train_mask, test_mask = _mask(n, train_idx), _mask(n, test_idx)

    # Walk-forward CV on the training rows only: the validation block stays untouched.
    folds = walk_forward_folds(
        dataset.dates[train_idx],
        n_folds=params.cv_folds,
        embargo=params.horizon,
        groups=dataset.groups[train_idx],
    )
    fold_reports: list[dict[str, Any]] = []
    oof_true: list[np.ndarray] = []
    oof_pred: list[np.ndarray] = []
    for number, (fold_train, fold_test) in enumerate(folds, start=1):
        fit_mask = _mask(n, train_idx[fold_train])
        eval_mask = _mask(n, train_idx[fold_test])
        fold_model = fit_chunked(dataset, fit_mask, alpha=params.alpha, feature_names=names)
        y_true, y_pred = predict_chunked(dataset, eval_mask, fold_model)
        oof_true.append(y_true)
        oof_pred.append(y_pred)
        scores = evaluate(y_true, y_pred, train_mean=_masked_mean(dataset, fit_mask))
        fold_reports.append(
            {
                "fold": number,
                "train": _date_range(dataset.dates, fit_mask),
                "test": _date_range(dataset.dates, eval_mask),
                "rmse": scores["model"]["rmse"],
                "ic": scores["model"]["ic"],
                "directional_accuracy": scores["model"]["directional_accuracy"],
                "rmse_zero_baseline": scores["baseline_zero"]["rmse"],
                "rmse_mean_baseline": scores["baseline_mean"]["rmse"],
                "skill": scores["skill"],
                "skill_vs": scores["skill_vs"],
            }
        )
        progress("cross_validation", 45 + int(30 * number / len(folds)))

    def _mean(key: str) -> float | None:
        values = [f[key] for f in fold_reports if f[key] is not None]
        return float(np.mean(values)) if values else None

    cv_metrics = {
        "n_folds": len(fold_reports),
        "scheme": "walk_forward_expanding",
        "embargo_days": params.horizon,
        "mean_rmse": _mean("rmse"),
        "mean_skill": _mean("skill"),
        "mean_ic": _mean("ic"),
        "folds": fold_reports,
    }

    progress("fitting", 78)
    model = fit_chunked(dataset, train_mask, alpha=params.alpha, feature_names=names)
    train_mean = _masked_mean(dataset, train_mask)

    progress("evaluating", 82)
    y_train, p_train = predict_chunked(dataset, train_mask, model)
    y_val, p_val = predict_chunked(dataset, test_mask, model)
    majority = core_evaluation.majority_direction(y_train)
    base_rate = core_evaluation.base_rate(y_train)
    calibration = calibration_fit(
        np.concatenate(oof_pred),
        np.concatenate(oof_true),
        base_rate=0.5 if base_rate is None else base_rate,
        train_mean=train_mean,
    )
    del oof_true, oof_pred
    # in-sample: the point metrics and baselines only (calibration and intervals are a
    # validation matter, DESIGN section 3)
    training_metrics = evaluate(y_train, p_train, train_mean=train_mean, majority=majority)
    validation_metrics = honest_metrics(
        y_val,
        p_val,
        _pooled(dataset.dates, test_mask),
        train_mean=train_mean,
        majority=majority,
        horizon=params.horizon,
        calibration=calibration,
    )
    champion_validation = None
    if champion is not None:
        label, champion_model = champion
        _, p_champion = predict_chunked(dataset, test_mask, champion_model)
        scores = evaluate(y_val, p_champion, train_mean=train_mean, majority=majority)
        champion_validation = {
            "version": label,
            "rmse": scores["model"]["rmse"],
            "skill": scores["skill"],
            "rows": y_val.size,
        }
    residuals = y_val - p_val
    residual_std = float(np.std(residuals, ddof=1)) if residuals.size > 1 else float("nan")
    if not math.isfinite(residual_std) or residual_std <= 0:
        residual_std = float(np.std(y_train - p_train)) or 1e-6
    del y_train, p_train, y_val, p_val, residuals

    progress("drift_reference", 88)
    drift_reference = drift_reference_build(dataset, train_mask, names)

    split = {
        "rows": n,
        "skipped_symbols": dataset.skipped,
        "quarantined_rows": dataset.quarantined,
        "outlier_rule": (
            "per symbol: a one-day log return beyond 10 MADs reverted by more than half the "
            "next day is quarantined; an unreverted jump beyond 10 MADs and 5x skips the symbol"
        ),
        "train": _date_range(dataset.dates, train_mask),
        "validation": _date_range(dataset.dates, test_mask),
        "embargo_days": params.horizon,
        "test_size": params.test_size,
        "shuffled": False,
    }
    return TrainingResult(
        params=params,
        model=model,
        training_metrics=training_metrics,
        validation_metrics=validation_metrics,
        cv_metrics=cv_metrics,
        residual_std=residual_std,
        drift_reference=drift_reference,
        dataset_window=dataset.window,
        split=split,
        feature_names=names,
        feature_schema_hash=core_features.feature_schema_hash(params.volatility_window),
        champion_validation=champion_validation,
        calibration=calibration.to_dict(),
    )
