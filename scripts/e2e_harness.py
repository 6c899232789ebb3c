"""End-to-end harness: real backend (gunicorn + db_worker, demo data, v1 trained, an operator),
the production build of the dashboard pointed at it, then the Playwright tests (frontend/e2e,
`npx playwright test`) in the system Chromium. Arguments are passed on to `playwright test`
(e.g. `--grep sign`); the HTML report and screenshots go to frontend/test-output/.

Everything runs on 127.0.0.1 in a temporary folder and is stopped at the end.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlplatform import launcher  # noqa: E402
from mlplatform.launcher import free_port  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
OPERATOR = ("e2e-operator", "e2e-password")


#: Trading days the replayed version is trained without, then replayed over.
REPLAY_ROWS = 260


def _shell(env: dict[str, str], code: str) -> str:
    done = subprocess.run(
        [PY, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def replay_prepare(env: dict[str, str], work: Path) -> str:
    """A held version trained on the demo data minus its last year, replayed over that year
    (``manage.py replay``), so the Realized performance section has real points to draw."""
    source = Path(_shell(env, "from django.conf import settings; print(settings.MARKET_DATA_DIR)"))
    cut = work / "market-cut"
    cut.mkdir()
    first_removed, last = "", ""
    for path in sorted(source.glob("*.csv")):
        lines = path.read_text().splitlines()
        (cut / path.name).write_text("\n".join(lines[:-REPLAY_ROWS]) + "\n")
        first_removed = max(first_removed, lines[-REPLAY_ROWS].split(",")[0])
        last = max(last, lines[-1].split(",")[0])
    print("==> e2e: a held version trained a year short, replayed over that year", flush=True)
    subprocess.run(
        [PY, "manage.py", "train", "--activate", "never"],
        cwd=ROOT,
        env={**env, "MARKET_DATA_DIR": str(cut)},
        check=True,
    )
    label = _shell(
        env,
        "from registry.models import ModelVersion; "
        "print(ModelVersion.objects.order_by('-number').first().version)",
    )
    subprocess.run(
        [PY, "manage.py", "replay", label, "--from", first_removed, "--to", last],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return label


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="mlp-e2e-"))
    backend_port, dashboard_port = free_port(), free_port()
    backend = f"http://127.0.0.1:{backend_port}"
    dashboard = f"http://127.0.0.1:{dashboard_port}"
    env = {
        **os.environ,
        "ENV_FILE": str(work / "none.env"),
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "MODEL_REGISTRY_DIR": str(work / "models"),
        "ADMIN_API_KEY": secrets.token_hex(16),
        "CORS_ALLOW_ORIGINS": dashboard,
        "RATE_LIMIT_REQUESTS": "100000",
        "TRAIN_ACTIVATION_POLICY": "always",
        "NEXT_PUBLIC_BACKEND_URL": backend,
        "NEXT_TELEMETRY_DISABLED": "1",
        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
        "E2E_BACKEND_URL": backend,
        "E2E_DASHBOARD_URL": dashboard,
        "E2E_OPERATOR_USERNAME": OPERATOR[0],
        "E2E_OPERATOR_PASSWORD": OPERATOR[1],
        "E2E_REGISTRY_DIR": str(work / "models"),
    }
    env.pop("DATABASE_URL_OVERRIDE", None)

    def manage(*args: str) -> None:
        subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)

    print("==> e2e: preparing the backend (migrate, operator, demo model v1)", flush=True)
    manage("migrate", "--no-input", "-v0")
    manage("create_operator", OPERATOR[0], "--password", OPERATOR[1])
    manage("bootstrap_demo")
    env["E2E_REPLAY_VERSION"] = replay_prepare(env, work)

    print(f"==> e2e: building the dashboard against {backend}", flush=True)
    frontend = ROOT / "frontend"
    subprocess.run(["npm", "run", "--silent", "build"], cwd=frontend, env=env, check=True)

    web = launcher.Web(env, port=backend_port, workers=2, threads=4)
    procs = [web, launcher.worker(env), launcher.dashboard(env, "127.0.0.1", dashboard_port)]
    try:
        for proc in procs:
            proc.start()
        web.wait_ready(want_200=False)
        procs[2].wait_http(dashboard + "/", timeout=60, want_200=False)
        # this run's report and screenshots only (kept afterwards as CI output)
        shutil.rmtree(frontend / "test-output", ignore_errors=True)
        print("==> e2e: running the Playwright tests (frontend/e2e) in Chromium", flush=True)
        return subprocess.run(
            ["npx", "--no-install", "playwright", "test", *sys.argv[1:]], cwd=frontend, env=env
        ).returncode
    finally:
        for proc in procs:
            proc.stop_group(grace=10)


if __name__ == "__main__":
    sys.exit(main())
