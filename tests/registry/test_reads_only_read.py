"""Registry reads only read; reconciliation runs at start-up, never inside a read.

Queries are captured on the test's connection (``CaptureQueriesContext``). The traffic app's
request counter (``traffic.middleware``) flushes its per-minute counts to the database every
``REQUEST_STATS_FLUSH_SECONDS`` from inside whichever request is due, so these tests turn it
off with ``REQUEST_STATS_ENABLED=False`` to see only what the routes themselves write.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from mlplatform.actors import Actor
from mlplatform.process_state import reset_process_state
from registry.loading import loaded_model_get
from registry.models import ModelVersion
from registry.selectors import model_version_get, model_version_list
from registry.services import registry_reconcile_once, registry_reconciled, train_model
from registry.storage import artifact_store

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
PREDICT_WRITES = ("audit_predictionlog", "predictions_symbolfreshness")


def _writes(captured: CaptureQueriesContext) -> list[str]:
    # PostgreSQL's prepared statements are captured as "QUERY = '...' PARAMS = ..."
    statements = [q["sql"].removeprefix("QUERY = '").lstrip() for q in captured.captured_queries]
    return [sql for sql in statements if sql.upper().startswith(WRITES)]


@pytest.fixture
def two_versions(db, settings, small_params: dict[str, Any]) -> list[str]:  # type: ignore[no-untyped-def]
    settings.REQUEST_STATS_ENABLED = False
    actor = Actor.system("tester")
    first = train_model(params={**small_params, "activation_policy": "always"}, actor=actor)
    second = train_model(params={**small_params, "activation_policy": "never"}, actor=actor)
    return [first.version.version, second.version.version]


def test_get_models_and_a_version_write_nothing(two_versions, api_client) -> None:  # type: ignore[no-untyped-def]
    reset_process_state()  # a fresh process: caches empty, start-up reconciliation not yet run
    api_client.get("/health")  # liveness never waits for reconciliation
    assert not registry_reconciled()
    api_client.get("/ready")  # the first other request runs the start-up reconciliation
    assert registry_reconciled()
    for path in ("/models", f"/models/{two_versions[0]}", f"/models/{two_versions[1]}"):
        with CaptureQueriesContext(connection) as captured:
            response = api_client.get(path)
        assert response.status_code == 200, response.content
        assert captured.captured_queries, "the capture saw the route's reads"
        assert _writes(captured) == [], path


def test_predict_writes_only_its_log_and_freshness(two_versions, api_client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MARKET_DATA_SOURCE = "synthetic"
    from mlplatform.market_data import market_data_source_reset

    market_data_source_reset()
    reset_process_state()
    api_client.get("/ready")
    with CaptureQueriesContext(connection) as captured:
        response = api_client.get("/predict", {"symbol": "AAA"})
    assert response.status_code == 200, response.content
    writes = _writes(captured)
    assert writes, "a prediction is logged"
    assert all(any(table in sql for table in PREDICT_WRITES) for sql in writes), writes
    assert any("audit_predictionlog" in sql for sql in writes)


def test_reads_never_reconcile_but_start_up_does(two_versions, api_client) -> None:  # type: ignore[no-untyped-def]
    """Versions only in storage: reads neither see nor import them; the first request does."""
    store = artifact_store()
    # Storage holds both versions; a database that never saw v2 (a new region, a restored
    # backup): drop its row and forget this process's reconciliation.
    ModelVersion.objects.filter(version=two_versions[1]).delete()
    assert store.max_version_number() == 2
    reset_process_state()
    audits = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as captured:
        listed = [row.version for row in model_version_list()]
        with pytest.raises(Exception) as missing:
            model_version_get(version=two_versions[1])
        assert loaded_model_get().version == two_versions[0]
    assert getattr(missing.value, "code", None) == "model_not_found"
    assert listed == [two_versions[0]]
    assert _writes(captured) == []
    assert AuditEvent.objects.count() == audits
    assert not registry_reconciled()

    body = api_client.get("/models").json()  # the first request: start-up reconciliation
    assert [m["version"] for m in body["models"]] == [two_versions[1], two_versions[0]]
    assert AuditEvent.objects.filter(action="model.import", target=two_versions[1]).exists()
    assert registry_reconciled()


def test_a_version_whose_folder_is_gone_is_not_flagged_by_a_listing(
    two_versions, api_client
) -> None:  # type: ignore[no-untyped-def]
    """Flagging missing artifacts is reconciliation's (or a load's) job, not a listing's."""
    registry_reconcile_once()
    shutil.rmtree(f"{django_settings.MODEL_REGISTRY_DIR}/{two_versions[1]}")
    with CaptureQueriesContext(connection) as captured:
        assert api_client.get("/models").status_code == 200
        assert api_client.get(f"/models/{two_versions[1]}").status_code == 200
    assert _writes(captured) == []
    assert ModelVersion.objects.get(version=two_versions[1]).status == "ready"
