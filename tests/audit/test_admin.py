"""The Django admin shows audit events, prediction logs and drift snapshots, read-only."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent, PredictionLog
from audit.services import audit_event_record
from mlplatform.actors import Actor
from monitoring.models import DriftSnapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_site_client() -> Client:
    user = User.objects.create_superuser("root", "root@example.com", "root-password-123")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rows() -> dict[str, object]:
    event = audit_event_record(actor=Actor(name="alice", type="user"), action="model.activate")
    audit_event_record(actor=Actor.system(), action="train", outcome="failed")
    log = PredictionLog.objects.create(
        request_id=uuid.uuid4().hex,
        symbol="AAPL",
        model_version="v1",
        prediction="BUY",
        confidence=0.6,
        probability_up=0.6,
        expected_return=0.01,
        latency_ms=3.0,
    )
    snapshot = DriftSnapshot.objects.create(version="v1", source="live", status="healthy")
    return {"auditevent": event, "predictionlog": log, "driftsnapshot": snapshot}


@pytest.mark.parametrize(
    ("app", "model"),
    [("audit", "auditevent"), ("audit", "predictionlog"), ("monitoring", "driftsnapshot")],
)
def test_read_only_admin(admin_site_client: Client, rows, app: str, model: str) -> None:
    obj = rows[model]
    changelist = reverse(f"admin:{app}_{model}_changelist")

    listing = admin_site_client.get(changelist)
    assert listing.status_code == 200
    assert "delete_selected" not in listing.content.decode()
    assert admin_site_client.get(reverse(f"admin:{app}_{model}_add")).status_code == 403
    assert (
        admin_site_client.get(reverse(f"admin:{app}_{model}_delete", args=[obj.pk])).status_code
        == 403
    )
    assert (
        admin_site_client.post(
            reverse(f"admin:{app}_{model}_delete", args=[obj.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    # the change page only displays (no save button), and a forged POST changes nothing
    detail = admin_site_client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert (
        admin_site_client.post(
            reverse(f"admin:{app}_{model}_change", args=[obj.pk]), {}
        ).status_code
        == 403
    )
    # the bulk delete action is not available even when posted by hand
    admin_site_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_audit_admin_filters(admin_site_client: Client, rows) -> None:
    changelist = reverse("admin:audit_auditevent_changelist")

    denied = admin_site_client.get(changelist, {"outcome": "failed"})
    by_actor = admin_site_client.get(changelist, {"actor": "alice"})

    assert denied.status_code == 200
    assert list(denied.context["cl"].result_list) == list(
        AuditEvent.objects.filter(outcome="failed")
    )
    assert [e.actor for e in by_actor.context["cl"].result_list] == ["alice"]
    logs = admin_site_client.get(
        reverse("admin:audit_predictionlog_changelist"), {"symbol": "AAPL", "model_version": "v1"}
    )
    assert len(logs.context["cl"].result_list) == 1
    assert AuditEvent.objects.count() == 2
