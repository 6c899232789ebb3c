"""Two real server processes: the one that loaded the active version keeps serving it after its
artifact disappears; a fresh one answers 503 model_unavailable; both still report it active."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.support.servers import django_server, manage

ADMIN_KEY = "unavailable-test-admin-key-0123456789"


@pytest.mark.slow
def test_losing_the_active_artifact_keeps_it_active_and_fresh_processes_answer_503(
    tmp_path: Path,
) -> None:
    env = {
        "ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "MODEL_REGISTRY_DIR": str(tmp_path / "models"),
        "MARKET_DATA_SOURCE": "synthetic",
        "ADMIN_API_KEY": ADMIN_KEY,
        "RATE_LIMIT_REQUESTS": "100000",
        "LOG_LEVEL": "WARNING",
    }
    manage("migrate", "--no-input", "-v0", env=env)
    common = ["--lookback", "400", "--horizon", "5", "--activate", "always"]
    manage("train", "--symbols", "AAPL,MSFT", *common, env=env)

    with django_server(env) as first:
        served = requests.get(f"{first}/predict", params={"symbol": "AAPL"}, timeout=10)
        assert served.status_code == 200 and served.json()["model_version"] == "v1"

        (tmp_path / "models" / "v1" / "model.json").unlink()
        report = manage("reconcile_registry", env=env).stdout
        assert '"v1"' in report and "missing" in report

        # the process that verified v1 at load keeps serving it
        again = requests.get(f"{first}/predict", params={"symbol": "AAPL"}, timeout=10)
        assert again.status_code == 200 and again.json()["model_version"] == "v1"
        check = requests.get(f"{first}/ready", timeout=10).json()["data"]["checks"]["model"]
        assert check["status"] == "failed" and check["active_status"] == "missing"
        assert check["served_from_memory"] is True

        with django_server(env) as fresh:
            for _ in range(2):  # the same answer every time, never a 404 no_active_model
                refused = requests.get(f"{fresh}/predict", params={"symbol": "AAPL"}, timeout=10)
                assert refused.status_code == 503, refused.text
                assert refused.json()["error"] == "model_unavailable"
                assert refused.json()["details"]["version"] == "v1"
            models = requests.get(f"{fresh}/models", timeout=10).json()
            assert models["active_version"] == "v1" and models["active_status"] == "missing"
            assert models["models"][0]["status"] == "missing"
            ready = requests.get(f"{fresh}/ready", timeout=10)
            assert ready.status_code == 200  # the model check is not required
            fresh_check = ready.json()["data"]["checks"]["model"]
            assert fresh_check["status"] == "failed" and fresh_check["served_from_memory"] is False
