"""Django admin: read-only records; activate / roll back / train now audited like the API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from audit.models import AuditEvent
from registry.models import ModelVersion, TrainingRun
from registry.services import train_model

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


def test_activate_and_rollback_actions_are_audited_with_the_admin_user(
    admin_client_operator, small_params, system_actor
):
    _versions(small_params, system_actor)
    ids = dict(ModelVersion.objects.values_list("version", "pk"))
    for label in ("v1", "v2"):
        response = admin_client_operator.post(
            "/admin/registry/modelversion/",
            {"action": "activate_version", "_selected_action": [ids[label]]},
        )
        assert response.status_code == 302
    assert ModelVersion.objects.get(is_active=True).version == "v2"
    events = AuditEvent.objects.filter(action="model.activate").order_by("id")
    assert [(e.actor, e.actor_type, e.target) for e in events] == [
        ("alice", "user", "v1"),
        ("alice", "user", "v2"),
    ]
    admin_client_operator.post(
        "/admin/registry/modelversion/",
        {"action": "rollback_active_version", "_selected_action": [ids["v2"]]},
    )
    assert ModelVersion.objects.get(is_active=True).version == "v1"
    assert AuditEvent.objects.get(action="model.rollback").actor == "alice"


def test_train_now_queues_a_run_as_the_admin_user(admin_client_operator):
    page = admin_client_operator.get("/admin/registry/trainingrun/")
    assert page.status_code == 200 and b"Train now" in page.content
    response = admin_client_operator.post("/admin/registry/trainingrun/train-now/")
    assert response.status_code == 302
    run = TrainingRun.objects.get()
    assert run.requested_by == "alice" and run.state == "succeeded"  # immediate backend
    assert AuditEvent.objects.filter(action="model.train", actor="alice").exists()
    assert ModelVersion.objects.filter(version="v1").exists()


def test_non_operator_staff_are_denied_and_audited(admin_client_viewer, small_params, system_actor):
    _versions(small_params, system_actor, 1)
    pk = ModelVersion.objects.get().pk
    admin_client_viewer.post(
        "/admin/registry/modelversion/",
        {"action": "activate_version", "_selected_action": [pk]},
    )
    admin_client_viewer.post("/admin/registry/trainingrun/train-now/")
    assert not ModelVersion.objects.filter(is_active=True).exists()
    assert not TrainingRun.objects.exists()
    denied = AuditEvent.objects.filter(outcome="denied", actor="bob")
    assert sorted(denied.values_list("action", flat=True)) == ["model.activate", "model.train"]
