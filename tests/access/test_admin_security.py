"""The Django admin: its sign-in shares /auth/login's throttle and audit, and its token pages
show only a prefix, mint nothing and revoke through an audited action."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from knox.models import AuthToken

from audit.models import AuditEvent, DeniedAttemptWindow
from mlplatform.api.auth import is_operator

pytestmark = pytest.mark.django_db

PASSWORD = "staff-password-123"


@pytest.fixture
def staff_user(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_user("staffer", password=PASSWORD, is_staff=True)


def _admin_login(client: Client, username: str, password: str, **extra):  # type: ignore[no-untyped-def]
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, **extra
    )


def test_admin_sign_in_success_and_failure_are_audited(staff_user) -> None:
    client = Client()
    assert _admin_login(client, "staffer", "wrong-password-1").status_code == 200  # the form again
    response = _admin_login(client, "staffer", PASSWORD, HTTP_X_REQUEST_ID="admin-ok")
    assert response.status_code == 302
    events = list(AuditEvent.objects.filter(action="auth.login").order_by("id"))
    assert [(e.outcome, e.actor, e.details["via"]) for e in events] == [
        ("denied", "staffer", "admin"),
        ("success", "staffer", "admin"),
    ]
    assert events[1].request_id == "admin-ok"
    assert events[1].server_request_id and events[1].server_request_id != "admin-ok"


def test_admin_sign_in_shares_the_login_throttle_and_counts_every_refusal(
    staff_user, settings, api_client
) -> None:
    settings.LOGIN_RATE_LIMIT_REQUESTS = 4
    client = Client()
    # two tries through the API and two through the admin spend one budget
    for _ in range(2):
        api_client.post(
            "/auth/login", {"username": "staffer", "password": "nope-nope-1"}, format="json"
        )
        assert _admin_login(client, "staffer", "nope-nope-1").status_code == 200
    attempts = 30
    statuses = [_admin_login(client, "staffer", PASSWORD).status_code for _ in range(attempts)]
    # the right password is refused too once the budget is spent
    assert statuses == [429] * attempts
    assert not AuditEvent.objects.filter(action="auth.login", outcome="success").exists()
    failures = AuditEvent.objects.filter(
        action="auth.login", outcome="denied", details__reason="invalid credentials"
    ).count()
    throttled_rows = AuditEvent.objects.filter(details__reason="throttled")
    assert failures == 4 and throttled_rows.count() == 1
    window = DeniedAttemptWindow.objects.get(action="auth.login")
    assert failures + window.count == 4 + attempts  # every attempt accounted for


def test_admin_throttle_answers_with_retry_after(staff_user, settings) -> None:
    settings.LOGIN_RATE_LIMIT_REQUESTS = 1
    client = Client()
    _admin_login(client, "staffer", "wrong-password-1")
    response = _admin_login(client, "staffer", PASSWORD)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= settings.LOGIN_RATE_LIMIT_WINDOW_SECONDS


def test_one_definition_of_operator(staff_user) -> None:
    assert not is_operator(staff_user)  # staff alone: the read-only admin, nothing more
    staff_user.groups.add(Group.objects.get_or_create(name="operators")[0])
    assert is_operator(User.objects.get(pk=staff_user.pk))
    root = User.objects.create_superuser("root", password=PASSWORD)
    assert is_operator(root)
    root.is_active = False
    assert not is_operator(root)


def _operator_admin() -> Client:
    user = User.objects.create_superuser("root", password=PASSWORD)
    client = Client()
    client.force_login(user)
    return client


def test_token_admin_shows_a_prefix_only_and_mints_nothing(operator_user) -> None:
    token, key = AuthToken.objects.create(user=operator_user)
    client = _operator_admin()
    page = client.get("/admin/knox/authtoken/")
    assert page.status_code == 200
    text = page.content.decode()
    assert token.token_key in text
    assert key not in text
    # the digest (not a credential) only as the checkbox value the revoke action posts
    assert text.count(token.digest) == 1
    assert client.get("/admin/knox/authtoken/add/").status_code == 403
    assert "delete_selected" not in text


def test_token_admin_revoke_is_audited(operator_user) -> None:
    token, key = AuthToken.objects.create(user=operator_user)
    client = _operator_admin()
    response = client.post(
        "/admin/knox/authtoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not AuthToken.objects.exists()
    event = AuditEvent.objects.get(action="auth.tokens_revoke")
    assert (event.actor, event.target) == ("root", "operator")
    assert event.details["prefixes"] == [token.token_key]
    assert key not in str(event.details)


def test_staff_outside_operators_cannot_see_tokens(staff_user, operator_user) -> None:
    AuthToken.objects.create(user=operator_user)
    client = Client()
    client.force_login(staff_user)
    assert client.get("/admin/knox/authtoken/").status_code == 403
