"""Schemathesis against a live gunicorn on PostgreSQL: every operation, three callers.

The bounded CI budget: at most 25 examples per operation and caller, deterministic generation
(the same cases every run). ``python -m reliability`` runs the same engine with 100.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability.fuzz import run_fuzz
from reliability.harness import Database, Gunicorn, platform_env

CI_MAX_EXAMPLES = 25


@pytest.mark.slow
@pytest.mark.postgres
def test_fuzzing_finds_no_5xx_and_no_schema_violation(
    platform_copy: tuple[Database, Path], tmp_path: Path
) -> None:
    db, models = platform_copy
    env = platform_env(db, models)
    with Gunicorn(env, tmp_path, workers=2) as server:
        outcome, passes = run_fuzz(server.url, env, max_examples=CI_MAX_EXAMPLES, workdir=tmp_path)
    assert {p.caller for p in passes} == {"api_key", "operator", "anonymous"}
    assert all(p.cases > 100 for p in passes), [(p.caller, p.cases) for p in passes]
    assert outcome.ok, "\n".join(outcome.details)
