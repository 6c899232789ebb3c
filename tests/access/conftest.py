"""Access fixtures: every kind of caller the control plane must tell apart."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token


def token_headers(user: User) -> dict[str, str]:
    """``Authorization: Token <key>`` client kwargs for this user (a token is created once)."""
    token, _ = Token.objects.get_or_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Token {token.key}"}


@pytest.fixture
def operator_bearer_headers(operator_user: User) -> dict[str, str]:
    """The operator's token sent the OAuth way, ``Authorization: Bearer <key>``."""
    token, _ = Token.objects.get_or_create(user=operator_user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token.key}"}


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
def unknown_token_headers() -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Token " + "0" * 40}


@pytest.fixture
def db_tasks(settings) -> None:  # type: ignore[no-untyped-def]
    """Queue background work in the database (the default) so an allowed /admin/train runs
    nothing inside the test."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:  # type: ignore[no-untyped-def]
    """The production hasher costs ~0.3 s per user; these tests are about access, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
