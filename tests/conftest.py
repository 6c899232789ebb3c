"""Shared fixtures. Only the outside world is replaced, and where a real one runs locally
(PostgreSQL, the storage emulator, an HTTP server on 127.0.0.1) the tests use it."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection
from knox.models import AuthToken
from rest_framework.test import APIClient

from mlplatform.process_state import reset_process_state

ADMIN_KEY = "test-admin-key-0123456789"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL tests skip with the reason on SQLite; in CI the PostgreSQL run must have them."""
    vendor = connection.vendor
    if vendor == "postgresql":
        return
    reason = (
        f"needs PostgreSQL, this run uses {vendor}: run with "
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/mlplatform (make test does when a "
        "server is reachable; CI always does)"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _isolated_state(settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Each test gets its own artifact folder, admin key, empty cache and fresh process state."""
    settings.MODEL_REGISTRY_DIR = str(tmp_path / "models")
    settings.ADMIN_API_KEY = ADMIN_KEY
    cache.clear()
    reset_process_state()
    yield
    reset_process_state()
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return {"HTTP_X_API_KEY": ADMIN_KEY}


@pytest.fixture
def operator_user(db) -> User:  # type: ignore[no-untyped-def]
    user = User.objects.create_user("operator", password="operator-password-123")
    group, _ = Group.objects.get_or_create(name="operators")
    user.groups.add(group)
    return user


def token_headers(user: User) -> dict[str, str]:
    """``Authorization: Token <key>`` client kwargs with a new operator token of this user."""
    _, key = AuthToken.objects.create(user=user)
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


@pytest.fixture
def operator_headers(operator_user: User) -> dict[str, str]:
    return token_headers(operator_user)


@pytest.fixture
def viewer_headers(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A signed-in user who is not an operator."""
    user = User.objects.create_user("viewer", password="viewer-password-123")
    return token_headers(user)


def psycopg_connect() -> psycopg.Connection:
    """A plain psycopg connection (autocommit) to the database the tests use, outside Django's
    connection handling: another client, as a second process would be."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)  # Django's client-side cursor class
    params.pop("context", None)  # Django's adapters
    return psycopg.connect(**params, autocommit=True)


@pytest.fixture
def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"
