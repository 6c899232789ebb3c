"""The final table, ``results.json`` and the Performance section draft."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bench.harness import Result, fmt_number
from bench.machine import machine_summary
from mlplatform.tables import render_table

HEADERS = ("benchmark", "measured", "spread (min-max)", "target", "baseline", "ratio", "met")


def _skip_word(result: Result) -> str:
    return "error" if result.skipped.startswith("ERROR") else "skipped"


def _met(result: Result) -> str:
    if result.skipped:
        return _skip_word(result)
    if result.met is None:
        return "-"
    return "yes" if result.met else "NO"


def _cells(result: Result) -> tuple[str, ...]:
    if result.skipped:
        return (result.name, "-", "-", result.target, "-", "-", _skip_word(result))
    value = f"{fmt_number(result.value)} {result.unit}" if result.value is not None else "-"
    baseline = (
        f"{fmt_number(result.baseline)} {result.unit}" if result.baseline is not None else "-"
    )
    rat = f"{result.ratio:.2f}x" if result.ratio is not None else "-"
    return (result.name, value, result.spread or "-", result.target, baseline, rat, _met(result))


def _footnotes(results: list[Result]) -> list[str]:
    lines = []
    for result in results:
        if result.skipped:
            lines.append(f"- {result.name}: skipped: {result.skipped}")
            continue
        parts = []
        if result.baseline_label:
            parts.append(f"baseline = {result.baseline_label}")
        if result.ratio_note:
            parts.append(f"ratio = {result.ratio_note}")
        parts.extend(result.notes)
        if parts:
            lines.append(f"- {result.name}: " + "; ".join(parts))
    return lines


def text_table(results: list[Result]) -> str:
    """A fixed-width table for the terminal."""
    return render_table(HEADERS, [_cells(r) for r in results])


def markdown_table(results: list[Result]) -> str:
    """The same table in GitHub markdown."""
    return render_table(HEADERS, [_cells(r) for r in results], markdown=True)


def _load_now() -> list[float] | None:
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else None


def print_report(
    results: list[Result],
    total_seconds: float,
    facts: dict[str, Any],
    load_at_end: list[float] | None = None,
) -> None:
    print()
    print(text_table(results))
    notes = _footnotes(results)
    if notes:
        print("\nnotes:")
        print("\n".join(notes))
    missed = [f"{r.name} ({r.margin})" if r.margin else r.name for r in results if r.met is False]
    print(f"\nmachine: {machine_summary(facts)}")
    print(
        f"load average at start: {facts.get('load_average')}, at end: {load_at_end or _load_now()}"
    )
    print(f"total bench time: {total_seconds:.0f} s")
    print("targets missed: " + ("; ".join(missed) if missed else "none"), flush=True)


def write_json(
    path: Path,
    results: list[Result],
    *,
    facts: dict[str, Any],
    mode: str,
    total_seconds: float,
    argv: list[str],
) -> None:
    payload = {
        "mode": mode,
        "load_average_at_end": _load_now(),
        "argv": argv,
        "total_seconds": round(total_seconds, 2),
        "machine": facts,
        "results": [r.as_dict() for r in results],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, allow_nan=False, default=str) + "\n")


def load_json(path: Path) -> tuple[list[Result], dict[str, Any], float, list[float] | None]:
    """Results, machine facts, total seconds and end load average from a ``results.json``."""
    payload = json.loads(path.read_text())
    results = [Result(**row) for row in payload["results"]]
    total = float(payload["total_seconds"])
    return results, payload["machine"], total, payload.get("load_average_at_end")


def _loads(values: list[float] | None) -> str:
    return " / ".join(f"{v:.1f}" for v in values) if values else "unknown"


def write_performance_doc(
    path: Path, results: list[Result], *, facts: dict[str, Any], total_seconds: float
) -> None:
    """``bench/PERFORMANCE.md``: the README "Performance" section draft with the latest table."""
    missed = [r for r in results if r.met is False]
    skipped = [r for r in results if r.skipped]
    if missed:
        verdict = "Targets missed in this run (measured vs target):\n\n" + "\n".join(
            f"- **{r.name}**: {fmt_number(r.value)} {r.unit} against {r.target}"
            + (f": {r.margin}" if r.margin else "")
            for r in missed
        )
    else:
        verdict = "Every target was met in this run."
    if skipped:
        verdict += "\n\nSkipped in this run:\n\n" + "\n".join(
            f"- {r.name}: {r.skipped}" for r in skipped
        )
    notes = "\n".join(_footnotes(results))
    text = f"""## Performance

Measured by `make bench` (`python -m bench`) on {facts["date"]}, total run time
{total_seconds:.0f} s. Machine: {machine_summary(facts)}; load average at start
{_loads(facts.get("load_average"))} (the machine is shared with other work).
Every timing is the median of repeated runs with min-max shown; every baseline was measured
in the same run; memory is the peak RSS of the training child process.
The raw numbers and the machine facts are in `bench/results.json`.

{markdown_table(results)}

{verdict}

Notes per row:

{notes}

### Reproduce

```bash
make bench         # everything, about {max(1, round(total_seconds / 60))} min on 2 cores
make bench-smoke   # the harness at tiny sizes (part of `make test`)
.venv/bin/python -m bench --only features,drift   # a subset: features, drift, training, serving
.venv/bin/python -m bench --render bench/results.json   # re-print a run, rewrite this file
```

The serving entry uses `wrk` (`apt-get install wrk`; without it, or with
`BENCH_LOADGEN=python`, a GIL-bound Python load generator stands in, fine for smoke runs
only); gunicorn runs 2 workers x 4 threads with `--reuse-port` on 127.0.0.1 with
throttling lifted and the market-data cache TTL at 300 s so "warm" stays warm. Each load is
run in 3 rounds that alternate `/health` and `/predict`; the round with the median req/s is
reported, with every round's req/s in the notes. PostgreSQL rows run when a server
answers at `BENCH_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`;
a throw-away `bench_<random>` database is created and dropped), else they are skipped with
the reason. The machine is shared, so numbers move by some tens of percent between runs;
compare ratios against the same-run baselines rather than absolute times.
"""
    path.write_text(text)
