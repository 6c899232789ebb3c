"""Facts about the machine a bench ran on, for ``bench/results.json`` and the README."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_total_mb() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _blas() -> list[dict[str, Any]]:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    import numpy  # noqa: F401  (loads the BLAS so threadpoolctl can see it)

    keys = ("user_api", "internal_api", "version", "num_threads", "threading_layer", "architecture")
    return [{k: info.get(k) for k in keys} for info in threadpool_info()]


def machine_facts() -> dict[str, Any]:
    """CPU model, cores, memory, OS, Python/NumPy/pandas/SciPy versions, BLAS, date (UTC)."""
    import numpy as np
    import pandas as pd
    import scipy

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "memory_mb": _memory_total_mb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "blas": _blas(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def machine_summary(facts: dict[str, Any]) -> str:
    """One line: ``AMD EPYC, 2 cores, 23.5 GB RAM; Python 3.12.3, NumPy 2.5.5, ...``."""
    blas = ", ".join(
        f"{b.get('internal_api')} {b.get('version')} ({b.get('num_threads')} threads)"
        for b in facts.get("blas") or []
        if b.get("user_api") == "blas"
    )
    memory = facts.get("memory_mb")
    mem = f", {memory / 1024:.1f} GB RAM" if memory else ""
    return (
        f"{facts['cpu_model']}, {facts['cores']} cores{mem}; Python {facts['python']}, "
        f"NumPy {facts['numpy']}, pandas {facts['pandas']}, SciPy {facts['scipy']}"
        + (f"; BLAS {blas}" if blas else "")
    )
