"""Every JSON route's documented 2xx shape matches what it really answers (issue 17).

The dashboard's types are generated from ``/api/schema/``; a response that strays from its
serializer would make those types lie, so each route's real body is validated against it.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from tests.predictions.test_schema import _check, openapi  # noqa: F401 (fixture)


def _untyped_objects(node: Any, path: str = "") -> list[str]:
    """Objects the schema leaves without properties or a typed value map."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" not in node:
            values = node.get("additionalProperties")
            if not (isinstance(values, dict) and values):
                found.append(path)
        for key, value in node.items():
            # a JSON value's own object branch is the one place "any object" is the truth
            if key != "oneOf":
                found += _untyped_objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _untyped_objects(value, f"{path}[{index}]")
    return found


def test_every_response_field_is_typed(openapi) -> None:  # noqa: F811
    assert _untyped_objects(openapi["paths"]) == []
    assert _untyped_objects(openapi["components"]["schemas"]) == []
    # the checker itself sees an untyped object
    assert _untyped_objects({"a": {"type": "object", "additionalProperties": {}}}) == ["/a"]


def _template(path: str, *versions: Any) -> str:
    for version in versions:
        if path.endswith(f"/{version.version}"):
            return path[: -len(version.version)] + "{version}"
    return path


def test_registry_and_monitoring_answer_as_documented(
    train,
    api_client,
    openapi,  # noqa: F811
    operator_headers,
) -> None:
    first = train()
    second = train()
    public = [
        ("/models", {}),
        (f"/models/{second.version}", {}),
        ("/models/activations", {}),
        ("/monitoring/freshness", {}),
        ("/monitoring/latency", {"series": "true"}),
        ("/monitoring/history", {}),
        ("/monitoring/drift", {}),
        ("/symbols", {}),
    ]
    api_client.get("/predict", {"symbol": "AAPL"})  # one log for latency and freshness
    for path, params in public:
        response = api_client.get(path, params)
        assert response.status_code == 200, (path, response.content[:300])
        _check(openapi, _template(path, first, second), "get", 200, response.json())

    body = api_client.get(f"/models/{second.version}").json()
    assert body["validation_metrics"]["model"]["rmse"] is not None
    assert set(body["dataset_window"]) == {"AAPL", "MSFT", "GOOGL"}
    assert body["dataset_summary"]["rows"] == sum(
        entry["rows"] for entry in body["dataset_window"].values()
    )
    history = api_client.get("/monitoring/history").json()["runs"][-1]
    assert history["dataset_range"]["rows"] == body["dataset_summary"]["rows"]
    assert history["dataset_range"]["start"] == body["dataset_summary"]["first_date"]

    ready = api_client.get("/ready")
    _check(openapi, "/ready", "get", ready.status_code, ready.json())

    control = [
        ("post", f"/models/activate/{first.version}", {}),
        ("post", f"/admin/activate/{second.version}", {}),
        ("post", "/admin/reload", None),
        ("get", "/admin/train/status", None),
        ("get", "/admin/audit", None),
    ]
    for method, path, payload in control:
        call = getattr(api_client, method)
        kwargs = {"format": "json"} if method == "post" else {}
        response = call(path, payload, **kwargs, **operator_headers)
        assert response.status_code == 200, (path, response.content[:300])
        _check(openapi, _template(path, first, second), method, 200, response.json())


def test_a_wrong_metric_shape_fails_the_check(model, api_client, openapi) -> None:  # noqa: F811
    body = api_client.get("/models").json()
    _check(openapi, "/models", "get", 200, body)
    broken = body["models"][0]
    broken["validation_metrics"] = {"rmse": 0.1}  # the flat shape the old dashboard assumed
    with pytest.raises(jsonschema.ValidationError):
        _check(openapi, "/models", "get", 200, body)
