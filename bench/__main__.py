"""``python -m bench [--smoke] [--only NAME,...] [--output PATH] [--no-docs]``."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.context import Context, Sizes
from bench.harness import BENCH_DIR, ROOT, Result, progress
from bench.machine import machine_facts
from bench.report import load_json, print_report, write_json, write_performance_doc

ENTRIES: tuple[str, ...] = ("features", "drift", "training", "serving", "deploy", "outcomes")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks the harness")
    parser.add_argument(
        "--only", default="", help=f"comma-separated entries to run (of {', '.join(ENTRIES)})"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="results JSON (default bench/results.json; smoke runs write to a temp dir)",
    )
    parser.add_argument(
        "--no-docs", action="store_true", help="do not rewrite bench/PERFORMANCE.md"
    )
    parser.add_argument(
        "--render",
        type=Path,
        default=None,
        metavar="RESULTS_JSON",
        help="run nothing: print the table of a results.json and rewrite bench/PERFORMANCE.md",
    )
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()] or list(ENTRIES)
    unknown = sorted(set(chosen) - set(ENTRIES))
    if unknown:
        parser.error(f"unknown entries {', '.join(unknown)}; choose from {', '.join(ENTRIES)}")
    args.entries = [name for name in ENTRIES if name in chosen]
    return args


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    if args.render is not None:
        results, facts, total, load_at_end = load_json(args.render)
        print_report(results, total, facts, load_at_end)
        write_performance_doc(
            BENCH_DIR / "PERFORMANCE.md", results, facts=facts, total_seconds=total
        )
        return 0
    os.chdir(ROOT)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    mode = "smoke" if args.smoke else "full"
    facts = machine_facts()
    progress(f"{mode} run of {', '.join(args.entries)}")
    results: list[Result] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="mlbench-") as tmp:
        ctx = Context(smoke=args.smoke, sizes=Sizes.for_mode(args.smoke), workdir=Path(tmp))
        for name in args.entries:
            entry_started = time.perf_counter()
            progress(f"== {name}")
            try:
                module = importlib.import_module(f"bench.entries.{name}")
                results.extend(module.run(ctx))
            except Exception as exc:  # one broken entry must not hide the others' numbers
                traceback.print_exc()
                failed.append(name)
                results.append(
                    Result(
                        name=name,
                        value=None,
                        unit="",
                        target="-",
                        met=None,
                        skipped=f"ERROR {type(exc).__name__}: {exc}",
                    )
                )
            progress(f"== {name} done in {time.perf_counter() - entry_started:.1f} s")
        total = time.perf_counter() - started
        output = args.output or (
            Path(tmp) / "results.json" if args.smoke else BENCH_DIR / "results.json"
        )
        write_json(output, results, facts=facts, mode=mode, total_seconds=total, argv=sys.argv[1:])
        print_report(results, total, facts)
        if args.smoke:
            print("smoke run: tiny sizes check the harness; the 'met' column is meaningful only")
            print("for a full run (make bench)")
        print(
            f"results: {output}"
            + (" (temporary; smoke run)" if args.output is None and args.smoke else "")
        )
        if not args.smoke and not args.no_docs and args.entries == list(ENTRIES):
            write_performance_doc(
                BENCH_DIR / "PERFORMANCE.md", results, facts=facts, total_seconds=total
            )
            print(f"performance section: {BENCH_DIR / 'PERFORMANCE.md'}")
    if failed:
        print(f"bench entries failed with an error: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
