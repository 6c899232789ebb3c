"""The X-API-Key service principal: constant-time comparison, never an empty key."""

from __future__ import annotations

import hmac

import pytest

from audit.models import AuditEvent
from mlplatform.api.auth import api_key_matches
from tests.conftest import ADMIN_KEY


@pytest.fixture
def compare_spy(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bytes, bytes]]:
    """Record every hmac.compare_digest call (and still compare for real)."""
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    return calls


def test_every_key_comparison_goes_through_compare_digest(compare_spy) -> None:
    assert api_key_matches(ADMIN_KEY)
    assert not api_key_matches(ADMIN_KEY[:-1] + "X")  # same length, last byte differs
    assert not api_key_matches("short")  # a different length is no shortcut either
    assert [candidate for candidate, _ in compare_spy] == [
        ADMIN_KEY.encode(),
        (ADMIN_KEY[:-1] + "X").encode(),
        b"short",
    ]
    assert {expected for _, expected in compare_spy} == {ADMIN_KEY.encode()}


@pytest.mark.django_db
def test_the_http_path_uses_the_constant_time_comparison(api_client, compare_spy) -> None:
    response = api_client.get("/admin/train/status", HTTP_X_API_KEY="guess")
    assert response.status_code == 401
    assert compare_spy == [(b"guess", ADMIN_KEY.encode())]
    assert api_client.get("/admin/train/status", HTTP_X_API_KEY=ADMIN_KEY).status_code == 200
    assert len(compare_spy) == 2


@pytest.mark.parametrize("candidate", ["", " ", "anything", ADMIN_KEY])
def test_an_empty_configured_key_never_matches(settings, candidate: str) -> None:
    settings.ADMIN_API_KEY = ""
    assert not api_key_matches(candidate)


@pytest.mark.django_db
def test_with_no_configured_key_an_empty_header_is_refused_and_audited(
    api_client, settings
) -> None:
    settings.ADMIN_API_KEY = ""
    response = api_client.post("/admin/reload", HTTP_X_API_KEY="")
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_failed"
    event = AuditEvent.objects.get()
    assert (event.outcome, event.actor, event.action) == (
        "denied",
        "api-key (invalid)",
        "registry.reload",
    )


def test_non_ascii_candidates_are_refused_not_crashing() -> None:
    assert not api_key_matches("clé-" + ADMIN_KEY)
