"""``python -m reliability [--quick] [--only NAME ...]``: run the scenarios, print the table.

Exits non-zero when any scenario fails. ``--quick`` uses small budgets and leaves out the
PostgreSQL restart (it disturbs every other user of the local cluster); the full run is what
``make reliability`` does and what RELIABILITY.md reports.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from reliability import attacks, process_faults
from reliability.bad_inputs import run_bad_inputs
from reliability.fuzz import run_fuzz
from reliability.harness import (
    Gunicorn,
    Outcome,
    Prepared,
    clone_platform,
    outcome_table,
    platform_env,
    postgres_unreachable_reason,
    prepared_platform,
    progress,
)
from reliability.load import run_load_scenario
from reliability.upstream import run_upstream_faults

SCENARIOS = (
    "fuzz",
    "bad_inputs",
    "load",
    "upstream",
    "train_kill",
    "web_kill",
    "db_outage",
    "storage",
    "pg_restart",
    "admin_brute_force",
    "denied_flood",
    "batch_amplification",
    "nested_json",
)


class Budget:
    def __init__(self, quick: bool) -> None:
        self.fuzz_examples = 10 if quick else 100
        self.load_total = 1_000 if quick else 10_000
        self.load_concurrency = 16 if quick else 32
        self.upstream_per_phase = 100 if quick else 400
        self.kill_total = 1_000 if quick else 3_000
        self.login_attempts = 30 if quick else 60
        self.denied_total = 500 if quick else 2_000
        self.batch_symbols = 200 if quick else 500
        self.batch_repeats = 3 if quick else 5


def _fuzz(template: Prepared, workdir: Path, budget: Budget) -> Outcome:
    with clone_platform(template, workdir) as (db, models):
        env = platform_env(db, models)
        with Gunicorn(env, workdir, workers=2) as server:
            outcome, _ = run_fuzz(
                server.url, env, max_examples=budget.fuzz_examples, workdir=workdir
            )
            return outcome


def _bad_inputs(template: Prepared, workdir: Path, budget: Budget) -> Outcome:
    with clone_platform(template, workdir) as (db, models):
        with Gunicorn(platform_env(db, models), workdir, workers=2) as server:
            return run_bad_inputs(server.url)


def _load(template: Prepared, workdir: Path, budget: Budget) -> Outcome:
    with clone_platform(template, workdir) as (db, models):
        with Gunicorn(platform_env(db, models), workdir, workers=2, threads=8) as server:
            return run_load_scenario(
                server.url,
                db,
                total=budget.load_total,
                concurrency=budget.load_concurrency,
            )


def _upstream(template: Prepared, workdir: Path, budget: Budget) -> Outcome:
    with clone_platform(template, workdir) as (db, models):
        return run_upstream_faults(
            db, models, workdir, per_phase=budget.upstream_per_phase, concurrency=8
        )


def _attack(run: Callable[..., Outcome], **sizes: str) -> Callable[..., Outcome]:
    """A runner for one of ``reliability.attacks``: on a clone, with ``sizes`` from the budget
    (keyword -> Budget attribute)."""

    def runner(template: Prepared, workdir: Path, budget: Budget) -> Outcome:
        kwargs = {key: getattr(budget, attribute) for key, attribute in sizes.items()}
        with clone_platform(template, workdir) as (db, models):
            return run(db, models, workdir, **kwargs)

    return runner


RUNNERS: dict[str, Callable[[Prepared, Path, Budget], Outcome]] = {
    "fuzz": _fuzz,
    "bad_inputs": _bad_inputs,
    "load": _load,
    "upstream": _upstream,
    "train_kill": lambda t, w, b: process_faults.training_worker_killed(t, w),
    "web_kill": lambda t, w, b: process_faults.web_worker_killed(t, w, total=b.kill_total),
    "db_outage": lambda t, w, b: process_faults.database_outage(t, w, total=b.kill_total),
    "storage": lambda t, w, b: process_faults.storage_stopped(t.db.vendor, w),
    "pg_restart": lambda t, w, b: process_faults.postgres_restarted(t, w, total=b.kill_total),
    "admin_brute_force": _attack(attacks.admin_brute_force, attempts="login_attempts"),
    "denied_flood": _attack(attacks.denied_flood, total="denied_total"),
    "batch_amplification": _attack(
        attacks.batch_amplification, symbols="batch_symbols", repeats="batch_repeats"
    ),
    "nested_json": _attack(attacks.nested_json),
}
NEEDS_POSTGRES = {"load", "db_outage", "pg_restart"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reliability", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small budgets, no PG restart")
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, help="run only these scenarios")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args(argv)
    budget = Budget(args.quick)
    chosen = list(args.only or [s for s in SCENARIOS if not (args.quick and s == "pg_restart")])
    reason = postgres_unreachable_reason()
    in_ci = os.environ.get("CI", "").lower() == "true"
    vendor = "postgresql" if reason is None else "sqlite"
    outcomes: list[Outcome] = []
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="reliability-"))
    try:
        progress(f"preparing a {vendor} template (migrate + train v1) in {workdir}")
        with prepared_platform(vendor, workdir) as template:
            for name in chosen:
                if name in NEEDS_POSTGRES and reason is not None:
                    outcomes.append(
                        Outcome(name, "-", reason, None, ok=not in_ci, skipped=not in_ci)
                    )
                    continue
                progress(f"scenario {name}")
                t0 = time.monotonic()
                try:
                    outcome = RUNNERS[name](template, workdir, budget)
                except Exception as exc:
                    outcome = Outcome(
                        name,
                        "-",
                        f"crashed: {type(exc).__name__}: {exc}"[:300],
                        None,
                        ok=False,
                        details=[traceback.format_exc()],
                    )
                progress(f"scenario {name}: {outcome.verdict} in {time.monotonic() - t0:.0f} s")
                outcomes.append(outcome)
    finally:
        if not args.keep:
            with contextlib.suppress(OSError):
                shutil.rmtree(workdir)
    print()
    print(outcome_table(outcomes))
    print()
    for outcome in outcomes:
        if not outcome.ok or outcome.details:
            print(f"{outcome.scenario} [{outcome.verdict}]")
            for line in outcome.details:
                print("  " + line.replace("\n", "\n  "))
    failed = [o for o in outcomes if not o.ok]
    total = time.monotonic() - started
    print(f"\n{len(outcomes) - len(failed)} passed, {len(failed)} failed in {total:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
