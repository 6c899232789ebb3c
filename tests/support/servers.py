"""Start real server processes on 127.0.0.1 for tests that need more than the test client."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import requests

from mlplatform.launcher import ROOT, Web, free_port

__all__ = ["ROOT", "django_server", "free_port", "manage", "wait_for_http"]


def wait_for_http(url: str, *, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )


@contextmanager
def django_server(
    env: dict[str, str], *, gunicorn: bool = False, workers: int = 1
) -> Iterator[str]:
    """Run the project in its own process (runserver, or gunicorn) and yield its base URL."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
    if gunicorn:
        # production's configuration (mlplatform/gunicorn_conf.py) through the one launcher
        web = Web(full_env, workers=workers, threads=4, stdout=subprocess.DEVNULL, want_200=False)
        with web:
            yield web.url
        return
    port = free_port()
    cmd = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/health", proc=proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
