"""Request bodies: over MAX_REQUEST_BODY_BYTES -> 413; JSON only on writes (415 otherwise)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import RequestDataTooBig

from audit.models import AuditEvent
from mlplatform.api.errors import exception_handler

pytestmark = pytest.mark.django_db

LIMIT = 2048


@pytest.fixture(autouse=True)
def small_limit(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT


def _json_of_size(size: int) -> str:
    """A valid JSON document of exactly ``size`` bytes."""
    skeleton = json.dumps({"symbols": ["AAPL"], "pad": ""})
    body = json.dumps({"symbols": ["AAPL"], "pad": "x" * (size - len(skeleton))})
    assert len(body) == size
    return body


@pytest.mark.parametrize(
    ("path", "auth"),
    [
        ("/predict/batch", False),
        ("/api/v1/predict/batch", False),
        ("/admin/train", True),
        ("/auth/login", False),
    ],
)
def test_a_body_over_the_limit_is_a_413_envelope(
    api_client, admin_headers, path: str, auth: bool
) -> None:
    headers = admin_headers if auth else {}
    response = api_client.post(
        path,
        _json_of_size(LIMIT + 1),
        content_type="application/json",
        HTTP_X_REQUEST_ID="too-big",
        **headers,
    )
    assert response.status_code == 413, response.content
    body = response.json()
    assert (body["status"], body["error"], body["code"]) == ("error", "request_too_large", 413)
    assert str(LIMIT) in body["details"]
    assert body["request_id"] == "too-big"
    # refused before the view ran: nothing was queued
    assert not AuditEvent.objects.filter(action="model.train").exists()


def test_a_body_at_the_limit_is_parsed(api_client) -> None:
    response = api_client.post(
        "/predict/batch", _json_of_size(LIMIT), content_type="application/json"
    )
    assert response.status_code not in (413, 415, 400)


def test_requests_over_the_limit_still_need_a_credential_first(api_client) -> None:
    response = api_client.post(
        "/admin/train", _json_of_size(LIMIT * 4), content_type="application/json"
    )
    assert response.status_code == 401
    assert AuditEvent.objects.get().outcome == "denied"


def test_django_size_error_renders_as_413_too() -> None:
    # Django raises this when something reads request.body / request.POST over the limit
    response = exception_handler(RequestDataTooBig("too big"), {})
    assert response.status_code == 413
    assert response.data["error"] == "request_too_large"


@pytest.mark.parametrize(
    ("method", "path", "content_type", "payload"),
    [
        ("post", "/admin/reload", "application/x-www-form-urlencoded", "a=1"),
        ("post", "/admin/train", "text/plain", '{"symbols": ["AAPL"]}'),
        ("post", "/admin/activate/v1", "application/x-www-form-urlencoded", "reason=x"),
        ("delete", "/admin/audit/clear", "text/plain", "everything"),
        ("post", "/api/v1/admin/rollback", "multipart/form-data; boundary=x", "--x--"),
    ],
)
def test_control_plane_writes_take_json_only(
    api_client, admin_headers, method: str, path: str, content_type: str, payload: str
) -> None:
    response = getattr(api_client, method)(
        path, payload, content_type=content_type, **admin_headers
    )
    assert response.status_code == 415, response.content
    body = response.json()
    assert body["error"] == "unsupported_media_type" and body["code"] == 415
    # refused before the action ran, including views that never read their body
    assert not AuditEvent.objects.exclude(outcome="denied").exists()


@pytest.mark.parametrize(
    ("path", "content_type", "payload"),
    [
        ("/predict/batch", "application/x-www-form-urlencoded", "symbols=AAPL"),
        ("/predict/batch", "text/plain", '{"symbols": ["AAPL"]}'),
        ("/auth/login", "application/x-www-form-urlencoded", "username=a&password=b"),
    ],
)
def test_public_writes_take_json_only(
    api_client, path: str, content_type: str, payload: str
) -> None:
    response = api_client.post(path, payload, content_type=content_type)
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"


def test_json_with_a_charset_and_empty_bodies_are_fine(api_client, admin_headers) -> None:
    response = api_client.post(
        "/admin/reload", "{}", content_type="application/json; charset=utf-8", **admin_headers
    )
    assert response.status_code == 200
    # no body at all (what curl -X POST sends) needs no content type
    assert api_client.post("/admin/reload", **admin_headers).status_code == 200


def test_malformed_json_is_a_400_envelope(api_client, admin_headers) -> None:
    response = api_client.post(
        "/admin/train", "{not json", content_type="application/json", **admin_headers
    )
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"
