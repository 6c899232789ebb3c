"""Access fixtures: every kind of caller the control plane must tell apart."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from knox.models import AuthToken

from tests.conftest import token_headers

ROOT = Path(__file__).resolve().parents[2]
#: Safe production values: the service starts and ``check --deploy`` has nothing to say.
PRODUCTION_ENV = {
    "ENV": "production",
    "SECRET_KEY": "prod-test-secret-6c1f0e5b9a7d4e3c8b2a1f0e9d8c7b6a-5f4e3d2c1b0a9f8e",
    "ADMIN_API_KEY": "prod-test-admin-key-3f9a8b7c6d5e4f3a2b1c",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "CORS_ALLOW_ORIGINS": "https://dashboard.example.com",
}


def clean_environ() -> dict[str, str]:
    """This process's environment minus what would leak into a settings check."""
    drop = ("ENV", "APP_ENV", "ADMIN_API_KEY", "SECRET_KEY", "DEBUG", "CORS_", "ALLOWED_HOSTS")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


def load_settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with this environment and run ``code``
    (``s`` is django.conf.settings)."""
    full = {
        **clean_environ(),
        "DJANGO_SETTINGS_MODULE": "mlplatform.settings",
        "ENV_FILE": os.devnull,
        **env,
    }
    script = f"import django; django.setup(); from django.conf import settings as s; {code}"
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=full, capture_output=True, text=True
    )


@pytest.fixture
def operator_bearer_headers(operator_user: User) -> dict[str, str]:
    """The operator's token sent the OAuth way, ``Authorization: Bearer <key>``."""
    _, key = AuthToken.objects.create(user=operator_user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def inactive_headers(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A deactivated operator who still holds a token: group membership must not help."""
    user = User.objects.create_user("retired-op", password="retired-password-123")
    user.groups.add(Group.objects.get_or_create(name="operators")[0])
    headers = token_headers(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return headers


@pytest.fixture
def staff_headers(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A staff user outside the operators group."""
    return token_headers(User.objects.create_user("staffer", password="x" * 12, is_staff=True))


@pytest.fixture
def superuser_headers(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return token_headers(User.objects.create_superuser("root", password="x" * 12))


@pytest.fixture
def expired_token_headers(operator_user: User) -> dict[str, str]:
    """An operator token past its OPERATOR_TOKEN_TTL_HOURS."""
    _, key = AuthToken.objects.create(user=operator_user, expiry=timedelta(seconds=-1))
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


@pytest.fixture
def logged_out_headers(operator_user: User) -> dict[str, str]:
    """A token whose owner signed out (everywhere) with another of their tokens."""
    from mlplatform.api.accounts import operator_logout

    headers = token_headers(operator_user)
    operator_logout(user=operator_user)
    return headers


@pytest.fixture
def password_changed_headers(operator_user: User) -> dict[str, str]:
    """A token minted before its owner's password changed."""
    headers = token_headers(operator_user)
    operator_user.set_password("a-brand-new-password-9")
    operator_user.save()
    return headers


@pytest.fixture
def unknown_token_headers() -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Token " + "0" * 64}


@pytest.fixture
def db_tasks(settings) -> None:  # type: ignore[no-untyped-def]
    """Queue background work in the database (the default) so an allowed /admin/train runs
    nothing inside the test."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:  # type: ignore[no-untyped-def]
    """The production hasher costs ~0.3 s per user; these tests are about access, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
