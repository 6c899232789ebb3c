"""The attack scenarios of ``reliability.attacks`` at small sizes, against gunicorn.

``python -m reliability --only admin_brute_force denied_flood batch_amplification nested_json``
runs them at full size and prints the measured table rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability import attacks
from reliability.harness import Database

pytestmark = pytest.mark.slow


def _check(outcome) -> None:  # type: ignore[no-untyped-def]
    assert outcome.ok, outcome.result + "\n" + "\n".join(outcome.details)


def test_admin_brute_force_is_throttled_and_every_attempt_accounted(
    platform_copy: tuple[Database, Path], tmp_path: Path
) -> None:
    db, models = platform_copy
    outcome = attacks.admin_brute_force(db, models, tmp_path, attempts=12, limit=3)
    _check(outcome)
    assert "first 429 at attempt 4" in outcome.result and "12/12 attempts" in outcome.result


def test_denied_flood_keeps_audit_rows_bounded(
    platform_copy: tuple[Database, Path], tmp_path: Path
) -> None:
    db, models = platform_copy
    outcome = attacks.denied_flood(db, models, tmp_path, total=120)
    _check(outcome)
    rows = db.query("SELECT COUNT(*) FROM audit_auditevent WHERE outcome = 'denied'")[0][0]
    assert rows <= 16  # 2 actors x 3 routes, x2 if the run crossed a window boundary


def test_a_repeated_bad_batch_reaches_the_upstream_once(
    platform_copy: tuple[Database, Path], tmp_path: Path
) -> None:
    db, models = platform_copy
    outcome = attacks.batch_amplification(db, models, tmp_path, symbols=40, repeats=3, budget=80)
    _check(outcome)
    assert "[40, 0, 0] with the negative cache vs [40, 40, 40] without" in outcome.result


def test_nested_json_is_a_400(platform_copy: tuple[Database, Path], tmp_path: Path) -> None:
    db, models = platform_copy
    _check(attacks.nested_json(db, models, tmp_path))
