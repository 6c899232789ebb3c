"""The process fault cheap enough for CI: kill -9 of a gunicorn worker under load.

(Also the database cutting connections, on PostgreSQL. The training worker killed mid-run has
its PostgreSQL test in tests/registry/test_tasks.py;
PostgreSQL restarts and the storage emulator stopping run in ``python -m reliability`` only.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability.harness import Prepared
from reliability.process_faults import database_outage, web_worker_killed


@pytest.mark.slow
def test_killed_web_worker_is_replaced_and_no_row_is_lost_or_corrupt(
    reliability_template: Prepared, tmp_path: Path
) -> None:
    outcome = web_worker_killed(reliability_template, tmp_path, total=600)
    assert outcome.ok, outcome.result + "\n" + "\n".join(outcome.details)
    assert outcome.data_lost == 0


@pytest.mark.slow
@pytest.mark.postgres
def test_cut_database_connections_answer_503_and_recover_without_restart(
    reliability_template: Prepared, tmp_path: Path
) -> None:
    """A stand-in for a PostgreSQL restart that touches only this test's scratch database."""
    outcome = database_outage(reliability_template, tmp_path, total=600, outage=2.0)
    assert outcome.ok, outcome.result + "\n" + "\n".join(outcome.details)
    assert outcome.data_lost == 0
