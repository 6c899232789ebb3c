"""Production hardening: refuses unsafe settings, sends security headers, secure cookies, and the
admin key never reaches the browser bundle."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.access.conftest import PRODUCTION_ENV, ROOT, clean_environ, load_settings
from tests.support.servers import django_server, manage

HTTPS = {"X-Forwarded-Proto": "https"}


def test_production_cookies_are_secure_and_http_only() -> None:
    code = (
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.DEBUG)"
    )
    result = load_settings(PRODUCTION_ENV, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "False"]


def test_production_refuses_the_default_admin_key() -> None:
    result = load_settings({**PRODUCTION_ENV, "ADMIN_API_KEY": "change-me-admin-key"}, "0")
    assert result.returncode != 0
    assert "refusing to start" in result.stderr


def test_deploy_check_is_clean_in_production() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean_environ(), **PRODUCTION_ENV, "ENV_FILE": "/dev/null"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_production_server_sends_security_headers_and_secure_cookies(tmp_path: Path) -> None:
    env = {
        **PRODUCTION_ENV,
        "ENV_FILE": "/dev/null",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MODEL_REGISTRY_DIR": str(tmp_path / "models"),
        "STATIC_MANIFEST": "false",  # no collectstatic in a test
    }
    manage("migrate", "--no-input", "-v0", env={**clean_environ(), **env})
    with django_server({**clean_environ(), **env}, gunicorn=True) as url:
        health = requests.get(f"{url}/health", headers=HTTPS, timeout=10)
        denied = requests.post(f"{url}/api/v1/admin/reload", headers=HTTPS, timeout=10)
        missing = requests.get(f"{url}/no/such/route", headers=HTTPS, timeout=10)
        plain = requests.get(f"{url}/models", allow_redirects=False, timeout=10)
        plain_health = requests.get(f"{url}/health", timeout=10)
        login_page = requests.get(f"{url}/admin/login/", headers=HTTPS, timeout=10)

    assert health.status_code == 200 and health.json()["data"]["environment"] == "production"
    assert denied.status_code == 401 and missing.status_code == 404
    for response in (health, denied, missing, login_page):
        headers = response.headers
        hsts = headers["Strict-Transport-Security"]
        max_age = re.search(r"max-age=(\d+)", hsts)
        assert max_age is not None and int(max_age[1]) >= 31536000
        assert "includeSubDomains" in hsts and "preload" in hsts
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "Traceback" not in response.text
    # plain HTTP is redirected to HTTPS, except the probes Cloud Run calls internally
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    assert plain_health.status_code == 200
    # the CSRF cookie of the Django admin is Secure (and so would the session cookie be)
    assert login_page.status_code == 200
    csrf = next(c for c in login_page.cookies if c.name == "csrftoken")
    assert csrf.secure


@pytest.mark.parametrize("folder", ["lib", "app", "components"])
def test_the_admin_key_never_reaches_the_dashboard_code(folder: str) -> None:
    root = ROOT / "frontend" / folder
    assert root.is_dir(), f"{root} is missing"
    offenders = [
        f"{path.relative_to(ROOT)}: {needle}"
        for path in root.rglob("*")
        if path.is_file() and path.suffix in {".ts", ".tsx", ".js", ".jsx", ".mjs", ".json"}
        for needle in ("X-API-Key", "ADMIN_API_KEY")
        if needle.lower() in path.read_text(errors="replace").lower()
    ]
    assert offenders == []
