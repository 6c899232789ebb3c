"""The process fault cheap enough for CI: kill -9 of a gunicorn worker under load.

(The training worker killed mid-run has its PostgreSQL test in tests/registry/test_tasks.py;
PostgreSQL restarts and the storage emulator stopping run in ``python -m reliability`` only.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability.harness import Prepared
from reliability.process_faults import web_worker_killed


@pytest.mark.slow
def test_killed_web_worker_is_replaced_and_no_row_is_lost_or_corrupt(
    reliability_template: Prepared, tmp_path: Path
) -> None:
    outcome = web_worker_killed(reliability_template, tmp_path, total=600)
    assert outcome.ok, outcome.result + "\n" + "\n".join(outcome.details)
    assert outcome.data_lost == 0
