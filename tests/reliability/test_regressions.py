"""Seeds of the failing cases the fuzzer and the fault scenarios found, kept as regressions.

Schemathesis found these answers undocumented in the OpenAPI schema (its ST103 "undocumented
status code" failure, found with ``st run --seed 1``); the schema now documents them. Each seed
is replayed in-process through the WSGI app and validated by Schemathesis itself against the
schema the app serves. The last test is the hanging-storage probe the storage-fault scenario
found (``/ready`` took ~115 s to answer with the GCS emulator gone).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mlplatform.wsgi import application
from registry import checks as registry_checks
from registry.storage import artifact_store
from reliability.harness import ADMIN_KEY

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
KEY = {"X-API-Key": ADMIN_KEY}

#: id, method, schema path, path parameters, query, headers, JSON body, expected status
SEEDS: list[tuple[str, str, str, dict[str, str], dict[str, str], dict[str, str], Any, int]] = [
    ("activate-no-credential", "POST", "/api/v1/admin/activate/{version}",
     {"version": "limits"}, {}, {}, {}, 401),
    ("models-activate-no-credential", "POST", "/api/v1/models/activate/{version}",
     {"version": "v1"}, {}, {}, {}, 401),
    ("audit-no-credential", "GET", "/api/v1/admin/audit", {}, {"outcome": "denied"}, {}, None, 401),
    ("audit-clear-no-credential", "DELETE", "/api/v1/admin/audit/clear", {}, {}, {}, None, 401),
    ("reload-no-credential", "POST", "/api/v1/admin/reload", {}, {}, {}, None, 401),
    ("rollback-no-credential", "POST", "/api/v1/admin/rollback", {}, {}, {}, {}, 401),
    ("train-no-credential", "POST", "/api/v1/admin/train", {}, {}, {}, {}, 401),
    ("train-status-no-credential", "GET", "/api/v1/admin/train/status", {}, {}, {}, None, 401),
    ("logout-no-token", "POST", "/api/v1/auth/logout", {}, {}, {}, None, 401),
    ("me-no-token", "GET", "/api/v1/auth/me", {}, {}, {}, None, 401),
    ("login-wrong-password", "POST", "/api/v1/auth/login", {}, {}, {},
     {"username": "nobody", "password": "wrong"}, 401),
    ("audit-limit-tiny-float", "GET", "/api/v1/admin/audit", {},
     {"limit": "-1.6099009261975442e-88"}, KEY, None, 422),
    ("audit-clear-garbage-before", "DELETE", "/api/v1/admin/audit/clear", {},
     {"before": "Cd\x14\x05\x97\x1a"}, KEY, None, 422),
    ("activate-unknown-label", "POST", "/api/v1/admin/activate/{version}",
     {"version": "limits"}, {}, KEY, {}, 404),
    ("rollback-nothing-to-roll-back", "POST", "/api/v1/admin/rollback", {}, {}, KEY, {}, 409),
    ("model-unknown-label", "GET", "/api/v1/models/{version}", {"version": "limits"}, {}, {},
     None, 404),
    ("drift-unknown-version", "GET", "/api/v1/monitoring/drift", {},
     {"version": "\U00063933"}, {}, None, 404),
    ("latency-series-float", "GET", "/api/v1/monitoring/latency", {},
     {"series": "-3.0560643927590517e-84"}, {}, None, 422),
]  # fmt: skip

#: Raw (not JSON-serializable) bodies the fuzzer sent: a lone NUL byte.
RAW_SEEDS: list[tuple[str, str, str, str]] = [
    ("activate-nul-body", "/admin/activate/limits", "/api/v1/admin/activate/{version}", "post"),
    ("rollback-nul-body", "/admin/rollback", "/api/v1/admin/rollback", "post"),
    ("train-nul-body", "/admin/train", "/api/v1/admin/train", "post"),
]


@pytest.fixture(scope="module")
def api_schema(django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def reliability_key(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ADMIN_API_KEY = ADMIN_KEY


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Calls through the raw WSGI app fire request_started/finished, whose
    ``close_old_connections`` would close the test's transaction on PostgreSQL; Django's own
    test client disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize(
    ("method", "path", "path_parameters", "query", "headers", "body", "status"),
    [seed[1:] for seed in SEEDS],
    ids=[seed[0] for seed in SEEDS],
)
def test_fuzzer_seed_is_answered_as_documented(
    api_schema,  # type: ignore[no-untyped-def]
    trained_model: str,
    reliability_key: None,
    in_test_transaction: None,
    method: str,
    path: str,
    path_parameters: dict[str, str],
    query: dict[str, str],
    headers: dict[str, str],
    body: Any,
    status: int,
) -> None:
    operation = api_schema[path][method]
    kwargs: dict[str, Any] = {
        "path_parameters": path_parameters or None,
        "query": query or None,
        "headers": dict(headers) or None,
    }
    if body is not None:
        kwargs["body"] = body
        kwargs["media_type"] = "application/json"
    case = operation.Case(**kwargs)
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code == status


@pytest.mark.parametrize(("path", "operation", "method"), [s[1:] for s in RAW_SEEDS],
                         ids=[s[0] for s in RAW_SEEDS])  # fmt: skip
def test_nul_byte_body_is_a_documented_400(
    trained_model: str, reliability_key: None, path: str, operation: str, method: str
) -> None:
    client = Client()
    documented = json.loads(client.get("/api/schema/?format=json").content)["paths"]
    response = client.post(
        path, data=b"\x00", content_type="application/json", HTTP_X_API_KEY=ADMIN_KEY
    )
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"
    assert "400" in documented[operation][method]["responses"]


@pytest.mark.django_db
def test_ready_answers_within_the_probe_timeout_when_storage_hangs(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    calls: list[float] = []

    def hanging_probe() -> dict[str, Any]:
        calls.append(time.monotonic())
        release.wait(30)
        return {"kind": "local", "location": "hung"}

    monkeypatch.setattr(registry_checks, "STORAGE_PROBE_TIMEOUT", 0.3)
    monkeypatch.setattr(artifact_store(), "probe", hanging_probe)
    client = Client()
    try:
        for _ in range(3):
            started = time.monotonic()
            response = client.get("/ready")
            elapsed = time.monotonic() - started
            assert response.status_code == 503
            storage = response.json()["data"]["checks"]["storage"]
            assert storage["status"] == "failed" and "did not answer" in storage["error"]
            assert response.json()["data"]["status"] == "degraded"
            assert elapsed < 2.0
        assert len(calls) == 1  # one stuck probe at a time, not one per poll
    finally:
        release.set()
    # once the store answers again, the next poll reports it
    deadline = time.monotonic() + 5
    while client.get("/ready").json()["data"]["checks"]["storage"]["status"] != "ok":
        assert time.monotonic() < deadline
        time.sleep(0.05)


@pytest.mark.django_db
def test_lost_database_connection_is_a_documented_503_not_a_500(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Found by the database-outage scenario: every request during the outage was a 500."""
    from django.db import OperationalError

    from registry import selectors

    def refused() -> None:
        raise OperationalError("connection failed: the database system is shutting down")

    monkeypatch.setattr(selectors, "model_version_list", refused)
    client = Client()
    response = client.get("/models")
    assert response.status_code == 503
    assert response.json()["error"] == "database_unavailable"
    assert response["Retry-After"] == "1"
    documented = json.loads(client.get("/api/schema/?format=json").content)["paths"]
    assert "503" in documented["/api/v1/models"]["get"]["responses"]
    assert "503" not in documented["/api/v1/health"]["get"]["responses"]


@pytest.mark.django_db
def test_denial_that_cannot_be_audited_is_a_503_not_a_500(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Found replaying the seeds on PostgreSQL with a closed connection: the denial's audit
    write raised inside ``handle_exception`` and escaped DRF as a bare 500."""
    from django.db import OperationalError

    from mlplatform.api import views

    def refused(**kwargs: Any) -> None:
        raise OperationalError("the connection is closed")

    monkeypatch.setattr(views, "denied_attempt_record", refused)
    response = Client().post("/admin/reload")
    assert response.status_code == 503
    assert response.json()["error"] == "database_unavailable"
