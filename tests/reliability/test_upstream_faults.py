"""Upstream faults under live traffic: 30 % 503s, slow answers past the timeout, schema drift
mid-run and a total outage. Every answer is a prediction (degraded from the last-good cache)
or the documented 502/503; never a 500; the prediction ledger balances."""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability.harness import Database
from reliability.upstream import run_upstream_faults


@pytest.mark.slow
def test_upstream_faults_never_500_and_lose_nothing(
    platform_copy: tuple[Database, Path], tmp_path: Path
) -> None:
    db, models = platform_copy
    outcome = run_upstream_faults(db, models, tmp_path, per_phase=60, concurrency=8)
    assert outcome.ok, outcome.result + "\n" + "\n".join(outcome.details)
    assert outcome.data_lost == 0
    # the faults really happened and were absorbed both ways: served degraded, and refused
    text = " ".join(outcome.details)
    assert "degraded predictions" in text and "'503'" in outcome.result
