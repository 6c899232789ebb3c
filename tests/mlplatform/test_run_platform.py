"""``make run`` refuses a taken port: with ``--reuse-port`` gunicorn itself would not."""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "run_platform.py"


def _run_platform():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("run_platform", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_port_another_reuse_port_server_listens_on_counts_as_taken() -> None:
    run_platform = _run_platform()
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        server.bind((run_platform.HOST, 0))
        server.listen()
        port = server.getsockname()[1]
        assert run_platform.launcher.port_taken(run_platform.HOST, port) is True
    assert run_platform.launcher.port_taken(run_platform.HOST, port) is False
