"""The one way to start the stack's processes: web (gunicorn), worker and dashboard.

``make run`` (scripts/run_platform.py), the tests that need a live server
(tests/support/servers.py, tests/deploy), the e2e harness, the bench and the reliability run all
start their processes here, so they run with production's flags: gunicorn always reads
``mlplatform/gunicorn_conf.py`` (as the Dockerfile does) and only the bind address and, where a
caller asks, the worker/thread counts and the timeout are given on the command line.

Nothing here imports Django: callers pass the environment the child processes get.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = "mlplatform/gunicorn_conf.py"


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (the kernel picks it)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_taken(host: str, port: int) -> bool:
    """True when something already listens on host:port (checked up front: with --reuse-port a
    second gunicorn would share the port with the first instead of failing to bind)."""
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def web_command(
    host: str,
    port: int,
    *,
    workers: int | None = None,
    threads: int | None = None,
    timeout: int | None = None,
    python: str | None = None,
) -> list[str]:
    """The gunicorn command line (the only one in the code outside the Dockerfile).

    Everything else (worker class, --reuse-port, no control socket, graceful timeout, JSON logs,
    metrics) comes from ``mlplatform/gunicorn_conf.py``, as in production."""
    command = [python or sys.executable, "-m", "gunicorn", "-c", GUNICORN_CONF, "mlplatform.wsgi"]
    command += ["--bind", f"{host}:{port}"]
    if workers is not None:
        command += ["--workers", str(workers)]
    if threads is not None:
        command += ["--threads", str(threads)]
    if timeout is not None:
        command += ["--timeout", str(timeout)]
    return command


def worker_command(*, python: str | None = None) -> list[str]:
    """db_worker + crash recovery + the periodic schedules, without the health server (``$PORT``
    is the web's outside Cloud Run)."""
    return [python or sys.executable, "manage.py", "worker", "--health-port", "0"]


def dashboard_command(host: str, port: int) -> list[str]:
    """The production build of the dashboard (``next start``; run in ``frontend/``)."""
    return ["npm", "run", "--silent", "start", "--", "-H", host, "-p", str(port)]


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """The HTTP status of a GET (an error status counts), None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (OSError, ValueError):
        return None


class Process:
    """One child process in its own session (so stopping it stops its children too)."""

    def __init__(
        self,
        name: str,
        command: list[str],
        *,
        env: dict[str, str],
        cwd: Path = ROOT,
        log_path: Path | None = None,
        stdout: int | IO[bytes] | None = None,
        stderr: int | IO[bytes] | None = None,
    ) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.cwd = cwd
        self.log_path = log_path
        self._stdout = stdout
        self._stderr = stderr
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} was not started"
        return self.process.pid

    def start(self) -> Process:
        stdout, stderr = self._stdout, self._stderr
        log: IO[bytes] | None = None
        if self.log_path is not None:
            log = self.log_path.open("ab")
            stdout, stderr = log, subprocess.STDOUT
        try:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
            )
        finally:
            if log is not None:
                log.close()
        return self

    def poll(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def log_tail(self, chars: int = 3000) -> str:
        if self.log_path is None:
            return ""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def wait_http(self, url: str, *, timeout: float = 60.0, want_200: bool = True) -> None:
        """Wait until ``url`` answers (200 when ``want_200``, else any status); fail early if the
        process exits."""
        deadline = time.monotonic() + timeout
        last: int | None = None
        while time.monotonic() < deadline:
            if self.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited {self.poll()} before {url} answered: {self.log_tail()}"
                )
            last = http_status(url)
            if last is not None and (last == 200 or not want_200):
                return
            time.sleep(0.1)
        raise TimeoutError(
            f"{self.name}: {url} did not answer{' 200' if want_200 else ''} within {timeout}s "
            f"(last: {last}): {self.log_tail()}"
        )

    def stop(self, *, grace: float = 15.0) -> None:
        """SIGTERM to the process (gunicorn drains in-flight requests), SIGKILL to its group
        after ``grace`` seconds."""
        self._terminate(group=False, grace=grace)

    def stop_group(self, *, grace: float = 10.0) -> None:
        """SIGTERM to the whole process group (npm starts node under a shell), then SIGKILL."""
        self._terminate(group=True, grace=grace)

    def _terminate(self, *, group: bool, grace: float) -> None:
        """SIGTERM (to the process, or its whole group), then SIGKILL to the group after
        ``grace`` seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(self.process.pid, signal.SIGTERM)
            else:
                self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


class Web(Process):
    """gunicorn serving ``mlplatform.wsgi`` with production's configuration."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        workers: int | None = None,
        threads: int | None = None,
        timeout: int | None = None,
        log_path: Path | None = None,
        stdout: int | IO[bytes] | None = None,
        stderr: int | IO[bytes] | None = None,
        want_200: bool = True,
    ) -> None:
        self.host = host
        self.want_200 = want_200  # False: any answer of /health counts as up (``with Web(...)``)
        self.port = port if port is not None else free_port(host)
        self.url = f"http://{host}:{self.port}"
        self.workers = workers
        command = web_command(host, self.port, workers=workers, threads=threads, timeout=timeout)
        super().__init__("web", command, env=env, log_path=log_path, stdout=stdout, stderr=stderr)

    def worker_pids(self) -> list[int]:
        """The master's live child processes (the gunicorn workers)."""
        if self.process is None:
            return []
        try:
            text = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def wait_ready(self, *, timeout: float = 60.0, want_200: bool = True) -> Web:
        """Wait until ``/health`` answers and (when the count was given) every worker runs."""
        deadline = time.monotonic() + timeout
        self.wait_http(self.url + "/health", timeout=timeout, want_200=want_200)
        while self.workers and len(self.worker_pids()) < self.workers:
            if time.monotonic() > deadline:
                raise TimeoutError(f"web: {self.workers} workers not up: {self.log_tail()}")
            time.sleep(0.1)
        return self

    def __enter__(self) -> Web:
        self.start()
        try:
            return self.wait_ready(want_200=self.want_200)
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def worker(env: dict[str, str], **kwargs: object) -> Process:
    """The background worker (not started)."""
    return Process("worker", worker_command(), env=env, **kwargs)  # type: ignore[arg-type]


def dashboard(env: dict[str, str], host: str, port: int, **kwargs: object) -> Process:
    """The dashboard's ``next start`` (not started; the build must exist)."""
    return Process(
        "dashboard",
        dashboard_command(host, port),
        env=env,
        cwd=ROOT / "frontend",
        **kwargs,  # type: ignore[arg-type]
    )
