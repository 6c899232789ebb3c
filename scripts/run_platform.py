"""`make run`: migrate, load the demo defaults, then run web, worker and dashboard together.

Ctrl-C stops everything. If one process dies, the others are stopped and the exit code says so.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlplatform import launcher  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8000"))
DASHBOARD_PORT = int(os.environ.get("DASHBOARD_PORT", "3000"))
BACKEND_URL = f"http://{HOST}:{PORT}"


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def manage(*args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, check=True)


def tree_digest(paths: list[Path]) -> str:
    """A digest of the dashboard sources, so an unchanged dashboard is not rebuilt."""
    digest = hashlib.sha256(BACKEND_URL.encode())
    for base in paths:
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in files:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def prepare_dashboard() -> list[str] | None:
    frontend = ROOT / "frontend"
    if not (frontend / "package.json").exists():
        return None
    if shutil.which("npm") is None:
        step("npm not found: the dashboard is skipped (install Node.js 20+ to get it)")
        return None
    env = {
        **os.environ,
        "NEXT_PUBLIC_BACKEND_URL": BACKEND_URL,
        "NEXT_TELEMETRY_DISABLED": "1",
        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",  # the e2e tests use the system Chromium
    }
    lock = frontend / "package-lock.json"
    stamp = frontend / "node_modules" / ".installed"
    lock_hash = hashlib.sha256(lock.read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != lock_hash:
        step("installing dashboard packages (npm ci)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=frontend, check=True, env=env)
        stamp.write_text(lock_hash)
    sources = [
        frontend / name
        for name in ("app", "components", "lib", "public", "package.json", "next.config.ts")
        if (frontend / name).exists()
    ]
    build_stamp = frontend / ".next" / ".source-digest"
    digest = tree_digest(sources)
    if not build_stamp.exists() or build_stamp.read_text() != digest:
        step("building the dashboard (npm run build)")
        subprocess.run(["npm", "run", "build"], cwd=frontend, check=True, env=env)
        build_stamp.write_text(digest)
    return launcher.dashboard_command(HOST, DASHBOARD_PORT)


def main() -> int:
    os.chdir(ROOT)
    if launcher.port_taken(HOST, PORT):
        print(f"==> port {PORT} on {HOST} is in use (another `make run`?); stop it or set PORT")
        return 1
    # Hashed, compressed static files (as in production): collectstatic and gunicorn must agree.
    os.environ["STATIC_MANIFEST"] = "true"
    step("migrating the database")
    manage("migrate", "--no-input", "-v0")
    step("collecting static files")
    manage("collectstatic", "--no-input", "-v0")
    step("loading demo defaults (trains v1 on the demo data if no version exists)")
    manage("bootstrap_demo")
    dashboard = prepare_dashboard()

    env = dict(os.environ)
    procs: dict[str, launcher.Process] = {
        # workers, threads, timeouts, JSON logs, metrics: as in production
        "web": launcher.Web(env, host=HOST, port=PORT),
        # db_worker + crash recovery + the periodic schedules; no health server locally
        "worker": launcher.worker(env),
    }
    if dashboard:
        procs["dashboard"] = launcher.dashboard(env, HOST, DASHBOARD_PORT)
    for proc in procs.values():
        proc.start()

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(
        f"\nML Engine Platform is starting:\n"
        f"  API        {BACKEND_URL}/health   (also under {BACKEND_URL}/api/v1/)\n"
        f"  API docs   {BACKEND_URL}/docs\n"
        f"  Admin      {BACKEND_URL}/admin/   (python manage.py createsuperuser)\n"
        + (f"  Dashboard  http://{HOST}:{DASHBOARD_PORT}/\n" if dashboard else "")
        + "  Ctrl-C stops everything.\n",
        flush=True,
    )
    exit_code = 0
    while not stopping:
        for name, proc in procs.items():
            code = proc.poll()
            if code is not None:
                print(f"==> {name} exited with code {code}; stopping", flush=True)
                exit_code = code or 1
                stopping = True
                break
        time.sleep(0.5)
    for proc in procs.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs.values():
        proc.stop_group(grace=10)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
