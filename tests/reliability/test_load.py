"""A short load on gunicorn + PostgreSQL: no errors, and the prediction ledger balances."""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability.harness import Database, Gunicorn, platform_env
from reliability.load import run_load_scenario


@pytest.mark.slow
@pytest.mark.postgres
def test_short_load_loses_and_doubles_nothing(
    platform_copy: tuple[Database, Path], tmp_path: Path
) -> None:
    db, models = platform_copy
    logs_before = db.scalar("SELECT COUNT(*) FROM audit_predictionlog")
    with Gunicorn(platform_env(db, models), tmp_path, workers=2) as server:
        outcome = run_load_scenario(server.url, db, total=600, concurrency=8, tag="ci-load")
    assert outcome.ok, outcome.result + "\n" + "\n".join(outcome.details)
    assert outcome.data_lost == 0
    stored = db.scalar("SELECT COUNT(*) FROM audit_predictionlog") - logs_before
    unique_ids = db.scalar(
        "SELECT COUNT(DISTINCT request_id) FROM audit_predictionlog WHERE request_id LIKE %s",
        ("ci-load-%",),
    )
    assert stored > 600  # batches add one row per item
    assert unique_ids == 600  # every request stored under its own id, none lost
