"""The way `make run` and the image serve static files: collectstatic with the hashed manifest,
then gunicorn + whitenoise. The admin's CSS and the offline API docs must load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from tests.support.servers import django_server, manage


@pytest.mark.slow
def test_admin_css_and_docs_assets_are_served_after_collectstatic(tmp_path: Path) -> None:
    env = {
        "STATIC_MANIFEST": "true",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    manage("migrate", "--no-input", "-v0", env=env)
    manage("collectstatic", "--no-input", "-v0", env=env)
    with django_server(env, gunicorn=True) as url:
        login = requests.get(url + "/admin/login/", timeout=10)
        docs = requests.get(url + "/docs", timeout=10)
        css = re.search(r'href="(/static/admin/css/base\.[0-9a-f]+\.css)"', login.text)
        assert login.status_code == 200 and css, login.text[:500]
        stylesheet = requests.get(url + css.group(1), timeout=10)
        assert docs.status_code == 200
        script = re.search(r'src="(/static/drf_spectacular_sidecar/[^"]+\.js)"', docs.text)
        assert script, docs.text[:500]
        bundle = requests.get(url + script.group(1), timeout=10)
    assert stylesheet.status_code == 200
    assert stylesheet.headers["Content-Type"].startswith("text/css")
    assert bundle.status_code == 200 and len(bundle.content) > 10_000
