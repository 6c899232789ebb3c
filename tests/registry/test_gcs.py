"""The registry on Google Cloud Storage, against the real ``gcp-storage-emulator``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage as gcs

from mlplatform.process_state import reset_process_state
from registry.errors import ModelArtifactCorrupt
from registry.loading import loaded_model_get
from registry.models import Activation, ModelVersion, TrainingRun

BUCKET = "mlp-test-registry"
EMULATOR = Path(sys.executable).with_name("gcp-storage-emulator")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def gcs_emulator() -> Iterator[str]:
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(EMULATOR), "start", "--host", "127.0.0.1", "--port", str(port), "--in-memory", "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    previous = os.environ.get("STORAGE_EMULATOR_HOST")
    os.environ["STORAGE_EMULATOR_HOST"] = host
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("gcp-storage-emulator did not start")
                time.sleep(0.1)
        client = gcs.Client(project="test", credentials=AnonymousCredentials())
        client.create_bucket(BUCKET)
        yield host
    finally:
        process.terminate()
        process.wait(10)
        if previous is None:
            os.environ.pop("STORAGE_EMULATOR_HOST", None)
        else:
            os.environ["STORAGE_EMULATOR_HOST"] = previous


@pytest.fixture
def gcs_registry(gcs_emulator: str, settings) -> str:  # type: ignore[no-untyped-def]
    prefix = f"models-{uuid.uuid4().hex[:8]}"
    settings.MODEL_REGISTRY_DIR = f"gs://{BUCKET}/{prefix}"
    reset_process_state()
    return prefix


def _blob(prefix: str, name: str) -> gcs.Blob:
    client = gcs.Client(project="test", credentials=AnonymousCredentials())
    return client.bucket(BUCKET).blob(f"{prefix}/{name}")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_versions_and_active_pointer_survive_a_fresh_database(
    api_client, admin_headers, gcs_registry
):
    for _ in range(3):
        assert api_client.post("/admin/train", **admin_headers).status_code == 202
    api_client.post("/admin/activate/v2", {"reason": "pick v2"}, format="json", **admin_headers)
    before = api_client.get("/models").json()
    assert before["available_versions"] == ["v3", "v2", "v1"]
    assert before["active_version"] == "v2"
    assert _blob(gcs_registry, "v3/manifest.json").exists()
    assert b'"v2"' in _blob(gcs_registry, "ACTIVE.json").download_as_bytes()

    # a new Cloud Run revision: empty database, empty process caches, same bucket
    Activation.objects.all().delete()
    TrainingRun.objects.all().delete()
    ModelVersion.objects.all().delete()
    reset_process_state()

    after = api_client.get("/models").json()
    assert after["available_versions"] == ["v3", "v2", "v1"]
    assert after["active_version"] == "v2"
    for old, new in zip(before["models"], after["models"], strict=True):
        assert new["validation_metrics"] == old["validation_metrics"]
        assert new["dataset_window"] == old["dataset_window"]
        assert new["created_at"] == old["created_at"]
        assert new["source"] == "imported"
    assert loaded_model_get().version == "v2"
    # the next training continues the numbering
    api_client.post("/admin/train", **admin_headers)
    assert api_client.get("/models").json()["available_versions"][0] == "v4"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_corrupt_artifact_in_the_bucket_is_refused_and_reported(
    api_client, admin_headers, gcs_registry
):
    api_client.post("/admin/train", **admin_headers)
    assert loaded_model_get().version == "v1"
    blob = _blob(gcs_registry, "v1/model.json")
    data = bytearray(blob.download_as_bytes())
    data[data.index(b"coefficients") + 20] ^= 0x01  # change one byte
    blob.upload_from_string(bytes(data))
    reset_process_state()  # a fresh process: loads (and verifies) again

    ready = api_client.get("/ready")
    assert ready.status_code == 200  # the model check is not required
    checks = ready.json()["data"]["checks"]
    assert ready.json()["data"]["status"] == "degraded"
    assert checks["storage"]["status"] == "ok"
    assert checks["model"]["status"] == "failed"
    assert checks["model"]["unavailable_versions"][0]["version"] == "v1"
    assert checks["model"]["unavailable_versions"][0]["status"] == "corrupt"
    assert "model.json" in checks["model"]["unavailable_versions"][0]["detail"]

    with pytest.raises(ModelArtifactCorrupt, match="corrupt"):
        loaded_model_get(version="v1")
    refused = api_client.post("/admin/activate/v1", **admin_headers)
    assert refused.status_code == 409 and refused.json()["error"] == "model_unavailable"
    assert refused.json()["details"]["file"] == "model.json"
    detail = api_client.get("/models/v1").json()
    # still the recorded active version, reported corrupt; this fresh process cannot serve it
    assert detail["status"] == "corrupt" and detail["is_active"] is True
    assert checks["model"]["active_version"] == "v1"
    assert checks["model"]["active_status"] == "corrupt"


@pytest.mark.django_db
def test_unreachable_bucket_fails_the_required_storage_check(api_client, gcs_emulator, settings):
    settings.MODEL_REGISTRY_DIR = "gs://no-such-bucket-here/models"
    reset_process_state()
    response = api_client.get("/ready")
    assert response.status_code == 503
    assert response.json()["data"]["checks"]["storage"]["status"] == "failed"
