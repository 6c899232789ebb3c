"""Every control-plane route x every kind of caller: the documented status, and an audit row.

The routes are enumerated from the URL resolver (every view subclassing ControlPlaneApi, under
both prefixes), so a new control-plane route is in this matrix the moment it is routed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from audit.models import AuditEvent
from mlplatform.api.views import ControlPlaneApi

pytestmark = pytest.mark.django_db

#: DESIGN section 5, control plane; the enumerated set must contain at least these.
DESIGN_CONTROL_PLANE = {
    "POST /models/activate/{v}",
    "POST /admin/train",
    "GET /admin/train/status",
    "POST /admin/activate/{v}",
    "POST /admin/rollback",
    "POST /admin/reload",
    "GET /admin/audit",
    "DELETE /admin/audit/clear",
}
_CONVERTER = re.compile(r"<(?:\w+:)?\w+>")
#: Path parameters get a version that does not exist: an allowed call then stops at a cheap 404.
_PATH_VALUE = "v999"


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str  # "/api/v1/models/activate/{v}"
    url: str  # "/api/v1/models/activate/v999"
    view: type[ControlPlaneApi]

    @property
    def unprefixed(self) -> str:
        return f"{self.method} {self.pattern.removeprefix('/api/v1')}"


def _walk(patterns: list, prefix: str = "") -> Iterator[tuple[str, object]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def control_plane_routes() -> list[Route]:
    """Every (method, URL) served by a ControlPlaneApi subclass, under every prefix."""
    routes: dict[tuple[str, str], Route] = {}
    for route, callback in _walk(get_resolver().url_patterns):
        view = getattr(callback, "view_class", None)
        if not (isinstance(view, type) and issubclass(view, ControlPlaneApi)):
            continue
        pattern = "/" + _CONVERTER.sub("{v}", route)
        url = "/" + _CONVERTER.sub(_PATH_VALUE, route)
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(view, method):
                routes[(method.upper(), url)] = Route(method.upper(), pattern, url, view)
    return sorted(routes.values(), key=lambda r: (r.pattern, r.method))


ROUTES = control_plane_routes()


@dataclass(frozen=True)
class Caller:
    name: str
    headers_fixture: str | None
    allowed: bool
    status: int | None  # for denied callers
    actor: tuple[str, str]


CALLERS = [
    Caller("no_key", None, False, 401, ("anonymous", "anonymous")),
    Caller("wrong_key", "wrong_key_headers", False, 401, ("api-key (invalid)", "anonymous")),
    Caller("unknown_token", "unknown_token_headers", False, 401, ("token (invalid)", "anonymous")),
    Caller("inactive_user_token", "inactive_headers", False, 401, ("retired-op", "user")),
    Caller("non_operator_token", "viewer_headers", False, 403, ("viewer", "user")),
    # staff status opens the read-only admin only: one definition of operator everywhere
    Caller("staff_not_operator", "staff_headers", False, 403, ("staffer", "user")),
    Caller("expired_token", "expired_token_headers", False, 401, ("token (invalid)", "anonymous")),
    Caller("revoked_by_logout", "logged_out_headers", False, 401, ("token (invalid)", "anonymous")),
    Caller(
        "revoked_by_password",
        "password_changed_headers",
        False,
        401,
        ("token (invalid)", "anonymous"),
    ),
    Caller("right_key", "admin_headers", True, None, ("api-key", "api_key")),
    Caller("operator_token", "operator_headers", True, None, ("operator", "user")),
    Caller("operator_bearer", "operator_bearer_headers", True, None, ("operator", "user")),
    Caller("superuser_token", "superuser_headers", True, None, ("root", "user")),
]


@pytest.fixture
def wrong_key_headers() -> dict[str, str]:
    return {"HTTP_X_API_KEY": "not-the-admin-key"}


def test_enumeration_covers_the_design_list_under_both_prefixes() -> None:
    found = {f"{r.method} {r.pattern}" for r in ROUTES}
    for entry in DESIGN_CONTROL_PLANE:
        method, path = entry.split(" ", 1)
        assert f"{method} {path}" in found
        assert f"{method} /api/v1{path}" in found
    # every enumerated URL really reaches the view it was enumerated from
    for route in ROUTES:
        assert resolve(route.url).func.view_class is route.view  # type: ignore[attr-defined]


@pytest.mark.usefixtures("db_tasks")
@pytest.mark.parametrize("caller", CALLERS, ids=[c.name for c in CALLERS])
@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.pattern}" for r in ROUTES])
def test_control_plane_matrix(
    request: pytest.FixtureRequest, api_client, route: Route, caller: Caller
) -> None:
    headers = request.getfixturevalue(caller.headers_fixture) if caller.headers_fixture else {}
    request_id = f"matrix-{uuid.uuid4().hex}"
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    response = api_client.generic(route.method, route.url, HTTP_X_REQUEST_ID=request_id, **headers)

    assert response["X-Request-ID"] == request_id
    events = list(AuditEvent.objects.exclude(pk__in=before))
    if caller.allowed:
        assert response.status_code not in (401, 403), response.content
        assert response.status_code < 500, response.content
        assert not [e for e in events if e.outcome == "denied"]
        # whatever the route recorded, it recorded who did it
        assert {(e.actor, e.actor_type) for e in events} <= {caller.actor}
        return

    body = response.json()
    assert response.status_code == caller.status, body
    assert body["status"] == "error" and body["code"] == caller.status
    assert body["request_id"] == request_id
    if caller.status == 401:
        assert body["error"] in {"not_authenticated", "authentication_failed"}
        challenge = response["WWW-Authenticate"]
        assert "ApiKey" in challenge and "Bearer" in challenge
    else:
        assert body["error"] == "forbidden"
        assert not response.has_header("WWW-Authenticate")
    assert len(events) == 1, [(e.action, e.outcome) for e in events]
    event = events[0]
    assert event.outcome == "denied"
    assert (event.actor, event.actor_type) == caller.actor
    assert event.request_id == request_id
    assert event.action == route.view.audit_action
    # the resolved route (no prefix, no raw request text), with the version when well-formed
    assert event.target == route.url.removeprefix("/api/v1")
    assert event.details.get("reason")


def test_matrix_size() -> None:
    # 8 DESIGN routes at least, each under two prefixes
    assert len(ROUTES) >= 2 * len(DESIGN_CONTROL_PLANE)
