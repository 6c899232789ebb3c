"""An activation made through one server process is served by another within 1 second."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from tests.support.servers import django_server, manage

ADMIN_KEY = "switch-test-admin-key-0123456789"


def _predict(url: str) -> dict:
    response = requests.get(f"{url}/predict", params={"symbol": "AAPL"}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.slow
def test_activation_reaches_every_process_within_one_second(tmp_path: Path) -> None:
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
    manage("train", "--symbols", "GOOGL,AMZN,NVDA", *common, env=env)

    with django_server(env, gunicorn=True) as first, django_server(env, gunicorn=True) as second:
        before = [_predict(first), _predict(second)]
        assert [body["model_version"] for body in before] == ["v2", "v2"]

        activated = requests.post(
            f"{first}/admin/activate/v1", headers={"X-API-Key": ADMIN_KEY}, timeout=10
        )
        switched_at = time.monotonic()
        assert activated.status_code == 200, activated.text
        assert activated.json()["active_version"] == "v1"

        seen: dict[str, float] = {}
        while len(seen) < 2 and time.monotonic() - switched_at < 3.0:
            for name, url in (("first", first), ("second", second)):
                if name not in seen and _predict(url)["model_version"] == "v1":
                    seen[name] = time.monotonic() - switched_at
            time.sleep(0.02)
        assert set(seen) == {"first", "second"}, seen
        print("activation seen after (s):", seen)
        assert max(seen.values()) < 1.0, seen

        after = [_predict(first), _predict(second)]
        assert [body["model_version"] for body in after] == ["v1", "v1"]
        assert after[0]["expected_return"] == after[1]["expected_return"]
        assert after[0]["expected_return"] != before[0]["expected_return"]
