"""Operator sign-in, sign-out, who-am-I, the login throttle and manage.py create_operator."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from knox.crypto import hash_token
from knox.models import AuthToken

from audit.models import AuditEvent, DeniedAttemptWindow
from tests.conftest import token_headers

pytestmark = pytest.mark.django_db

PASSWORD = "operator-password-123"


def _login(api_client, username: str, password: str, **extra):  # type: ignore[no-untyped-def]
    return api_client.post(
        "/auth/login", {"username": username, "password": password}, format="json", **extra
    )


def test_login_returns_a_token_that_opens_the_control_plane(api_client, operator_user) -> None:
    response = _login(api_client, "operator", PASSWORD, HTTP_X_REQUEST_ID="login-ok")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "user"}
    assert body["user"] == {"username": "operator", "is_operator": True, "is_staff": False}
    # only a digest and a lookup prefix are stored, never the key
    stored = AuthToken.objects.get(user=operator_user)
    assert stored.digest == hash_token(body["token"]) and stored.digest != body["token"]
    assert body["token"].startswith(stored.token_key) and len(stored.token_key) < 20

    status = api_client.get(
        "/api/v1/admin/train/status", HTTP_AUTHORIZATION=f"Token {body['token']}"
    )
    assert status.status_code == 200
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.outcome, event.actor, event.actor_type, event.request_id) == (
        "success",
        "operator",
        "user",
        "login-ok",
    )


@pytest.mark.parametrize(
    ("username", "password"),
    [("operator", "wrong-password-123"), ("nobody", PASSWORD), ("operator", "")],
)
def test_bad_credentials_are_a_401_envelope_and_audited_denied(
    api_client, operator_user, username: str, password: str
) -> None:
    response = _login(api_client, username, password, HTTP_X_REQUEST_ID="login-bad")
    if password == "":
        # a blank password never reaches the check: the input is invalid
        assert response.status_code == 422
        assert not AuditEvent.objects.exists()
        return
    assert response.status_code == 401
    body = response.json()
    assert body["status"] == "error" and body["code"] == 401
    assert body["error"] == "invalid_credentials"
    assert body["request_id"] == "login-bad"
    assert "token" not in body
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.actor, event.actor_type, event.request_id) == (
        "auth.login",
        "denied",
        username,
        "anonymous",
        "login-bad",
    )


def test_a_deactivated_operator_cannot_sign_in(api_client, operator_user) -> None:
    operator_user.is_active = False
    operator_user.save()
    assert _login(api_client, "operator", PASSWORD).status_code == 401
    assert not AuthToken.objects.exists()


def test_login_throttle_trips_at_the_configured_count(api_client, operator_user, settings) -> None:
    settings.LOGIN_RATE_LIMIT_REQUESTS = 3
    settings.LOGIN_RATE_LIMIT_WINDOW_SECONDS = 60
    for _ in range(3):
        assert _login(api_client, "operator", "wrong-password-123").status_code == 401
    # even the right password is refused once the budget is spent
    response = _login(api_client, "operator", PASSWORD)
    assert response.status_code == 429
    assert response.json()["error"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert not AuthToken.objects.exists()
    assert _login(api_client, "operator", PASSWORD).status_code == 429
    # the wrong passwords one by one, the refusals once per client and window
    denied = AuditEvent.objects.filter(action="auth.login", outcome="denied")
    reasons = [event.details["reason"] for event in denied.order_by("id")]
    assert reasons == ["invalid credentials"] * 3 + ["throttled"]
    throttled = denied.get(details__reason="throttled")
    assert throttled.details["limit"] == 3
    assert throttled.details["counted_in"] == "denied_attempt_window"
    assert throttled.client_ip == "127.0.0.1"
    # both refusals are counted beside that one row
    window = DeniedAttemptWindow.objects.get(action="auth.login")
    assert (window.count, window.client) == (2, "127.0.0.1")
    # another client address has its own budget
    assert _login(api_client, "operator", PASSWORD, REMOTE_ADDR="10.9.8.7").status_code == 200


def test_login_throttle_is_separate_from_the_public_throttle(
    api_client, operator_user, settings
) -> None:
    settings.LOGIN_RATE_LIMIT_REQUESTS = 2
    settings.RATE_LIMIT_REQUESTS = 50
    for _ in range(2):
        _login(api_client, "operator", "wrong-password-123")
    assert _login(api_client, "operator", PASSWORD).status_code == 429
    assert api_client.get("/predict").status_code != 429


def test_logout_invalidates_the_token(api_client, operator_user) -> None:
    token = _login(api_client, "operator", PASSWORD).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert api_client.get("/auth/me", **auth).status_code == 200
    assert api_client.post("/auth/logout", **auth).json() == {"status": "ok"}
    me = api_client.get("/auth/me", **auth)
    assert me.status_code == 401 and me.json()["status"] == "error"
    assert api_client.post("/admin/reload", **auth).status_code == 401
    assert AuditEvent.objects.filter(action="auth.logout", actor="operator").count() == 1


def test_logout_and_me_need_a_token(api_client) -> None:
    assert api_client.post("/auth/logout").status_code == 401
    assert api_client.get("/auth/me").status_code == 401


def test_me_shows_whether_the_user_is_an_operator(
    api_client, operator_headers, viewer_headers
) -> None:
    assert api_client.get("/auth/me", **operator_headers).json()["user"]["is_operator"] is True
    assert api_client.get("/auth/me", **viewer_headers).json()["user"]["is_operator"] is False
    # staff status alone opens the read-only admin, not the control plane
    staff = User.objects.create_user("ops-lead", password=PASSWORD, is_staff=True)
    me = api_client.get("/api/v1/auth/me", **token_headers(staff)).json()["user"]
    assert me == {"username": "ops-lead", "is_operator": False, "is_staff": True}
    root = User.objects.create_superuser("root", password=PASSWORD)
    me = api_client.get("/api/v1/auth/me", **token_headers(root)).json()["user"]
    assert me == {"username": "root", "is_operator": True, "is_staff": True}


def test_login_accepts_json_only(api_client, operator_user) -> None:
    response = api_client.post("/auth/login", {"username": "operator", "password": PASSWORD})
    assert response.status_code == 415  # the test client's default is multipart
    assert response.json()["error"] == "unsupported_media_type"


def _is_operator_member(username: str) -> bool:
    return User.objects.get(username=username).groups.filter(name="operators").exists()


def test_create_operator_with_password_flag_then_use_the_control_plane(api_client) -> None:
    call_command("create_operator", "alice", "--password", "alice-password-123")
    assert _is_operator_member("alice")
    token = _login(api_client, "alice", "alice-password-123").json()["token"]
    response = api_client.post("/admin/reload", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    reload_event = AuditEvent.objects.get(action="registry.reload")
    assert (reload_event.actor, reload_event.actor_type) == ("alice", "user")
    assert AuditEvent.objects.filter(action="operator.create", target="alice").exists()


def test_create_operator_reads_the_password_from_the_environment(
    api_client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPERATOR_PASSWORD", "bob-password-from-env")
    call_command("create_operator", "bob")
    assert _is_operator_member("bob")
    assert _login(api_client, "bob", "bob-password-from-env").status_code == 200


def test_create_operator_resets_an_existing_password(api_client) -> None:
    call_command("create_operator", "carol", "--password", "first-password-1")
    call_command("create_operator", "carol", "--password", "second-password-2")
    assert _login(api_client, "carol", "first-password-1").status_code == 401
    assert _login(api_client, "carol", "second-password-2").status_code == 200
    assert AuditEvent.objects.filter(action="operator.update", target="carol").exists()


def test_create_operator_refuses_a_short_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPERATOR_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="at least 8"):
        call_command("create_operator", "dave", "--password", "short")
    assert not User.objects.filter(username="dave").exists()
    assert not Group.objects.filter(user__username="dave").exists()
