"""Ridge regression: agreement with scikit-learn, streaming accumulation, serialization."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.preprocessing import StandardScaler

from mlplatform.core.model import LinearModel, RidgeAccumulator, fit_ridge
from mlplatform.errors import ValidationFailed


def _dataset(seed: int, n: int = 500, k: int = 6, offset: float = 0.0) -> tuple:
    rng = np.random.default_rng(seed)
    scales = rng.uniform(0.01, 50.0, size=k)
    X = rng.normal(size=(n, k)) * scales + offset + rng.uniform(-3, 3, size=k)
    # correlated columns make the ridge penalty matter
    X[:, 1] = X[:, 0] * 0.7 + X[:, 1] * 0.3
    w = rng.normal(size=k) / scales
    y = X @ w + 0.5 + rng.normal(scale=0.1, size=n)
    return X, y


def _sklearn_reference(X: np.ndarray, y: np.ndarray, alpha: float) -> tuple:
    scaler = StandardScaler().fit(X)
    ridge = Ridge(alpha=alpha, fit_intercept=True, solver="cholesky").fit(scaler.transform(X), y)
    return scaler, ridge


@pytest.mark.parametrize("alpha", [0.0, 0.1, 1.0, 25.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_coefficients_match_sklearn_on_standardized_features(alpha: float, seed: int) -> None:
    X, y = _dataset(seed)
    model = fit_ridge(X, y, alpha=alpha)
    scaler, ridge = _sklearn_reference(X, y, alpha)

    np.testing.assert_allclose(model.means, scaler.mean_, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(model.stds, scaler.scale_, rtol=1e-12)
    np.testing.assert_allclose(model.coefficients, ridge.coef_, rtol=1e-8, atol=1e-8)
    assert model.intercept == pytest.approx(ridge.intercept_, abs=1e-8)
    np.testing.assert_allclose(
        model.predict(X), ridge.predict(scaler.transform(X)), rtol=1e-8, atol=1e-8
    )


def test_large_offsets_keep_precision() -> None:
    X, y = _dataset(3, offset=1e7)
    model = fit_ridge(X, y, alpha=1.0)
    _, ridge = _sklearn_reference(X, y, 1.0)
    np.testing.assert_allclose(model.coefficients, ridge.coef_, rtol=1e-8, atol=1e-8)
    # chunked accumulation on offset data must not lose precision either
    acc = RidgeAccumulator(X.shape[1])
    for part in np.array_split(np.arange(len(y)), 9):
        acc.add(X[part], y[part])
    np.testing.assert_allclose(acc.fit(1.0).coefficients, ridge.coef_, rtol=1e-8, atol=1e-8)


def test_chunked_accumulation_equals_one_shot() -> None:
    X, y = _dataset(4, n=1003)
    one_shot = fit_ridge(X, y, alpha=2.0)
    acc = RidgeAccumulator(X.shape[1])
    bounds = [0, 1, 50, 51, 400, 1003]  # uneven chunks, including single rows and an empty one
    for lo, hi in itertools.pairwise(bounds):
        acc.add(X[lo:hi], y[lo:hi])
    acc.add(X[:0], y[:0])
    chunked = acc.fit(2.0)
    assert acc.n == len(y)
    np.testing.assert_allclose(chunked.means, one_shot.means, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(chunked.stds, one_shot.stds, rtol=1e-12)
    np.testing.assert_allclose(chunked.coefficients, one_shot.coefficients, rtol=1e-10, atol=1e-12)
    assert chunked.intercept == pytest.approx(one_shot.intercept, rel=1e-12)


def test_merge_equals_sequential_adds() -> None:
    X, y = _dataset(5, n=300)
    left, right = RidgeAccumulator(X.shape[1]), RidgeAccumulator(X.shape[1])
    left.add(X[:120], y[:120])
    right.add(X[120:], y[120:])
    merged = left.merge(right).fit(1.0)
    np.testing.assert_allclose(
        merged.coefficients, fit_ridge(X, y, alpha=1.0).coefficients, rtol=1e-10, atol=1e-12
    )


def test_constant_feature_gets_unit_std_and_zero_coefficient() -> None:
    X, y = _dataset(6, n=200, k=4)
    X[:, 2] = 0.1  # not exactly representable: centering leaves rounding residue
    acc = RidgeAccumulator(4)
    acc.add(X[:77], y[:77]).add(X[77:], y[77:])
    model = acc.fit(1.0)
    _, ridge = _sklearn_reference(X, y, 1.0)
    assert model.stds[2] == 1.0
    assert model.coefficients[2] == 0.0
    np.testing.assert_allclose(model.coefficients, ridge.coef_, rtol=1e-8, atol=1e-8)


def test_predict_is_vectorized_and_raw_coefficients_are_equivalent() -> None:
    X, y = _dataset(7)
    model = fit_ridge(X, y, alpha=0.5)
    batch = model.predict(X)
    assert batch.shape == (len(y),)
    assert model.predict(X[3]).shape == (1,)
    assert model.predict(X[3])[0] == pytest.approx(batch[3], rel=1e-14)
    raw = X @ model.raw_coefficients() + model.raw_intercept()
    np.testing.assert_allclose(raw, batch, rtol=1e-9, atol=1e-9)
    with pytest.raises(ValidationFailed):
        model.predict(X[:, :3])


def test_predict_one_agrees_with_predict_to_rounding() -> None:
    X, y = _dataset(9)
    model = fit_ridge(X, y, alpha=0.5)
    batch = model.predict(X)
    single = np.array([model.predict_one(row) for row in X])
    np.testing.assert_allclose(single, batch, rtol=1e-12, atol=1e-15)
    assert isinstance(model.predict_one(X[0]), float)
    for bad in (X[:2], X[0, :3]):
        with pytest.raises(ValidationFailed):
            model.predict_one(bad)


def test_dict_round_trip_is_exact_through_json() -> None:
    X, y = _dataset(8)
    names = [f"f{i}" for i in range(X.shape[1])]
    model = fit_ridge(X, y, alpha=1.5, feature_names=names)
    payload = json.loads(json.dumps(model.to_dict()))
    restored = LinearModel.from_dict(payload)
    assert restored == model
    assert restored.feature_names == tuple(names)
    assert np.array_equal(restored.predict(X), model.predict(X))
    assert all(type(v) is float for v in model.to_dict()["coefficients"])


def test_from_dict_rejects_malformed_payloads() -> None:
    model = fit_ridge(*_dataset(9, k=3), alpha=1.0)
    payload = model.to_dict()
    with pytest.raises(ValidationFailed, match="misses"):
        LinearModel.from_dict({k: v for k, v in payload.items() if k != "stds"})
    with pytest.raises(ValidationFailed, match="coefficients"):
        LinearModel.from_dict({**payload, "coefficients": payload["coefficients"][:2]})
    with pytest.raises(ValidationFailed, match="model_type"):
        LinearModel.from_dict({**payload, "model_type": "mlp"})


def test_model_arrays_are_read_only() -> None:
    model = fit_ridge(*_dataset(10, k=3), alpha=1.0)
    with pytest.raises(ValueError):
        model.coefficients[0] = 1.0


def test_invalid_inputs_raise_validation_failed() -> None:
    acc = RidgeAccumulator(3)
    with pytest.raises(ValidationFailed, match="zero rows"):
        acc.fit(1.0)
    with pytest.raises(ValidationFailed, match="columns"):
        acc.add(np.ones((4, 2)), np.ones(4))
    with pytest.raises(ValidationFailed, match="rows"):
        acc.add(np.ones((4, 3)), np.ones(5))
    with pytest.raises(ValidationFailed, match="finite"):
        acc.add(np.array([[1.0, np.nan, 2.0]]), np.ones(1))
    acc.add(np.random.default_rng(0).normal(size=(10, 3)), np.ones(10))
    with pytest.raises(ValidationFailed, match="alpha"):
        acc.fit(-1.0)
    # perfectly collinear columns without a penalty cannot be solved
    collinear = RidgeAccumulator(2)
    x = np.arange(10.0)
    collinear.add(np.column_stack([x, 2 * x]), x)
    with pytest.raises(ValidationFailed, match="singular"):
        collinear.fit(0.0)
