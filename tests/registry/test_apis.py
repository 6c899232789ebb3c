"""Registry HTTP API: shapes exactly as DESIGN section 5, credentials, audit, errors."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from mlplatform.market_data import market_data_source_reset
from registry.models import ModelVersion, TrainingRun

pytestmark = pytest.mark.django_db


def _train(api_client, admin_headers, body=None):  # type: ignore[no-untyped-def]
    return api_client.post("/admin/train", body or {}, format="json", **admin_headers)


def test_three_trainings_in_sequence_give_v1_v2_v3(api_client, admin_headers):
    for expected in ("v1", "v2", "v3"):
        response = _train(api_client, admin_headers)
        assert response.status_code == 202, response.json()
        body = response.json()
        assert body["action"] == "train" and body["status"] == "started"
        training = body["training"]
        assert set(training) >= {
            "run_id",
            "state",
            "started_at",
            "completed_at",
            "latest_version",
            "error",
            "progress",
        }
        # the immediate backend ran it synchronously; the response shows the queued snapshot
        status = api_client.get("/admin/train/status", **admin_headers).json()
        assert status["action"] == "train_status"
        assert status["training"]["state"] == "succeeded"
        assert status["training"]["latest_version"] == expected
        assert status["training"]["progress"] == {"stage": "done", "percent": 100}
    listing = api_client.get("/models").json()
    assert listing["available_versions"] == ["v3", "v2", "v1"]
    assert listing["active_version"] == "v1"  # identical data: if_better keeps v1
    assert len(listing["models"]) == 3
    item = listing["models"][0]
    for key in (
        "version",
        "created_at",
        "training_metrics",
        "validation_metrics",
        "dataset_window",
        "is_active",
    ):
        assert key in item
    assert item["validation_metrics"]["model"]["rmse"] > 0
    assert [m["is_active"] for m in listing["models"]] == [False, False, True]
    # served under the API prefix too
    assert api_client.get("/api/v1/models").json()["available_versions"] == ["v3", "v2", "v1"]


def test_model_detail_and_unknown_versions(api_client, admin_headers):
    _train(api_client, admin_headers)
    detail = api_client.get("/models/v1").json()
    assert detail["version"] == "v1" and detail["is_active"] is True
    assert detail["feature_columns"] and detail["dataset_summary"]["n_symbols"] == 3
    assert detail["metadata"]["artifact_hashes"]["model.json"]
    for bad in ("v2", "latest", "v1..", "..%2Fv1", "v01x"):
        response = api_client.get(f"/models/{bad}")
        assert response.status_code == 404
        assert response.json()["error"] == "model_not_found"
        assert response.json()["status"] == "error" and response.json()["code"] == 404


def test_activate_rollback_and_activation_history(api_client, admin_headers):
    for _ in range(2):
        _train(api_client, admin_headers)
    response = api_client.post(
        "/admin/activate/v2", {"reason": "canary looked good"}, format="json", **admin_headers
    )
    assert response.status_code == 200
    assert response.json() == {"action": "activate", "status": "ok", "active_version": "v2"}
    response = api_client.post("/models/activate/v1", **admin_headers)
    assert response.json() == {"status": "ok", "active_version": "v1"}
    response = api_client.post(
        "/admin/rollback", {"reason": "oops"}, format="json", **admin_headers
    )
    assert response.json() == {
        "action": "rollback",
        "status": "ok",
        "active_version": "v2",
        "previous_version": "v1",
    }
    history = api_client.get("/models/activations").json()["activations"]
    assert [(h["from_version"], h["to_version"]) for h in history] == [
        ("v1", "v2"),
        ("v2", "v1"),
        ("v1", "v2"),
        (None, "v1"),
    ]
    assert history[0]["reason"] == "oops" and history[0]["actor"] == "api-key"
    assert set(history[0]) >= {"timestamp", "from_version", "to_version", "actor", "reason"}
    missing = api_client.post("/admin/activate/v9", **admin_headers)
    assert missing.status_code == 404 and missing.json()["error"] == "model_not_found"


def test_rollback_with_nothing_to_roll_back_is_a_409(api_client, admin_headers):
    response = api_client.post("/admin/rollback", **admin_headers)
    assert response.status_code == 409 and response.json()["error"] == "nothing_to_rollback"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/admin/train"),
        ("get", "/admin/train/status"),
        ("post", "/admin/activate/v1"),
        ("post", "/models/activate/v1"),
        ("post", "/admin/rollback"),
        ("post", "/admin/reload"),
    ],
)
def test_control_plane_requires_a_credential_and_audits_denials(
    api_client, viewer_headers, method, url
):
    response = getattr(api_client, method)(url)
    assert response.status_code == 401 and response.json()["status"] == "error"
    response = getattr(api_client, method)(url, HTTP_X_API_KEY="wrong")
    assert response.status_code == 401
    response = getattr(api_client, method)(url, **viewer_headers)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(outcome="denied", target=url).count() == 3
    assert not TrainingRun.objects.exists()


def test_operator_token_may_train_and_is_the_recorded_actor(api_client, operator_headers):
    response = api_client.post("/admin/train", **operator_headers)
    assert response.status_code == 202
    event = AuditEvent.objects.filter(action="model.train").first()
    assert event.actor == "operator" and event.actor_type == "user"
    assert ModelVersion.objects.get(version="v1").is_active


@pytest.mark.parametrize(
    "body",
    [
        {"symbols": ["not a symbol"]},
        {"symbols": []},
        {"lookback": "many"},
        {"lookback": 10},
        {"horizon": 0},
        {"horizon": 1000},
    ],
)
def test_train_body_is_validated_with_422(api_client, admin_headers, body):
    response = _train(api_client, admin_headers, body)
    assert response.status_code == 422, response.json()
    assert response.json()["error"] == "validation_error"
    assert not TrainingRun.objects.exists()


def test_train_body_overrides_symbols_and_horizon(api_client, admin_headers):
    response = _train(
        api_client, admin_headers, {"symbols": ["aaa", "DDD"], "horizon": 3, "lookback": 480}
    )
    assert response.status_code == 202
    row = ModelVersion.objects.get(version="v1")
    assert row.horizon_days == 3 and sorted(row.dataset_window) == ["AAA", "DDD"]
    assert api_client.get("/models/v1").json()["forecast_horizon"] == "3d"


def test_train_is_already_running_while_a_run_is_open(api_client, admin_headers):
    TrainingRun.objects.create(requested_by="someone", state="queued", task_id="x")
    response = _train(api_client, admin_headers)
    assert response.status_code == 200
    assert response.json()["status"] == "already_running"
    assert TrainingRun.objects.count() == 1


def test_failed_training_reports_the_error(api_client, admin_headers, settings, tmp_path):
    settings.MARKET_DATA_SOURCE = "csv"
    settings.MARKET_DATA_DIR = tmp_path  # no <SYMBOL>.csv files at all
    market_data_source_reset()
    response = _train(api_client, admin_headers)
    assert response.status_code == 202
    status = api_client.get("/admin/train/status", **admin_headers).json()["training"]
    assert status["state"] == "failed" and status["error"]
    assert "insufficient_data" in status["error"]
    assert not ModelVersion.objects.exists()
    assert AuditEvent.objects.filter(action="model.train", outcome="failed").exists()


def test_train_status_when_nothing_ever_ran(api_client, admin_headers):
    body = api_client.get("/admin/train/status", **admin_headers).json()
    assert body["training"]["state"] == "idle" and body["training"]["latest_version"] is None


def test_reload_drops_caches_and_reconciles(api_client, admin_headers):
    _train(api_client, admin_headers)
    response = api_client.post("/admin/reload", **admin_headers)
    assert response.status_code == 200
    body = response.json()
    assert body["action"] == "reload" and body["status"] == "ok"
    assert body["reconcile"]["storage_versions"] == ["v1"]
    assert body["reconcile"]["active_version"] == "v1"
    assert AuditEvent.objects.filter(action="registry.reload", outcome="success").exists()
