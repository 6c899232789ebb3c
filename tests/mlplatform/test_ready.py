from __future__ import annotations

import pytest
import requests
from django.test import Client

from tests.support.servers import django_server, free_port


@pytest.mark.django_db
def test_ready_reports_every_component(client: Client) -> None:
    response = client.get("/ready")
    body = response.json()
    assert body["status"] == "success"
    checks = body["data"]["checks"]
    assert checks["database"]["status"] == "ok"
    assert checks["database"]["required"] is True
    assert {"database", "market_data"} <= set(checks)
    assert body["data"]["status"] in {"ok", "degraded"}


@pytest.mark.slow
def test_ready_is_503_when_the_database_is_unreachable() -> None:
    # A real process whose DATABASE_URL points at a port where nothing listens.
    dead_db = f"postgres://postgres@127.0.0.1:{free_port()}/nowhere"
    env = {"DATABASE_URL": dead_db, "DATABASE_CONNECT_TIMEOUT": "1"}
    with django_server(env, gunicorn=True) as url:
        health = requests.get(url + "/health", timeout=10)
        ready = requests.get(url + "/ready", timeout=10)
    assert health.status_code == 200
    assert ready.status_code == 503
    body = ready.json()
    assert body["data"]["status"] == "degraded"
    assert body["data"]["checks"]["database"]["status"] == "failed"
    assert body["request_id"] == ready.headers["X-Request-ID"]
