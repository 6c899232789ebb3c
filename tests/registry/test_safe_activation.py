"""Safe activation, an unavailable active version, rollback through history, decisions (API)."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from mlplatform.process_state import reset_process_state
from registry.models import Activation, ModelVersion
from registry.services import registry_reconcile, registry_reconcile_once
from registry.storage import artifact_store

pytestmark = pytest.mark.django_db


def _train(api_client, admin_headers, **body):  # type: ignore[no-untyped-def]
    response = api_client.post("/admin/train", body, format="json", **admin_headers)
    assert response.status_code == 202, response.json()
    return response.json()


def _corrupt(name: str) -> None:
    store = artifact_store()
    data = bytearray(store.read_bytes(name))
    data[len(data) // 2] ^= 0x01
    store.write_bytes(name, bytes(data))


def _predict(api_client):  # type: ignore[no-untyped-def]
    return api_client.get("/predict", {"symbol": "AAA"})


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
@pytest.mark.parametrize("route", ["/admin/activate/v2", "/models/activate/v2"])
def test_activating_a_damaged_version_is_refused_and_the_active_one_keeps_serving(
    api_client, admin_headers, damage, route
):
    _train(api_client, admin_headers, policy="always")
    _train(api_client, admin_headers, policy="never")
    assert _predict(api_client).json()["model_version"] == "v1"
    if damage == "missing":
        artifact_store().delete("v2/model.json")
    else:
        _corrupt("v2/model.json")

    refused = api_client.post(route, {"reason": "try v2"}, format="json", **admin_headers)

    assert refused.status_code == 409
    body = refused.json()
    assert body["error"] == "model_unavailable" and body["status"] == "error"
    assert body["details"]["file"] == "model.json" and body["details"]["status"] == damage
    assert body["details"]["active_version"] == "v1"
    assert "v2/model.json" in body["details"]["detail"]
    listing = api_client.get("/models").json()
    assert listing["active_version"] == "v1"
    statuses = {m["version"]: m["status"] for m in listing["models"]}
    assert statuses == {"v1": "ready", "v2": damage}
    served = _predict(api_client)
    assert served.status_code == 200 and served.json()["model_version"] == "v1"
    assert Activation.objects.filter(to_version__version="v2").count() == 0
    event = AuditEvent.objects.filter(action="model.activate", target="v2").get()
    assert event.outcome == "failed" and event.details["error"] == "model_unavailable"


def test_losing_the_active_artifact_keeps_it_active_and_reports_it(api_client, admin_headers):
    _train(api_client, admin_headers, policy="always")
    assert _predict(api_client).status_code == 200  # this process loaded (and verified) v1
    artifact_store().delete("v1/model.json")
    registry_reconcile()  # e.g. another instance starting up notices

    listing = api_client.get("/models").json()
    assert listing["active_version"] == "v1" and listing["active_status"] == "missing"
    assert listing["models"][0]["status"] == "missing" and listing["models"][0]["is_active"]
    ready = api_client.get("/ready")
    assert ready.status_code == 200 and ready.json()["data"]["status"] == "degraded"
    model_check = ready.json()["data"]["checks"]["model"]
    assert model_check["status"] == "failed" and model_check["error"] == "model_unavailable"
    assert model_check["active_version"] == "v1" and model_check["active_status"] == "missing"
    assert model_check["served_from_memory"] is True
    # this process verified v1 when it loaded it and keeps serving it
    assert _predict(api_client).json()["model_version"] == "v1"

    reset_process_state()  # a fresh process cannot load it: 503, never "no active model"
    for _ in range(2):
        failed = _predict(api_client)
        assert failed.status_code == 503
        assert failed.json()["error"] == "model_unavailable"
        assert failed.json()["details"]["version"] == "v1"
    assert api_client.get("/models").json()["active_version"] == "v1"
    check = api_client.get("/ready").json()["data"]["checks"]["model"]
    assert check["served_from_memory"] is False and check["active_version"] == "v1"


def test_rollback_walks_back_through_history_skipping_an_unavailable_version(
    api_client, admin_headers
):
    for _ in range(4):
        _train(api_client, admin_headers, policy="always")  # v1 -> v2 -> v3 -> v4
    registry_reconcile_once()  # a process that has been up: startup reconciliation is done
    artifact_store().delete("v3/drift_reference.json")
    # judged on recorded availability until someone looks: v3 is not flagged yet
    assert api_client.get("/models").json()["rollback_target"] == "v3"

    def rollback(reason: str):  # type: ignore[no-untyped-def]
        return api_client.post(
            "/admin/rollback", {"reason": reason}, format="json", **admin_headers
        )

    first = rollback("v4 misbehaves")
    assert first.status_code == 200, first.json()
    assert first.json() == {
        "action": "rollback",
        "status": "ok",
        "active_version": "v2",
        "previous_version": "v4",
    }
    assert ModelVersion.objects.get(version="v3").status == "missing"
    assert api_client.get("/models").json()["rollback_target"] == "v1"
    second = rollback("v2 too")
    assert (second.json()["active_version"], second.json()["previous_version"]) == ("v1", "v2")
    assert api_client.get("/models").json()["rollback_target"] is None
    third = rollback("and again")
    assert third.status_code == 409 and third.json()["error"] == "nothing_to_rollback"
    assert api_client.get("/models").json()["active_version"] == "v1"

    history = api_client.get("/models/activations").json()["activations"]
    assert [(h["kind"], h["from_version"], h["to_version"]) for h in history] == [
        ("rollback", "v2", "v1"),
        ("rollback", "v4", "v2"),
        ("policy", "v3", "v4"),
        ("policy", "v2", "v3"),
        ("policy", "v1", "v2"),
        ("policy", None, "v1"),
    ]
    assert history[0]["reason"] == "v2 too"


def test_rollback_after_activating_again_goes_to_the_version_before(api_client, admin_headers):
    for _ in range(3):
        _train(api_client, admin_headers, policy="always")  # v1 -> v2 -> v3
    api_client.post("/admin/rollback", {"reason": "r1"}, format="json", **admin_headers)  # v2
    api_client.post("/admin/activate/v3", {"reason": "fixed"}, format="json", **admin_headers)
    assert api_client.get("/models").json()["rollback_target"] == "v2"
    again = api_client.post("/admin/rollback", {"reason": "r2"}, format="json", **admin_headers)
    assert again.json()["active_version"] == "v2"


def test_rollback_refused_when_every_earlier_version_is_unavailable(api_client, admin_headers):
    for _ in range(3):
        _train(api_client, admin_headers, policy="always")
    artifact_store().delete("v2/model.json")
    _corrupt("v1/model.json")
    refused = api_client.post("/admin/rollback", {"reason": "x"}, format="json", **admin_headers)
    assert refused.status_code == 409 and refused.json()["error"] == "model_unavailable"
    assert refused.json()["details"]["unavailable"] == ["v2", "v1"]
    assert "v2/model.json is missing" in refused.json()["details"]["reasons"][0]
    assert api_client.get("/models").json()["active_version"] == "v3"
    assert _predict(api_client).json()["model_version"] == "v3"


def test_training_objects_carry_origin_and_promotion_and_held_versions_say_so(
    api_client, admin_headers
):
    started = _train(api_client, admin_headers, policy="always", origin="dashboard")
    assert started["training"]["origin"] == "dashboard"
    _train(api_client, admin_headers, policy="never", reason="nightly")
    status = api_client.get("/admin/train/status", **admin_headers).json()["training"]
    assert status["origin"] == "api" and status["state"] == "succeeded"
    assert status["promotion"] == {"decision": "held", "reason": "policy never", "policy": "never"}
    assert status["latest_version"] == "v2"
    models = {m["version"]: m for m in api_client.get("/models").json()["models"]}
    assert models["v2"]["status"] == "held" and models["v2"]["artifact_status"] == "ready"
    assert models["v2"]["promotion"]["decision"] == "held"
    assert (
        models["v1"]["status"] == "ready" and models["v1"]["promotion"]["decision"] == "activated"
    )
    assert models["v1"]["horizon"] == 5
    # a held version can still be activated by an operator; it is then no longer "held"
    api_client.post("/admin/activate/v2", {"reason": "manual"}, format="json", **admin_headers)
    models = {m["version"]: m for m in api_client.get("/models").json()["models"]}
    assert models["v2"]["status"] == "ready"
    started_events = AuditEvent.objects.filter(action="model.train", details__status="started")
    event = started_events.order_by("id").last()
    assert event.details["reason"] == "nightly" and event.details["origin"] == "api"


def test_train_rejects_an_unknown_policy_or_origin(api_client, admin_headers):
    for body in ({"policy": "sometimes"}, {"origin": "admin"}):
        response = api_client.post("/admin/train", body, format="json", **admin_headers)
        assert response.status_code == 422, body


def test_rollback_after_activating_an_old_version_walks_back_through_both(
    api_client, admin_headers
):
    """v1 -> v2 -> (activate) v1 -> rollback goes to v2 -> rollback goes to v1 -> nothing."""
    for _ in range(2):
        _train(api_client, admin_headers, policy="always")
    api_client.post("/admin/activate/v1", {"reason": "check v1"}, format="json", **admin_headers)
    labels = []
    for _ in range(2):
        response = api_client.post(
            "/admin/rollback", {"reason": "r"}, format="json", **admin_headers
        )
        labels.append(response.json()["active_version"])
    assert labels == ["v2", "v1"]
    last = api_client.post("/admin/rollback", {"reason": "r"}, format="json", **admin_headers)
    assert last.status_code == 409 and last.json()["error"] == "nothing_to_rollback"


def test_registry_responses_match_their_openapi_schemas(api_client, admin_headers):
    from tests.predictions.test_schema import _check

    openapi = api_client.get("/api/schema/", {"format": "json"}).json()
    idle = api_client.get("/admin/train/status", **admin_headers)
    _check(openapi, "/admin/train/status", "get", 200, idle.json())
    started = _train(api_client, admin_headers, policy="always")
    _check(openapi, "/admin/train", "post", 202, started)
    _train(api_client, admin_headers, policy="never")
    artifact_store().delete("v2/model.json")
    api_client.post("/admin/activate/v2", {"reason": "x"}, format="json", **admin_headers)
    _train(api_client, admin_headers, policy="always")
    _check(
        openapi,
        "/admin/train/status",
        "get",
        200,
        api_client.get("/admin/train/status", **admin_headers).json(),
    )
    _check(openapi, "/models", "get", 200, api_client.get("/models").json())
    _check(openapi, "/models/activations", "get", 200, api_client.get("/models/activations").json())
    rolled = api_client.post("/admin/rollback", {"reason": "r"}, format="json", **admin_headers)
    _check(openapi, "/admin/rollback", "post", 200, rolled.json())
    refused = api_client.post("/admin/activate/v2", {"reason": "x"}, format="json", **admin_headers)
    _check(openapi, "/admin/activate/{version}", "post", 409, refused.json())
    models = api_client.get("/models").json()
    assert {m["version"]: m["status"] for m in models["models"]} == {
        "v1": "ready",
        "v2": "missing",
        "v3": "ready",
    }
