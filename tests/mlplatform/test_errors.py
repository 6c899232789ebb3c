"""Every error class renders the one DESIGN envelope with the right status."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ENVELOPE_KEYS = {"status", "error", "details", "code", "timestamp", "request_id"}


def assert_envelope(response, status: int, error: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ENVELOPE_KEYS
    assert body["status"] == "error"
    assert body["error"] == error
    assert body["code"] == status
    assert body["request_id"] == response["X-Request-ID"]
    return body


def test_unknown_route_is_404_envelope(client: Client) -> None:
    assert_envelope(client.get("/nope"), 404, "not_found")
    assert_envelope(client.get("/api/v1/nope/deeper"), 404, "not_found")


def test_wrong_method_is_405_envelope(client: Client) -> None:
    assert_envelope(client.put("/health"), 405, "method_not_allowed")
    assert_envelope(client.delete("/api/v1/health"), 405, "method_not_allowed")


def test_wrong_content_type_is_415(client: Client) -> None:
    response = client.post("/auth/login", data="username=a", content_type="text/plain")
    assert_envelope(response, 415, "unsupported_media_type")


def test_malformed_json_is_400(client: Client) -> None:
    response = client.post("/auth/login", data="{not json", content_type="application/json")
    assert_envelope(response, 400, "parse_error")


def test_validation_error_is_422_with_field_details(client: Client) -> None:
    response = client.post("/auth/login", data={"username": "x"}, content_type="application/json")
    body = assert_envelope(response, 422, "validation_error")
    assert "password" in body["details"]


def test_missing_credential_is_401(client: Client) -> None:
    assert_envelope(client.get("/auth/me"), 401, "not_authenticated")


def test_unhandled_exception_is_500_without_internals(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ROOT_URLCONF = "tests.mlplatform.boom_urls"
    body = assert_envelope(client.get("/boom"), 500, "internal_error")
    assert "secret internal detail" not in str(body)
    assert "Traceback" not in str(body)


def test_throttled_is_429_with_retry_after(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LOGIN_RATE_LIMIT_REQUESTS = 2
    payload = {"username": "nobody", "password": "wrong-password"}
    for _ in range(2):
        response = client.post("/auth/login", data=payload, content_type="application/json")
        assert response.status_code == 401
    response = client.post("/auth/login", data=payload, content_type="application/json")
    assert_envelope(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1
