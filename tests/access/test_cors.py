"""CORS from CORS_ALLOW_ORIGINS: the dashboard's origin may call, other origins get nothing."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from tests.access.conftest import load_settings

pytestmark = pytest.mark.django_db

DASHBOARD = "https://dashboard.example.com"


@pytest.fixture
def dashboard_only(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CORS_ALLOW_ALL_ORIGINS = False
    settings.CORS_ALLOWED_ORIGINS = [DASHBOARD]


def _preflight(api_client, origin: str, path: str = "/admin/train"):  # type: ignore[no-untyped-def]
    return api_client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, x-api-key, authorization",
    )


@pytest.mark.usefixtures("dashboard_only")
@pytest.mark.parametrize("path", ["/admin/train", "/api/v1/auth/login", "/predict/batch"])
def test_preflight_from_the_allowed_origin_passes(api_client, path: str) -> None:
    response = _preflight(api_client, DASHBOARD, path)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == DASHBOARD
    allowed_headers = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"x-api-key", "authorization", "content-type"} <= allowed_headers
    assert "POST" in response["Access-Control-Allow-Methods"]
    # a preflight is not an attempt on the control plane
    assert not AuditEvent.objects.exists()


@pytest.mark.usefixtures("dashboard_only")
@pytest.mark.parametrize(
    "origin", ["https://evil.example.com", "http://dashboard.example.com", DASHBOARD + ".evil"]
)
def test_preflight_from_another_origin_gets_no_allow_header(api_client, origin: str) -> None:
    response = _preflight(api_client, origin)
    assert not response.has_header("Access-Control-Allow-Origin")
    assert not response.has_header("Access-Control-Allow-Headers")


@pytest.mark.usefixtures("dashboard_only")
def test_actual_requests_expose_the_request_id_to_the_allowed_origin(api_client) -> None:
    response = api_client.get("/health", HTTP_ORIGIN=DASHBOARD)
    assert response["Access-Control-Allow-Origin"] == DASHBOARD
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"x-request-id", "retry-after"} <= exposed
    other = api_client.get("/health", HTTP_ORIGIN="https://evil.example.com")
    assert not other.has_header("Access-Control-Allow-Origin")


def test_star_allows_any_origin(api_client, settings) -> None:
    settings.CORS_ALLOW_ALL_ORIGINS = True
    settings.CORS_ALLOWED_ORIGINS = []
    response = _preflight(api_client, "https://anyone.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    # never with credentials: tokens travel in a header, not in cookies
    assert not response.has_header("Access-Control-Allow-Credentials")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "https://a.example, https://b.example:8443,",
            "False ['https://a.example', 'https://b.example:8443']",
        ),
        ("*", "True []"),
    ],
)
def test_cors_allow_origins_is_read_from_the_environment(value: str, expected: str) -> None:
    result = load_settings(
        {"CORS_ALLOW_ORIGINS": value}, "print(s.CORS_ALLOW_ALL_ORIGINS, s.CORS_ALLOWED_ORIGINS)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
