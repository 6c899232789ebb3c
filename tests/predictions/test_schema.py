"""The OpenAPI schema documents the inference routes exactly as they answer."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from tests.predictions.conftest import use_source


def _to_json_schema(node: Any, components: dict[str, Any]) -> Any:
    """Inline ``$ref``s and turn OpenAPI 3.0 ``nullable`` into JSON-schema null unions."""
    if isinstance(node, list):
        return [_to_json_schema(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _to_json_schema(components[name], components)
    converted = {
        key: _to_json_schema(value, components)
        for key, value in node.items()
        if key not in {"nullable", "format", "description", "readOnly", "writeOnly"}
    }
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@pytest.fixture
def openapi(db, api_client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _check(openapi: dict[str, Any], path: str, method: str, status: int, body: Any) -> None:
    operation = openapi["paths"][f"/api/v1{path}"][method]
    assert str(status) in operation["responses"], f"{method} {path} {status} is undocumented"
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    components = openapi["components"]["schemas"]
    jsonschema.validate(body, _to_json_schema(schema, components))


def test_documented_shapes_match_real_responses(model, api_client, openapi, settings) -> None:
    cases = [
        ("/predict", "get", {"symbol": "AAPL"}),
        ("/predict", "get", {"symbol": "AAPL", "version": "v404"}),
        ("/predict", "get", {"symbol": "1BAD"}),
        ("/features", "get", {"symbol": "AAPL", "lookback": 3}),
        ("/features", "get", {"symbol": "AAPL", "lookback": 0}),
        ("/predictions/recent", "get", {"limit": 5}),
        ("/predictions/recent", "get", {"limit": 5000}),
    ]
    for path, method, params in cases:
        response = api_client.get(path, params)
        _check(openapi, path, method, response.status_code, response.json())

    batch = api_client.post("/predict/batch", {"symbols": ["AAPL", "2BAD", "AAPL"]}, format="json")
    _check(openapi, "/predict/batch", "post", batch.status_code, batch.json())
    too_many = api_client.post("/predict/batch", {"symbols": []}, format="json")
    _check(openapi, "/predict/batch", "post", too_many.status_code, too_many.json())

    use_source(settings, "csv")
    unknown = api_client.get("/predict", {"symbol": "NOPE"})
    assert unknown.status_code == 404
    _check(openapi, "/predict", "get", 404, unknown.json())
    warmup = api_client.get("/features", {"symbol": "AAPL", "lookback": 100})
    _check(openapi, "/features", "get", warmup.status_code, warmup.json())


def test_no_active_model_is_documented(train, api_client, openapi) -> None:
    train(activate=False)
    response = api_client.get("/predict", {"symbol": "AAPL"})
    _check(openapi, "/predict", "get", 404, response.json())


def test_the_schema_check_catches_a_wrong_shape(model, api_client, openapi) -> None:
    body = api_client.get("/predict", {"symbol": "AAPL"}).json()
    _check(openapi, "/predict", "get", 200, body)
    for broken in (
        {k: v for k, v in body.items() if k != "request_id"},
        {**body, "prediction": "MAYBE"},
        {**body, "features": {**body["features"], "rsi_14": None}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            _check(openapi, "/predict", "get", 200, broken)
