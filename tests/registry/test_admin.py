"""Django admin: read-only records; activate / roll back / train now audited like the API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from audit.models import AuditEvent
from monitoring.models import DriftSnapshot
from registry.models import ModelVersion, TrainingRun
from registry.services import train_model
from registry.storage import artifact_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_operator(db) -> Client:  # type: ignore[no-untyped-def]
    user = User.objects.create_user("alice", password="pw-alice-123456", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="operators")[0])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client_viewer(db) -> Client:  # type: ignore[no-untyped-def]
    user = User.objects.create_user("bob", password="pw-bob-1234567", is_staff=True)
    client = Client()
    client.force_login(user)
    return client


def _versions(small_params, actor, n=2):  # type: ignore[no-untyped-def]
    for _ in range(n):
        train_model(params={**small_params, "activation_policy": "never"}, actor=actor)


def test_version_pages_render_read_only(admin_client_operator, small_params, system_actor):
    _versions(small_params, system_actor, 1)
    listing = admin_client_operator.get("/admin/registry/modelversion/")
    assert listing.status_code == 200 and b"v1" in listing.content
    pk = ModelVersion.objects.get().pk
    page = admin_client_operator.get(f"/admin/registry/modelversion/{pk}/change/")
    assert page.status_code == 200 and b"Validation metrics" in page.content
    assert b'name="_save"' not in page.content
    assert admin_client_operator.get("/admin/registry/modelversion/add/").status_code == 403


def _activate(client, pk, reason="canary looked good"):  # type: ignore[no-untyped-def]
    data = {"action": "activate_version", "_selected_action": [pk]}
    if reason is not None:
        data.update(confirm="1", reason=reason)
    return client.post("/admin/registry/modelversion/", data)


def test_activate_asks_for_a_reason_then_is_audited_with_the_admin_user(
    admin_client_operator, small_params, system_actor
):
    _versions(small_params, system_actor, n=3)
    ids = dict(ModelVersion.objects.values_list("version", "pk"))
    confirm = _activate(admin_client_operator, ids["v1"], reason=None)
    assert confirm.status_code == 200 and b"Activate v1" in confirm.content
    assert b'name="reason"' in confirm.content
    assert not ModelVersion.objects.filter(is_active=True).exists()
    blank = _activate(admin_client_operator, ids["v1"], reason="   ")
    assert blank.status_code == 200 and b"This field is required." in blank.content
    assert not ModelVersion.objects.filter(is_active=True).exists()
    for label in ("v1", "v2", "v3"):
        response = _activate(admin_client_operator, ids[label], reason=f"go {label}")
        assert response.status_code == 302
    assert ModelVersion.objects.get(is_active=True).version == "v3"
    events = AuditEvent.objects.filter(action="model.activate").order_by("id")
    assert [(e.actor, e.actor_type, e.target, e.details["reason"]) for e in events] == [
        ("alice", "user", "v1", "go v1"),
        ("alice", "user", "v2", "go v2"),
        ("alice", "user", "v3", "go v3"),
    ]

    # rollback: a plain button whose confirmation names the target, walking back
    page = admin_client_operator.get("/admin/registry/modelversion/")
    assert b"Roll back" in page.content
    confirm = admin_client_operator.get("/admin/registry/modelversion/rollback/")
    assert "Roll back v3 → v2" in confirm.content.decode()
    refused = admin_client_operator.post("/admin/registry/modelversion/rollback/", {"reason": ""})
    assert refused.status_code == 200 and ModelVersion.objects.get(is_active=True).version == "v3"
    for expected in ("v2", "v1"):
        response = admin_client_operator.post(
            "/admin/registry/modelversion/rollback/", {"reason": f"back to {expected}"}
        )
        assert response.status_code == 302
        assert ModelVersion.objects.get(is_active=True).version == expected
    rollbacks = AuditEvent.objects.filter(action="model.rollback").order_by("id")
    assert [(e.actor, e.target, e.details["reason"]) for e in rollbacks] == [
        ("alice", "v2", "back to v2"),
        ("alice", "v1", "back to v1"),
    ]
    done = admin_client_operator.get("/admin/registry/modelversion/rollback/")
    assert b"Nothing to roll back" in done.content


def test_admin_activation_of_a_missing_artifact_is_refused(
    admin_client_operator, small_params, system_actor
):
    _versions(small_params, system_actor, n=2)
    ids = dict(ModelVersion.objects.values_list("version", "pk"))
    _activate(admin_client_operator, ids["v1"])
    artifact_store().delete("v2/model.json")
    response = _activate(admin_client_operator, ids["v2"], reason="try")
    assert response.status_code == 302
    page = admin_client_operator.get(response["Location"])
    text = page.content.decode()
    assert "odel_unavailable: v2 cannot be activated: v2/model.json is missing" in text
    assert "v1 stays active" in text
    assert ModelVersion.objects.get(is_active=True).version == "v1"
    assert ModelVersion.objects.get(version="v2").status == "missing"


def test_version_and_drift_pages_render_readable_fields(
    admin_client_operator, small_params, system_actor
):
    _versions(small_params, system_actor, n=1)
    pk = ModelVersion.objects.get().pk
    page = admin_client_operator.get(f"/admin/registry/modelversion/{pk}/change/").content.decode()
    assert "<pre>" not in page
    assert "<th>directional accuracy</th>" in page and "baseline_zero" in page
    assert "first date" in page and "AAA" in page  # data window per symbol, as a table
    assert "policy never" in page  # the promotion decision
    rmse = ModelVersion.objects.get().validation_metrics["model"]["rmse"]
    assert f"{rmse:.4g}" in page and repr(rmse) not in page  # 4 significant digits, not 17
    snapshot = DriftSnapshot.objects.create(
        version="v1",
        source="market",
        status="drift_detected",
        drift_share=0.25,
        samples=120,
        report={
            "status": "drift_detected",
            "method": "ks",
            "threshold": 0.05,
            "drift_share": 0.25,
            "details": {
                "ret_1": {"statistic": 0.123456789, "p_value": 0.000012345, "drift": True},
                "vol_20": {"statistic": 0.05, "p_value": 0.61, "drift": False},
            },
        },
    )
    root = Client()
    root.force_login(User.objects.create_superuser("root", password="pw-root-12345678"))
    page = root.get(f"/admin/monitoring/driftsnapshot/{snapshot.pk}/change/").content.decode()
    assert "<pre>" not in page and "25.0% of features" in page
    assert "<th>p value</th>" in page and "0.1235" in page and "1.234e-05" in page


def test_train_form_takes_options_and_runs_show_origin_and_decision(admin_client_operator):
    page = admin_client_operator.get("/admin/registry/trainingrun/")
    assert page.status_code == 200 and b"Train" in page.content
    form = admin_client_operator.get("/admin/registry/trainingrun/train-now/")
    for field in (b'name="symbols"', b'name="lookback"', b'name="horizon"', b'name="policy"'):
        assert field in form.content
    bad = admin_client_operator.post(
        "/admin/registry/trainingrun/train-now/", {"symbols": "bad symbol"}
    )
    assert bad.status_code == 200 and b"invalid symbol" in bad.content
    assert not TrainingRun.objects.exists()
    response = admin_client_operator.post(
        "/admin/registry/trainingrun/train-now/",
        {"symbols": "AAA, bbb", "lookback": "520", "horizon": "5", "policy": "never"},
    )
    assert response.status_code == 302
    run = TrainingRun.objects.get()
    assert run.requested_by == "alice" and run.state == "succeeded"  # immediate backend
    assert run.origin == "admin"
    assert run.params == {
        "symbols": ["AAA", "BBB"],
        "lookback": 520,
        "horizon": 5,
        "activation_policy": "never",
    }
    assert run.promotion["decision"] == "held"
    listing = admin_client_operator.get("/admin/registry/trainingrun/").content.decode()
    assert "v1 registered, not activated: policy never" in listing and ">admin<" in listing
    assert AuditEvent.objects.filter(action="model.train", actor="alice").exists()


def test_non_operator_staff_are_denied_and_audited(admin_client_viewer, small_params, system_actor):
    _versions(small_params, system_actor, 1)
    pk = ModelVersion.objects.get().pk
    _activate(admin_client_viewer, pk)
    admin_client_viewer.post("/admin/registry/trainingrun/train-now/")
    admin_client_viewer.post("/admin/registry/modelversion/rollback/", {"reason": "x"})
    assert not ModelVersion.objects.filter(is_active=True).exists()
    assert not TrainingRun.objects.exists()
    denied = AuditEvent.objects.filter(outcome="denied", actor="bob")
    assert sorted(denied.values_list("action", flat=True)) == [
        "model.activate",
        "model.rollback",
        "model.train",
    ]
