"""The training benchmark's child process: migrate a scratch database, then train once.

Run by ``bench.entries.training`` with the environment already pointing at a temp SQLite
database, a temp ``MODEL_REGISTRY_DIR`` and ``MARKET_DATA_SOURCE=synthetic``, so the parent
can read this process's peak RSS from ``os.wait4``. Prints one ``BENCH_RESULT {json}`` line.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT_PREFIX = "BENCH_RESULT "


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--symbols", type=int, required=True)
    parser.add_argument("--lookback", type=int, required=True)
    parser.add_argument("--profile", action="store_true", help="add the top cProfile entries")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlplatform.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from mlplatform.actors import Actor
    from registry.services import train_model

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_seconds = time.perf_counter() - started

    stages: list[tuple[str, int, float]] = []
    t0 = time.perf_counter()

    def on_progress(stage: str, percent: int) -> None:
        if not stages or stages[-1][0] != stage:
            stages.append((stage, percent, time.perf_counter() - t0))

    symbols = [f"SYN{i:04d}" for i in range(args.symbols)]
    params = {"symbols": symbols, "lookback": args.lookback, "activation_policy": "always"}
    profiler = cProfile.Profile() if args.profile else None
    t0 = time.perf_counter()
    if profiler:
        profiler.enable()
    version = train_model(
        params=params, actor=Actor.system("bench"), progress_callback=on_progress
    ).version
    if profiler:
        profiler.disable()
    train_seconds = time.perf_counter() - t0

    stage_seconds: dict[str, float] = {}
    marks = [*stages, ("end", 100, train_seconds)]
    for (name, _, start), (_, _, stop) in itertools.pairwise(marks):
        stage_seconds[name] = stage_seconds.get(name, 0.0) + (stop - start)
    payload = {
        "version": version.version,
        "is_active": bool(version.is_active),
        "train_seconds": train_seconds,
        "migrate_seconds": migrate_seconds,
        "stage_seconds": stage_seconds,
    }
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        payload["profile"] = out.getvalue()
    print(RESULT_PREFIX + json.dumps(payload), flush=True)


if __name__ == "__main__":
    main()
