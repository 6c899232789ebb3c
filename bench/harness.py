"""Timing, results and machine facts shared by every benchmark entry."""

from __future__ import annotations

import gc
import math
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"


@dataclass(frozen=True)
class Timing:
    """Repeated wall-clock samples of one operation, in seconds."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    def spread(self, scale: float = 1.0, unit: str = "s") -> str:
        """``min-max`` over the repeats, e.g. ``"0.612-0.744 s (n=5)"``."""
        low, high = fmt_number(self.low * scale), fmt_number(self.high * scale)
        return f"{low}-{high} {unit} (n={len(self.samples)})"


def time_repeated(
    fn: Callable[[], Any], *, repeats: int, warmup: int = 1, collect: bool = True
) -> Timing:
    """Run ``fn`` ``warmup`` times untimed, then ``repeats`` timed times (GC run between)."""
    for _ in range(warmup):
        fn()
    samples: list[float] = []
    for _ in range(repeats):
        if collect:
            gc.collect()
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return Timing(tuple(samples))


@dataclass
class Result:
    """One row of the final table.

    ``value``/``baseline`` are in ``unit``; ``ratio`` is ``value / baseline`` unless an entry
    says otherwise in ``ratio_note``. ``met`` is None when the row has no target or was skipped.
    """

    name: str
    value: float | None
    unit: str
    target: str
    met: bool | None
    spread: str = ""
    baseline: float | None = None
    baseline_label: str = ""
    ratio: float | None = None
    ratio_note: str = ""
    notes: list[str] = field(default_factory=list)
    skipped: str = ""
    margin: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def progress(message: str) -> None:
    """A progress line on stderr-free stdout, flushed at once (long runs print as they go)."""
    stamp = time.strftime("%H:%M:%S")
    print(f"[bench {stamp}] {message}", flush=True)


def ratio(value: float | None, baseline: float | None) -> float | None:
    """``value / baseline``, or None when either is missing or the baseline is zero."""
    if value is None or baseline is None or baseline == 0 or not math.isfinite(baseline):
        return None
    return value / baseline


def margin_text(actual: float, limit: float, *, higher_is_better: bool = False) -> str:
    """How far a measurement is from its limit, e.g. ``"3.8x headroom"`` or ``"27% over"``."""
    if actual <= 0 or limit <= 0:
        return ""
    if higher_is_better:
        if actual >= limit:
            return f"{actual / limit:.1f}x headroom"
        return f"{(1 - actual / limit) * 100:.0f}% short of the minimum ({actual / limit:.2f}x)"
    if actual <= limit:
        return f"{limit / actual:.1f}x headroom"
    return f"{(actual / limit - 1) * 100:.0f}% over the limit ({actual / limit:.2f}x)"


def fmt_number(value: float | None, digits: int = 3) -> str:
    """Compact human formatting: 3 significant digits, thousands separators for big values."""
    if value is None:
        return "-"
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if value == 0:
        return "0"
    return f"{value:.{digits}g}"


def python_executable() -> str:
    """The interpreter running the bench (the project venv under ``make bench``)."""
    return sys.executable
