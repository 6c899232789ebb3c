"""Public responses carry no storage locations; the control plane still may."""

from __future__ import annotations

import json

import pytest

from mlplatform.api.redact import public_redact, text_redact
from tests.predictions.conftest import model, synthetic, train  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "v3/model.json is missing from gs://bucket/prefix",
            "v3/model.json is missing from <storage>",
        ),
        ("gs://bucket did not answer within 5.0 s", "<storage> did not answer within 5.0 s"),
        (
            "open /srv/app/artifacts/models/v3/model.json: no such file",
            "open <storage>: no such file",
        ),
        ("C:\\models\\v3 gone", "<storage> gone"),
        ("ratio 3/4 and 2026-01-02/2026-02-03", "ratio 3/4 and 2026-01-02/2026-02-03"),
    ],
)
def test_text_redact(text: str, expected: str) -> None:
    assert text_redact(text) == expected


def test_public_redact_drops_location_keys_at_any_depth() -> None:
    payload = {"a": {"location": "/x/y", "kind": "gcs", "n": [{"artifact_path": "gs://b/p"}]}}
    assert public_redact(payload) == {"a": {"kind": "gcs", "n": [{}]}}


@pytest.mark.usefixtures("model")
def test_ready_and_model_pages_name_no_location(api_client, settings) -> None:
    location = settings.MODEL_REGISTRY_DIR
    ready = api_client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["data"]["checks"]["storage"]["status"] == "ok"
    detail = api_client.get("/models/v1")
    listing = api_client.get("/api/v1/models")
    for response in (ready, detail, listing):
        text = json.dumps(response.json())
        assert location not in text and "artifact_path" not in text
    assert detail.json()["metadata"]["artifact_hashes"]  # the rest of the metadata stays
