"""Readiness checks. Apps register theirs in ``AppConfig.ready``; ``/ready`` runs them all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection

CheckResult = dict[str, Any]  # {"status": "ok"|"degraded"|"failed", ...details}


@dataclass(frozen=True)
class _Check:
    fn: Callable[[], CheckResult]
    required: bool


_CHECKS: dict[str, _Check] = {}


def register_check(name: str, fn: Callable[[], CheckResult], *, required: bool) -> None:
    _CHECKS[name] = _Check(fn=fn, required=required)


def run_checks() -> tuple[bool, dict[str, CheckResult]]:
    """Run every check; returns (all required checks passed, per-check results)."""
    results: dict[str, CheckResult] = {}
    healthy = True
    for name, check in _CHECKS.items():
        try:
            result = dict(check.fn())
        except Exception as exc:  # a failing check is a report, not a crash
            result = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
        result["required"] = check.required
        results[name] = result
        if check.required and result.get("status") == "failed":
            healthy = False
    return healthy, results


def check_database() -> CheckResult:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "vendor": connection.vendor}


def check_market_data() -> CheckResult:
    from mlplatform.market_data import market_data_source

    source = market_data_source()
    symbols = source.list_symbols()
    detail: CheckResult = {"status": "ok", "source": source.name}
    if source.name == "csv":
        detail["symbols"] = len(symbols)
        if not symbols:
            detail["status"] = "degraded"
            detail["error"] = "no <SYMBOL>.csv files in MARKET_DATA_DIR"
    return detail
