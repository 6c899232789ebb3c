"""Ridge linear regression in closed form, on standardized features, with a free intercept.

The objective is the one scikit-learn's ``Ridge(alpha, fit_intercept=True)`` minimises on
features standardized with population moments (ddof=0)::

    min_{w, b}  sum_i (y_i - b - z_i . w)^2 + alpha * ||w||^2,   z = (x - mean) / std

Training streams rows through :class:`RidgeAccumulator` chunk by chunk (one symbol at a time),
so memory is O(features^2), never O(rows). The accumulator keeps *centered* moments merged
with Chan's parallel update, which stays accurate when features carry large offsets (prices,
volumes) where raw ``X^T X`` would cancel catastrophically.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlplatform.errors import ValidationFailed

MODEL_TYPE = "ridge_linear"
_EPS = float(np.finfo(np.float64).eps)


def _as_matrix(X: Any, n_features: int, what: str = "X") -> np.ndarray:
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim == 1 and n_features == arr.shape[0]:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.shape[1] != n_features:
        raise ValidationFailed(
            f"{what} must be a 2-D array with {n_features} columns, got shape {arr.shape}"
        )
    return arr


def _constant_mask(var: np.ndarray, mean: np.ndarray, n: int) -> np.ndarray:
    """Features whose variance is indistinguishable from rounding noise around their mean."""
    # Centering a constant column in float64 can leave ~eps*|mean| residues; treat those as 0.
    return var <= (n * _EPS * np.abs(mean)) ** 2


class RidgeAccumulator:
    """Streaming sufficient statistics for ridge regression.

    ``add`` merges each chunk's count, means and centered cross-products (``Sxx``, ``Sxy``,
    ``Syy``) into the running totals in float64; ``fit`` solves the standardized normal
    equations. Rows with a non-finite value are rejected rather than silently dropped, because
    the caller owns the choice of which rows make the dataset.
    """

    def __init__(self, n_features: int, *, feature_names: Sequence[str] | None = None) -> None:
        if int(n_features) < 1:
            raise ValidationFailed("n_features must be at least 1")
        self.n_features = int(n_features)
        if feature_names is not None and len(feature_names) != self.n_features:
            raise ValidationFailed(
                f"feature_names has {len(feature_names)} names for {self.n_features} features"
            )
        self.feature_names: tuple[str, ...] = (
            tuple(str(name) for name in feature_names)
            if feature_names is not None
            else tuple(f"x{i}" for i in range(self.n_features))
        )
        self.n = 0
        self.mean_x = np.zeros(self.n_features)
        self.mean_y = 0.0
        self.sxx = np.zeros((self.n_features, self.n_features))
        self.sxy = np.zeros(self.n_features)
        self.syy = 0.0

    def add(self, X: Any, y: Any) -> RidgeAccumulator:
        """Merge one chunk of rows (``X`` is ``(n, n_features)``, ``y`` is ``(n,)``)."""
        X = _as_matrix(X, self.n_features)
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        if y.shape[0] != X.shape[0]:
            raise ValidationFailed(f"X has {X.shape[0]} rows but y has {y.shape[0]}")
        m = X.shape[0]
        if m == 0:
            return self
        if not (np.isfinite(X).all() and np.isfinite(y).all()):
            raise ValidationFailed("X and y must be finite (drop NaN/inf rows before fitting)")

        chunk_mean_x = X.mean(axis=0)
        chunk_mean_y = float(y.mean())
        xc = X - chunk_mean_x
        yc = y - chunk_mean_y
        self._combine(m, chunk_mean_x, chunk_mean_y, xc.T @ xc, xc.T @ yc, float(yc @ yc))
        return self

    def merge(self, other: RidgeAccumulator) -> RidgeAccumulator:
        """Fold another accumulator's rows into this one (e.g. chunks summarised in parallel)."""
        if other.n_features != self.n_features:
            raise ValidationFailed("cannot merge accumulators with different feature counts")
        if other.n:
            self._combine(other.n, other.mean_x, other.mean_y, other.sxx, other.sxy, other.syy)
        return self

    def _combine(
        self,
        m: int,
        mean_x: np.ndarray,
        mean_y: float,
        sxx: np.ndarray,
        sxy: np.ndarray,
        syy: float,
    ) -> None:
        """Chan et al.'s pairwise update of count, means and centered cross-products."""
        if self.n == 0:
            self.n, self.mean_x, self.mean_y = m, mean_x.copy(), float(mean_y)
            self.sxx, self.sxy, self.syy = sxx.copy(), sxy.copy(), float(syy)
            return
        n = self.n + m
        dx = mean_x - self.mean_x
        dy = mean_y - self.mean_y
        weight = self.n * m / n
        self.sxx = self.sxx + sxx + weight * np.outer(dx, dx)
        self.sxy = self.sxy + sxy + weight * dx * dy
        self.syy = self.syy + syy + weight * dy * dy
        self.mean_x = self.mean_x + dx * (m / n)
        self.mean_y = self.mean_y + dy * (m / n)
        self.n = n

    @property
    def stds(self) -> np.ndarray:
        """Population standard deviations; 1.0 for (numerically) constant features."""
        if self.n == 0:
            return np.ones(self.n_features)
        var = np.clip(np.diag(self.sxx) / self.n, 0.0, None)
        std = np.sqrt(var)
        std[_constant_mask(var, self.mean_x, self.n)] = 1.0
        return std

    def fit(self, alpha: float) -> LinearModel:
        """Solve the ridge normal equations on the standardized, centered statistics."""
        alpha = float(alpha)
        if not math.isfinite(alpha) or alpha < 0:
            raise ValidationFailed(f"alpha must be a finite number >= 0, got {alpha}")
        if self.n == 0:
            raise ValidationFailed("cannot fit a model on zero rows")
        std = self.stds
        var = np.clip(np.diag(self.sxx) / self.n, 0.0, None)
        constant = _constant_mask(var, self.mean_x, self.n)
        # A constant column carries only rounding residue; zero it so it gets coefficient 0.
        sxx = self.sxx.copy()
        sxy = self.sxy.copy()
        sxx[constant, :] = 0.0
        sxx[:, constant] = 0.0
        sxy[constant] = 0.0
        gram = sxx / np.outer(std, std)
        gram[np.diag_indices_from(gram)] += alpha
        rhs = sxy / std
        try:
            coef = np.linalg.solve(gram, rhs)
        except np.linalg.LinAlgError as exc:
            raise ValidationFailed(
                "the ridge system is singular; use alpha > 0 or drop collinear features"
            ) from exc
        return LinearModel(
            feature_names=self.feature_names,
            coefficients=coef,
            intercept=float(self.mean_y),
            means=self.mean_x.copy(),
            stds=std,
            alpha=alpha,
            n_samples=self.n,
        )


def _frozen_vector(values: Any, length: int, name: str) -> np.ndarray:
    arr = np.array(values, dtype=np.float64).reshape(-1)
    if arr.shape[0] != length:
        raise ValidationFailed(f"{name} has {arr.shape[0]} values for {length} features")
    if not np.isfinite(arr).all():
        raise ValidationFailed(f"{name} must be finite")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class LinearModel:
    """A fitted ridge model. Coefficients apply to standardized features ``(x - means) / stds``."""

    feature_names: tuple[str, ...]
    coefficients: np.ndarray
    intercept: float
    means: np.ndarray
    stds: np.ndarray
    alpha: float
    n_samples: int = 0

    def __post_init__(self) -> None:
        names = tuple(str(name) for name in self.feature_names)
        if not names:
            raise ValidationFailed("a model needs at least one feature")
        if len(set(names)) != len(names):
            raise ValidationFailed("feature names must be unique")
        k = len(names)
        object.__setattr__(self, "feature_names", names)
        object.__setattr__(
            self, "coefficients", _frozen_vector(self.coefficients, k, "coefficients")
        )
        object.__setattr__(self, "means", _frozen_vector(self.means, k, "means"))
        stds = _frozen_vector(self.stds, k, "stds")
        if (stds <= 0).any():
            raise ValidationFailed("stds must be positive")
        object.__setattr__(self, "stds", stds)
        intercept = float(self.intercept)
        alpha = float(self.alpha)
        if not (math.isfinite(intercept) and math.isfinite(alpha) and alpha >= 0):
            raise ValidationFailed("intercept must be finite and alpha finite and >= 0")
        object.__setattr__(self, "intercept", intercept)
        object.__setattr__(self, "alpha", alpha)
        object.__setattr__(self, "n_samples", int(self.n_samples))
        # predict_one's form: the standardization folded into the coefficients
        raw = self.coefficients / self.stds
        raw.setflags(write=False)
        object.__setattr__(self, "_raw_coefficients", raw)
        object.__setattr__(self, "_raw_intercept", float(intercept - self.means @ raw))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LinearModel):
            return NotImplemented
        return (
            self.feature_names == other.feature_names
            and np.array_equal(self.coefficients, other.coefficients)
            and self.intercept == other.intercept
            and np.array_equal(self.means, other.means)
            and np.array_equal(self.stds, other.stds)
            and self.alpha == other.alpha
            and self.n_samples == other.n_samples
        )

    __hash__ = None  # type: ignore[assignment]  # holds arrays; equality is by value

    @property
    def n_features(self) -> int:
        return len(self.feature_names)

    def predict(self, X: Any) -> np.ndarray:
        """Predictions for ``X`` of shape ``(n, n_features)`` (or one row ``(n_features,)``).

        Always returns a 1-D array. Non-finite inputs give non-finite outputs for that row;
        callers decide how to treat them.
        """
        arr = _as_matrix(X, self.n_features)
        return ((arr - self.means) / self.stds) @ self.coefficients + self.intercept

    def predict_one(self, x: np.ndarray) -> float:
        """The prediction for one row of ``n_features`` values: one dot product on the
        original scale, the serving path's form of ``predict`` (they agree to rounding,
        about 1e-16 relative; ``predict`` costs four array operations more per call)."""
        if x.shape != (self.n_features,):
            raise ValidationFailed(f"x must have shape ({self.n_features},), got {x.shape}")
        return float(x @ self._raw_coefficients) + self._raw_intercept

    def raw_coefficients(self) -> np.ndarray:
        """Coefficients on the original scale: ``x @ raw_coefficients() + raw_intercept()``."""
        return self._raw_coefficients

    def raw_intercept(self) -> float:
        """Intercept on the original feature scale."""
        return self._raw_intercept

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form; floats survive ``json`` round trips exactly (``repr`` is exact)."""
        return {
            "model_type": MODEL_TYPE,
            "feature_names": list(self.feature_names),
            "coefficients": [float(v) for v in self.coefficients],
            "intercept": float(self.intercept),
            "means": [float(v) for v in self.means],
            "stds": [float(v) for v in self.stds],
            "alpha": float(self.alpha),
            "n_samples": int(self.n_samples),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinearModel:
        """Rebuild a model from :meth:`to_dict` output; raises ``ValidationFailed`` if malformed."""
        if not isinstance(data, Mapping):
            raise ValidationFailed("model payload must be an object")
        model_type = data.get("model_type", MODEL_TYPE)
        if model_type != MODEL_TYPE:
            raise ValidationFailed(f"unsupported model_type {model_type!r}")
        missing = [
            key
            for key in ("feature_names", "coefficients", "intercept", "means", "stds", "alpha")
            if key not in data
        ]
        if missing:
            raise ValidationFailed(f"model payload misses {', '.join(missing)}", details=missing)
        try:
            return cls(
                feature_names=tuple(data["feature_names"]),
                coefficients=np.asarray(data["coefficients"], dtype=np.float64),
                intercept=float(data["intercept"]),
                means=np.asarray(data["means"], dtype=np.float64),
                stds=np.asarray(data["stds"], dtype=np.float64),
                alpha=float(data["alpha"]),
                n_samples=int(data.get("n_samples", 0)),
            )
        except (TypeError, ValueError) as exc:
            raise ValidationFailed(f"malformed model payload: {exc}") from exc


def fit_ridge(
    X: Any, y: Any, *, alpha: float = 1.0, feature_names: Sequence[str] | None = None
) -> LinearModel:
    """Fit ridge regression on all rows at once (one chunk through :class:`RidgeAccumulator`)."""
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim != 2:
        raise ValidationFailed(f"X must be a 2-D array, got shape {arr.shape}")
    acc = RidgeAccumulator(arr.shape[1], feature_names=feature_names)
    acc.add(arr, y)
    return acc.fit(alpha)
