"""What an attacker tries first: secrets outside development, nested JSON, request ids,
denied-request floods and the audit text they leave."""

from __future__ import annotations

import json

import pytest

from audit.models import AuditEvent, DeniedAttemptWindow
from mlplatform.api.parsers import json_depth_exceeds
from tests.access.conftest import PRODUCTION_ENV, load_settings

# --- secrets: only development has defaults ---------------------------------------------------

STAGING_ENV = {**PRODUCTION_ENV, "ENV": "staging"}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_API_KEY", "change-me-admin-key"),
        ("ADMIN_API_KEY", ""),
        ("SECRET_KEY", ""),
        ("SECRET_KEY", "dev-insecure-secret-key-do-not-use-in-production"),
    ],
)
@pytest.mark.parametrize("env", ["staging", "production"])
def test_staging_and_production_refuse_example_or_missing_secrets(
    env: str, name: str, value: str
) -> None:
    result = load_settings({**PRODUCTION_ENV, "ENV": env, name: value}, "0")
    assert result.returncode != 0
    assert "refusing to start" in result.stderr and name in result.stderr


def test_staging_starts_with_real_secrets_and_development_keeps_defaults() -> None:
    staging = load_settings(STAGING_ENV, "print(s.ENV, s.IS_DEPLOYED)")
    assert staging.returncode == 0, staging.stderr
    assert staging.stdout.split() == ["staging", "True"]
    dev = load_settings({"ENV": "development"}, "print(s.ADMIN_API_KEY, bool(s.SECRET_KEY))")
    assert dev.returncode == 0, dev.stderr
    assert dev.stdout.split() == ["change-me-admin-key", "True"]


# --- JSON the parser cannot handle is a 400 ---------------------------------------------------


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [33, 200, 5_000, 100_000])
def test_deeply_nested_json_is_a_400_envelope(api_client, depth: int) -> None:
    body = '{"symbols": ' + _nested(depth) + "}"
    response = api_client.post(
        "/predict/batch", body, content_type="application/json", HTTP_X_REQUEST_ID="deep"
    )
    assert response.status_code == 400, response.content[:200]
    payload = response.json()
    assert (payload["status"], payload["error"], payload["code"]) == ("error", "parse_error", 400)
    assert "32 levels" in str(payload["details"]) and payload["request_id"] == "deep"


def test_nesting_at_the_bound_still_parses(api_client, settings) -> None:
    # 32 levels in all: the object plus 31 arrays; the route then judges the content (422)
    body = '{"symbols": ' + _nested(settings.MAX_JSON_DEPTH - 1) + "}"
    response = api_client.post("/predict/batch", body, content_type="application/json")
    assert response.status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        '{"symbols": [1' + "0" * 5000 + "]}",  # past Python's int digit limit
        '{"symbols": ["\\ud800"]}',  # a lone surrogate
        '{"symbols": [NaN]}',
        b'{"symbols": ["\xff\xfe"]}',  # not UTF-8
    ],
    ids=["huge-int", "surrogate", "nan", "bad-utf8"],
)
def test_other_unparseable_json_is_4xx_never_500(api_client, body: str | bytes) -> None:
    response = api_client.post("/predict/batch", body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.content[:200]
    assert response.json()["status"] == "error"


def test_depth_check_is_iterative() -> None:
    deep: list = []
    node = deep
    for _ in range(50_000):  # far past the recursion limit
        node.append([])
        node = node[0]
    assert json_depth_exceeds(deep, 32)
    assert not json_depth_exceeds({"a": [[1, 2], {"b": 3}]}, 3)
    assert json_depth_exceeds({"a": [[1, 2], {"b": [3]}]}, 3)


# --- request ids: bounded, echoed, never trusted to be unique ---------------------------------


@pytest.mark.parametrize(
    "given",
    ["x" * 65, "a b", "id\u00e9", "<script>", "../../etc", ""],
)
def test_a_malformed_client_request_id_is_replaced(api_client, given: str) -> None:
    response = api_client.get("/health", HTTP_X_REQUEST_ID=given)
    echoed = response["X-Request-ID"]
    assert echoed != given and len(echoed) == 32


@pytest.mark.django_db
def test_a_reused_client_request_id_keeps_the_servers_own_id_beside_it(
    api_client, operator_headers
) -> None:
    for _ in range(2):
        response = api_client.post("/admin/reload", HTTP_X_REQUEST_ID="same-id", **operator_headers)
        assert response.status_code == 200 and response["X-Request-ID"] == "same-id"
    events = list(AuditEvent.objects.filter(action="registry.reload"))
    assert len(events) == 2
    assert {e.request_id for e in events} == {"same-id"}
    server_ids = {e.server_request_id for e in events}
    assert len(server_ids) == 2 and all(len(s) == 32 for s in server_ids)


# --- denied requests: bounded audit rows, targets never raw text ------------------------------


@pytest.mark.django_db
def test_a_denied_flood_writes_one_audit_row_per_client_and_window(api_client) -> None:
    attempts = 200
    for _ in range(attempts):
        assert api_client.post("/admin/reload").status_code == 401
    for _ in range(5):
        assert api_client.post("/admin/reload", REMOTE_ADDR="10.1.1.1").status_code == 401
    denied = AuditEvent.objects.filter(outcome="denied", action="registry.reload")
    assert denied.count() == 2  # one per client address
    counts = dict(
        DeniedAttemptWindow.objects.filter(action="registry.reload").values_list("client", "count")
    )
    assert counts == {"127.0.0.1": attempts, "10.1.1.1": 5}
    row = denied.get(client_ip="127.0.0.1")
    assert row.details["counted_in"] == "denied_attempt_window"
    assert row.details["window_seconds"] == 60


@pytest.mark.django_db
def test_a_new_window_writes_a_new_row(api_client, settings, monkeypatch) -> None:
    settings.DENIED_AUDIT_WINDOW_SECONDS = 60
    import audit.services as services

    real_now = services.timezone.now
    for shift in (0, 0, 61, 61):
        monkeypatch.setattr(
            services.timezone, "now", lambda shift=shift: real_now() + _seconds(shift)
        )
        api_client.post("/admin/reload")
    assert AuditEvent.objects.filter(outcome="denied").count() == 2
    assert sorted(DeniedAttemptWindow.objects.values_list("count", flat=True)) == [2, 2]


def _seconds(n: int):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return timedelta(seconds=n)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/admin/activate/v1%20--%20approved%20by%20alice", "/admin/activate/{version}"),
        ("/api/v1/admin/activate/v1%3Cforged%3E", "/admin/activate/{version}"),
        ("/models/activate/v3", "/models/activate/v3"),
        ("/api/v1/admin/reload?note=approved-by-alice", "/admin/reload"),
    ],
)
def test_audit_targets_are_the_resolved_route_never_request_text(
    api_client, path: str, target: str
) -> None:
    assert api_client.post(path).status_code == 401
    event = AuditEvent.objects.get(outcome="denied")
    assert event.target == target
    assert "alice" not in json.dumps(event.details) and "forged" not in event.target


@pytest.mark.django_db
def test_the_audit_api_shows_how_many_attempts_a_denied_row_stands_for(
    api_client, admin_headers
) -> None:
    for _ in range(7):
        api_client.post("/admin/reload", REMOTE_ADDR="10.2.2.2")
    api_client.post("/admin/reload", HTTP_X_API_KEY="nope", REMOTE_ADDR="10.2.2.2")
    events = api_client.get("/admin/audit?outcome=denied", **admin_headers).json()["events"]
    by_actor = {e["actor"]: e for e in events}
    assert by_actor["anonymous"]["details"]["attempts"] == 7
    assert by_actor["api-key (invalid)"]["details"]["attempts"] == 1
    # rows that are not bounded denials carry no count
    api_client.post("/admin/reload", **admin_headers)
    success = api_client.get("/admin/audit?action=registry.reload&outcome=success", **admin_headers)
    assert "attempts" not in success.json()["events"][0]["details"]
