"""``GET /models/{version}`` carries the version page's lineage: the run, who, how, the decision."""

from __future__ import annotations

import pytest

from registry.models import ModelVersion, TrainingRun

pytestmark = pytest.mark.django_db


def test_detail_names_the_run_that_produced_the_version(api_client, operator_headers) -> None:
    response = api_client.post("/admin/train", {"horizon": 3}, format="json", **operator_headers)
    assert response.status_code == 202

    detail = api_client.get("/models/v1").json()

    run = TrainingRun.objects.get(model_version__version="v1")
    lineage = detail["training_run"]
    assert lineage["run_id"] == str(run.run_id)
    assert lineage["requested_by"] == "operator"
    assert lineage["requested_by_type"] == "user"
    assert lineage["origin"] == run.origin
    assert lineage["state"] == "succeeded"
    assert lineage["params"]["horizon"] == 3
    assert lineage["created_at"] and lineage["completed_at"]
    assert detail["horizon_days"] == 3
    assert detail["promotion"] == (ModelVersion.objects.get(version="v1").promotion or None)


def test_a_version_without_a_run_has_no_lineage(api_client, operator_headers) -> None:
    api_client.post("/admin/train", {}, format="json", **operator_headers)
    TrainingRun.objects.all().delete()  # as for a version imported from storage

    detail = api_client.get("/models/v1").json()

    assert detail["training_run"] is None
