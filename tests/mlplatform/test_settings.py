"""Settings are parsed from the environment; production refuses unsafe defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(
    env: dict[str, str], code: str = "print('loaded')"
) -> subprocess.CompletedProcess:
    """Import the settings module in a fresh interpreter with exactly this environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ENV", "ADMIN", "SECRET"))}
    clean.pop("DEBUG", None)
    clean.update({"DJANGO_SETTINGS_MODULE": "mlplatform.settings", **env})
    script = f"import django; django.setup(); from django.conf import settings as s; {code}"
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True
    )


PROD = {
    "ENV": "production",
    "SECRET_KEY": "s3cr3t-Key-for-tests-9f8e7d6c5b4a3210-ZyXwVuTsRqPoNmLk-0123456789",
    "ALLOWED_HOSTS": "example.run.app",
}


def test_production_refuses_the_default_admin_key() -> None:
    result = load_settings({**PROD, "ADMIN_API_KEY": "change-me-admin-key"})
    assert result.returncode != 0
    assert "ADMIN_API_KEY is unset or the example default; refusing to start" in result.stderr


def test_production_refuses_missing_admin_key_secret_key_and_debug() -> None:
    assert "ADMIN_API_KEY" in load_settings(PROD).stderr
    no_secret = {k: v for k, v in PROD.items() if k != "SECRET_KEY"}
    assert "SECRET_KEY is not set" in load_settings({**no_secret, "ADMIN_API_KEY": "k" * 40}).stderr
    debug = load_settings({**PROD, "ADMIN_API_KEY": "k" * 40, "DEBUG": "true"})
    assert "DEBUG is on" in debug.stderr


def test_production_with_safe_settings_starts_and_deploy_check_is_clean() -> None:
    env = {**PROD, "ADMIN_API_KEY": "k" * 40}
    assert load_settings(env).returncode == 0
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "ENV"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "expr", "expected"),
    [
        ({}, "s.API_PREFIX", "/api/v1"),
        ({"API_PREFIX": "v2/"}, "s.API_PREFIX", "/v2"),
        ({"RATE_LIMIT_REQUESTS": "7"}, "s.RATE_LIMIT_REQUESTS", "7"),
        ({"DRIFT_THRESHOLD": "0.01"}, "s.DRIFT_THRESHOLD", "0.01"),
        ({"TRAIN_SYMBOLS": " aapl , MSFT,"}, "s.TRAIN_SYMBOLS", "['aapl', 'MSFT']"),
        ({"CORS_ALLOW_ORIGINS": "*"}, "s.CORS_ALLOW_ALL_ORIGINS", "True"),
        (
            {"DATABASE_URL": "postgres://u@db:5432/x"},
            "s.DATABASES['default']['ENGINE']",
            "mlplatform.db.postgresql",
        ),
        (
            {"DATABASE_URL": "postgres://u@db:5432/x"},
            "s.DATABASES['default']['OPTIONS']['prepare_threshold']",
            "5",
        ),
        (
            {"DATABASE_URL": "postgres://u@db:5432/x", "DATABASE_PREPARED_STATEMENTS": "false"},
            "s.DATABASES['default']['OPTIONS']['prepare_threshold']",
            "None",
        ),
        (
            {"REDIS_URL": "redis://127.0.0.1:6379/1"},
            "s.CACHES['default']['BACKEND']",
            "django.core.cache.backends.redis.RedisCache",
        ),
        ({}, "s.DATABASES['default']['ENGINE']", "mlplatform.db.sqlite3"),
        (
            {"MODEL_REGISTRY_DIR": "gs://bucket/prefix"},
            "s.MODEL_REGISTRY_DIR",
            "gs://bucket/prefix",
        ),
        ({"MODEL_REGISTRY_DIR": "artifacts/x"}, "s.MODEL_REGISTRY_DIR", f"{ROOT}/artifacts/x"),
        ({"MARKET_DATA_DIR": "/tmp/exports"}, "s.MARKET_DATA_DIR", "/tmp/exports"),
    ],
)
def test_settings_parse_the_environment(env: dict[str, str], expr: str, expected: str) -> None:
    result = load_settings({"DATABASE_URL": "", **env}, f"print({expr})")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RATE_LIMIT_REQUESTS": "many"}, "RATE_LIMIT_REQUESTS must be an integer"),
        ({"TRAIN_ACTIVATION_POLICY": "sometimes"}, "TRAIN_ACTIVATION_POLICY must be one of"),
        ({"MARKET_DATA_SOURCE": "ftp"}, "MARKET_DATA_SOURCE must be http, csv or synthetic"),
        ({"DEBUG": "maybe"}, "DEBUG must be a boolean"),
        ({"CACHE_URL": "memcached://x"}, "CACHE_URL must be redis://"),
    ],
)
def test_bad_settings_fail_with_a_clear_message(env: dict[str, str], message: str) -> None:
    result = load_settings(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_dotenv_file_is_read_but_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("RATE_LIMIT_REQUESTS=11\nDRIFT_THRESHOLD=0.2\n")
    from_file = load_settings({"ENV_FILE": str(env_file)}, "print(s.RATE_LIMIT_REQUESTS)")
    assert from_file.stdout.strip().splitlines()[-1] == "11"
    overridden = load_settings(
        {"ENV_FILE": str(env_file), "RATE_LIMIT_REQUESTS": "5"},
        "print(s.RATE_LIMIT_REQUESTS, s.DRIFT_THRESHOLD)",
    )
    assert overridden.stdout.strip().splitlines()[-1] == "5 0.2"
