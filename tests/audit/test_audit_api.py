from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from audit import services as audit_services
from audit.models import AuditEvent, PredictionLog
from audit.services import audit_event_record
from mlplatform.actors import Actor

pytestmark = pytest.mark.django_db
LIST_URL = "/admin/audit"
CLEAR_URL = "/admin/audit/clear"


def _log(age: timedelta) -> PredictionLog:
    return PredictionLog.objects.create(
        request_id=uuid.uuid4().hex,
        timestamp=timezone.now() - age,
        symbol="AAPL",
        model_version="v1",
        prediction="BUY",
        confidence=0.7,
        probability_up=0.7,
        expected_return=0.01,
        latency_ms=4.2,
    )


def test_list_returns_events_newest_first_with_filters(api_client, admin_headers) -> None:
    alice = Actor(name="alice", type="user")
    audit_event_record(actor=alice, action="model.activate", target="v1")
    audit_event_record(actor=Actor.system(), action="train", outcome="failed")
    audit_event_record(actor=alice, action="model.activate", target="v2", outcome="denied")

    events = api_client.get(LIST_URL, **admin_headers).json()["events"]
    assert [e["target"] for e in events[:3]] == ["v2", "", "v1"]
    assert set(events[0]) == {
        "timestamp",
        "actor",
        "actor_type",
        "action",
        "target",
        "outcome",
        "details",
        "request_id",
    }

    def query(**params: object) -> list[dict]:
        return api_client.get(LIST_URL, params, **admin_headers).json()["events"]

    assert [e["target"] for e in query(action="model.activate")] == ["v2", "v1"]
    assert [e["target"] for e in query(actor="alice", outcome="success")] == ["v1"]
    assert [e["action"] for e in query(actor="system")] == ["train"]
    assert len(query(limit=1)) == 1
    assert api_client.get(LIST_URL, {"outcome": "meh"}, **admin_headers).status_code == 422
    assert api_client.get(LIST_URL, {"limit": 0}, **admin_headers).status_code == 422


def test_reading_is_not_audited_but_denials_are(api_client, admin_headers, viewer_headers) -> None:
    assert api_client.get(LIST_URL, **admin_headers).status_code == 200
    assert AuditEvent.objects.count() == 0

    anonymous = api_client.get(LIST_URL)
    viewer = api_client.get(LIST_URL, **viewer_headers)
    wrong_key = api_client.get(LIST_URL, HTTP_X_API_KEY="nope")

    assert anonymous.status_code == 401
    assert wrong_key.status_code == 401
    assert viewer.status_code == 403
    denied = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.outcome) for e in denied] == [("audit.read", "denied")] * 3
    assert [e.actor_type for e in denied] == ["anonymous", "user", "anonymous"]
    assert denied[1].actor == "viewer"


def test_operator_token_can_read(api_client, operator_headers) -> None:
    assert api_client.get(LIST_URL, **operator_headers).status_code == 200


def test_clear_deletes_logs_and_records_itself(api_client, admin_headers) -> None:
    for minutes in (1, 2, 3):
        _log(timedelta(minutes=minutes))

    response = api_client.delete(
        f"{CLEAR_URL}?reason=test+reset", **admin_headers, HTTP_X_REQUEST_ID="req-clear-1"
    )

    assert response.status_code == 200
    assert response.json() == {"action": "audit_clear", "status": "ok", "deleted": 3}
    assert PredictionLog.objects.count() == 0
    event = AuditEvent.objects.get(action="audit.clear")
    assert (event.actor, event.actor_type, event.outcome) == ("api-key", "api_key", "success")
    assert event.details == {"deleted": 3, "before": None, "after": None, "reason": "test reset"}
    assert event.request_id == "req-clear-1"
    assert event.client_ip == "127.0.0.1"


def test_clear_before_keeps_newer_logs(api_client, admin_headers) -> None:
    keep = _log(timedelta(hours=1))
    _log(timedelta(days=2))
    _log(timedelta(days=3))
    before = (timezone.now() - timedelta(days=1)).isoformat()

    response = api_client.delete(
        f"{CLEAR_URL}?reason=old&before={before.replace('+', '%2B')}", **admin_headers
    )

    assert response.json()["deleted"] == 2
    assert list(PredictionLog.objects.values_list("pk", flat=True)) == [keep.pk]
    assert AuditEvent.objects.get(action="audit.clear").details["deleted"] == 2


def test_clear_with_invalid_before_is_422_and_deletes_nothing(api_client, admin_headers) -> None:
    _log(timedelta(days=2))

    response = api_client.delete(f"{CLEAR_URL}?reason=x&before=yesterday", **admin_headers)

    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert PredictionLog.objects.count() == 1
    assert not AuditEvent.objects.filter(action="audit.clear").exists()


def test_clear_denied_is_audited_and_deletes_nothing(api_client, viewer_headers) -> None:
    _log(timedelta(minutes=5))

    assert api_client.delete(CLEAR_URL).status_code == 401
    assert api_client.delete(CLEAR_URL, **viewer_headers).status_code == 403

    assert PredictionLog.objects.count() == 1
    outcomes = list(AuditEvent.objects.values_list("action", "outcome"))
    assert outcomes == [("audit.clear", "denied")] * 2


def test_clear_rolls_back_when_the_audit_row_fails(api_client, admin_headers, monkeypatch) -> None:
    _log(timedelta(minutes=5))

    def broken(**kwargs: object) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(audit_services, "audit_event_record", broken)
    response = api_client.delete(f"{CLEAR_URL}?reason=x", **admin_headers)

    assert response.status_code == 500
    assert PredictionLog.objects.count() == 1


def test_audit_events_cannot_be_deleted_through_the_api(api_client, admin_headers) -> None:
    audit_event_record(actor=Actor.system(), action="train")
    _log(timedelta(minutes=1))

    assert api_client.delete(LIST_URL, **admin_headers).status_code == 405
    api_client.delete(f"{CLEAR_URL}?reason=x", **admin_headers)

    # the clear removed the logs, and only added to the audit trail
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "train",
        "audit.clear",
    ]
    assert api_client.get("/api/v1/admin/audit", **admin_headers).status_code == 200


def test_clear_needs_a_reason_and_deletes_nothing_without_one(api_client, admin_headers) -> None:
    _log(timedelta(minutes=5))

    for url in (CLEAR_URL, f"{CLEAR_URL}?reason=%20%20"):
        response = api_client.delete(url, **admin_headers)
        assert response.status_code == 422
        assert response.json()["error"] == "validation_error"
    assert PredictionLog.objects.count() == 1
    assert not AuditEvent.objects.filter(action="audit.clear").exists()


def test_clear_a_range_from_a_json_body_records_range_and_reason(api_client, admin_headers) -> None:
    newest = _log(timedelta(hours=1))
    _log(timedelta(days=2))
    oldest = _log(timedelta(days=5))
    now = timezone.now()
    body = {
        "after": (now - timedelta(days=3)).isoformat(),
        "before": (now - timedelta(days=1)).isoformat(),
        "reason": "bad replay on day -2",
    }

    response = api_client.delete(CLEAR_URL, body, format="json", **admin_headers)

    assert response.json() == {"action": "audit_clear", "status": "ok", "deleted": 1}
    assert set(PredictionLog.objects.values_list("pk", flat=True)) == {newest.pk, oldest.pk}
    details = AuditEvent.objects.get(action="audit.clear").details
    assert details["reason"] == "bad replay on day -2"
    assert details["after"] and details["before"] and details["deleted"] == 1


def test_clear_with_an_empty_range_is_422(api_client, admin_headers) -> None:
    now = timezone.now()
    body = {
        "after": now.isoformat(),
        "before": (now - timedelta(days=1)).isoformat(),
        "reason": "x",
    }

    response = api_client.delete(CLEAR_URL, body, format="json", **admin_headers)

    assert response.status_code == 422
    assert "after must be earlier" in str(response.json()["details"])
