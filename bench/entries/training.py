"""Entry 2: training end to end (< 30 s, peak RSS < 1.5 GB) and the fit step vs scikit-learn.

Training includes the honest evaluation (issue 15): the outlier rule, the calibration map,
and HAC intervals over dates. Its cost is reported next to ``core.metrics.evaluate``
alone on the same validation-sized rows, and its error rates (interval coverage vs the
date-block and naive row bootstraps, outlier catch and false-alarm rates) come from
``bench.evaluation_checks``.

End to end runs ``registry.services.train_model`` in a child process (``bench.train_child``)
on a scratch SQLite database and artifact folder with the synthetic source, so the peak RSS
reported is that process's own (``os.wait4``), Django and all. The fit step is timed in this
process on the design matrix training builds (features + forward return, finite rows): the
core ``RidgeAccumulator`` fed one symbol chunk at a time vs scikit-learn's ``Ridge`` on the
pooled, standardized matrix.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.context import Context
from bench.harness import ROOT, Result, Timing, margin_text, progress, ratio, time_repeated
from bench.train_child import RESULT_PREFIX

TARGET_SECONDS = 30.0
TARGET_RSS_MB = 1536.0
HORIZON = 5
ALPHA = 1.0


def child_env(workdir: Path) -> dict[str, str]:
    """Environment for a bench child: scratch SQLite and artifacts under ``workdir``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CACHE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="mlplatform.settings",
        ENV_FILE=str(workdir / "no.env"),  # a developer's .env must not leak into the bench
        ENV="development",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MODEL_REGISTRY_DIR=str(workdir / "models"),
        MARKET_DATA_SOURCE="synthetic",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.pop("REDIS_URL", None)
    return env


def train_in_child(
    workdir: Path,
    *,
    symbols: int,
    lookback: int,
    profile: bool = False,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One end-to-end training in a fresh process; adds ``wall_seconds`` and ``peak_rss_mb``.

    ``env`` defaults to :func:`child_env` (scratch SQLite + artifacts under ``workdir``).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "bench.train_child", "--symbols", str(symbols)]
    command += ["--lookback", str(lookback)] + (["--profile"] if profile else [])
    stderr_path = workdir / "stderr.txt"
    started = time.perf_counter()
    with stderr_path.open("wb") as stderr:
        child = subprocess.Popen(
            command, cwd=ROOT, env=env or child_env(workdir), stdout=subprocess.PIPE, stderr=stderr
        )
        assert child.stdout is not None
        stdout = child.stdout.read().decode("utf-8", "replace")
        child.stdout.close()
        # wait4 reports this child's own rusage (RUSAGE_CHILDREN would mix in earlier children)
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    lines = [line for line in stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if child.returncode != 0 or not lines:
        tail = stderr_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"training child exited {child.returncode}:\n{tail}")
    result = json.loads(lines[-1][len(RESULT_PREFIX) :])
    result["wall_seconds"] = wall
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return result


def design_matrix(ctx: Context) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per-symbol (X, y) chunks built as training builds them: finite features and target."""
    from mlplatform.core.features import FEATURE_NAMES, compute_features_many

    xs, ys = [], []
    for frame in compute_features_many(ctx.candles()).values():
        close = frame["close"].to_numpy()
        target = np.full(close.shape[0], np.nan)
        target[:-HORIZON] = close[HORIZON:] / close[:-HORIZON] - 1.0
        matrix = frame[list(FEATURE_NAMES)].to_numpy()
        keep = np.isfinite(matrix).all(axis=1) & np.isfinite(target)
        xs.append(np.ascontiguousarray(matrix[keep]))
        ys.append(target[keep])
    return xs, ys


def _fit_results(ctx: Context) -> list[Result]:
    from sklearn.linear_model import Ridge

    from mlplatform.core.features import FEATURE_NAMES
    from mlplatform.core.model import RidgeAccumulator

    xs, ys = design_matrix(ctx)
    X, y = np.concatenate(xs), np.concatenate(ys)
    names = list(FEATURE_NAMES)
    progress(f"training: fit step on {X.shape[0]:,} x {X.shape[1]} (RidgeAccumulator chunks)")

    def ours() -> Any:
        acc = RidgeAccumulator(len(names), feature_names=names)
        for chunk_x, chunk_y in zip(xs, ys, strict=True):
            acc.add(chunk_x, chunk_y)
        return acc.fit(ALPHA)

    def sklearn() -> Any:
        mean, std = X.mean(axis=0), X.std(axis=0)
        return Ridge(alpha=ALPHA).fit((X - mean) / std, y)

    repeats = ctx.sizes.timing_repeats
    ours_t = time_repeated(ours, repeats=repeats)
    progress("training: scikit-learn Ridge on the pooled standardized matrix (baseline)")
    theirs_t = time_repeated(sklearn, repeats=repeats)
    diff = float(np.max(np.abs(ours().coefficients - sklearn().coef_)))
    progress(
        f"training: fit {ours_t.median * 1000:.0f} ms vs scikit-learn "
        f"{theirs_t.median * 1000:.0f} ms (max |coef diff| {diff:.1e})"
    )
    return [
        Result(
            name=f"fit step ({X.shape[0]:,} x {X.shape[1]})",
            value=ours_t.median * 1000,
            unit="ms",
            target="ratio to scikit-learn (report)",
            met=None,
            spread=ours_t.spread(1000, "ms"),
            baseline=theirs_t.median * 1000,
            baseline_label="sklearn Ridge(alpha=1).fit, pooled matrix, standardizing included",
            ratio=ratio(ours_t.median, theirs_t.median),
            notes=[
                f"baseline spread {theirs_t.spread(1000, 'ms')}",
                f"max |coefficient difference| {diff:.1e}",
            ],
        )
    ]


def run(ctx: Context) -> list[Result]:
    # the registry is imported by the child only: this process stays free of Django
    if importlib.util.find_spec("registry.services") is None:
        end_to_end: list[Result] = [
            Result(
                name="training end to end",
                value=None,
                unit="s",
                target="< 30 s",
                met=None,
                skipped="registry.services does not exist yet",
            )
        ]
    else:
        end_to_end = _end_to_end(ctx)
    return end_to_end + _fit_results(ctx) + _evaluation_results(ctx)


def _end_to_end(ctx: Context) -> list[Result]:
    sizes = ctx.sizes
    runs: list[dict[str, Any]] = []
    for attempt in range(sizes.training_repeats):
        progress(
            f"training: end to end {attempt + 1}/{sizes.training_repeats} "
            f"({sizes.symbols} symbols x {sizes.candles} candles, child process)"
        )
        result = train_in_child(
            ctx.workdir / f"train{attempt}", symbols=sizes.symbols, lookback=sizes.candles
        )
        stages = ", ".join(f"{k} {v:.1f}s" for k, v in result["stage_seconds"].items())
        progress(
            f"training: {result['train_seconds']:.1f} s, peak RSS {result['peak_rss_mb']:.0f} MB "
            f"({stages})"
        )
        runs.append(result)
    timing = Timing(tuple(r["train_seconds"] for r in runs))
    rss = [r["peak_rss_mb"] for r in runs]
    peak = max(rss)
    slowest = max(runs, key=lambda r: r["train_seconds"])
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in slowest["stage_seconds"].items())
    label = f"{sizes.symbols} sym x {sizes.candles:,} candles"
    return [
        Result(
            name=f"training end to end ({label})",
            value=timing.median,
            unit="s",
            target=f"< {TARGET_SECONDS:g} s",
            met=timing.median < TARGET_SECONDS,
            margin=margin_text(timing.median, TARGET_SECONDS),
            spread=timing.spread(),
            notes=[
                "registry.services.train_model in a child process (migrate excluded)",
                f"slowest run by stage: {stages}",
                f"child wall incl. Django start + migrate: "
                f"{statistics.median(r['wall_seconds'] for r in runs):.1f} s",
            ],
        ),
        Result(
            name="training peak RSS",
            value=peak,
            unit="MB",
            target=f"< {TARGET_RSS_MB:g} MB",
            met=peak < TARGET_RSS_MB,
            margin=margin_text(peak, TARGET_RSS_MB),
            spread=f"{min(rss):.0f}-{peak:.0f} MB (n={len(rss)})",
            notes=["max over runs of the child's ru_maxrss (os.wait4)"],
        ),
    ]


def _evaluation_results(ctx: Context) -> list[Result]:
    """Cost of the validation report vs ``evaluate`` alone, and its measured error rates."""
    from bench.evaluation_checks import bootstrap_coverage, outlier_rates
    from mlplatform.core.calibration import calibration_fit
    from mlplatform.core.evaluation_sim import simulate_panel
    from mlplatform.core.metrics import evaluate
    from registry.evaluation import honest_metrics

    n_dates = max(ctx.sizes.candles // 5, 60)
    panel = simulate_panel(n_dates=n_dates, n_symbols=ctx.sizes.symbols, seed=1)
    pred = 0.004 * panel.x + 0.002
    calibration = calibration_fit(pred, panel.y, base_rate=0.55, train_mean=0.002)
    progress(f"training: validation report on {panel.y.size:,} rows vs evaluate() alone")

    def report() -> Any:
        return honest_metrics(
            panel.y,
            pred,
            panel.dates,
            train_mean=0.002,
            majority=1,
            horizon=HORIZON,
            calibration=calibration,
        )

    def plain() -> Any:
        return evaluate(panel.y, pred, train_mean=0.002, majority=1)

    repeats = ctx.sizes.timing_repeats
    ours = time_repeated(report, repeats=repeats)
    base = time_repeated(plain, repeats=repeats)
    results = [
        Result(
            name=f"validation report ({panel.y.size:,} rows, HAC intervals)",
            value=ours.median * 1000,
            unit="ms",
            target="report (part of the 30 s training budget)",
            met=None,
            spread=ours.spread(1000, "ms"),
            baseline=base.median * 1000,
            baseline_label="core.metrics.evaluate alone on the same rows",
            ratio=ratio(ours.median, base.median),
            notes=["intervals for skill, IC, directional edge + calibration + signals"],
        )
    ]
    reps = 20 if ctx.smoke else 200
    progress(f"training: interval coverage over {reps} simulated panels (HAC vs date blocks)")
    if ctx.smoke:
        cov = bootstrap_coverage(reps=reps, n_boot=100, n_dates=250, n_symbols=10)
    else:
        cov = bootstrap_coverage(reps=reps, n_boot=300)
    for name in ("skill", "ic", "directional_edge"):
        hac = cov["coverage"]["hac"][name]
        blocks = cov["coverage"]["blocks"][name]
        naive = cov["coverage"]["naive"][name]
        lo, hi = hac["wilson95"]
        results.append(
            Result(
                name=f"90% interval coverage: {name}",
                value=hac["rate"],
                unit="share",
                target="about 0.90",
                met=lo <= 0.90 <= hi,
                spread=f"Wilson 95% {lo:.3f}-{hi:.3f} (n={reps})",
                baseline=blocks["rate"],
                baseline_label=f"date-block percentile bootstrap ({cov['block_dates']} dates)",
                ratio=ratio(hac["rate"], blocks["rate"]),
                notes=[
                    f"{cov['panel']}, HAC with EWC dof {cov['hac_dof']}; mean width "
                    f"{hac['mean_width']:.4f} vs blocks {blocks['mean_width']:.4f}; naive row "
                    f"bootstrap covers {naive['rate']:.3f}"
                ],
            )
        )
    progress("training: outlier rule catch and false-alarm rates")
    out = outlier_rates(symbols=40 if ctx.smoke else 200)
    glitch = out["catch"]["1.3x"]
    results.append(
        Result(
            name="outlier rule: +30% one-day glitch caught",
            value=glitch["rate"],
            unit="share",
            target="report",
            met=None,
            spread=f"Wilson 95% {glitch['wilson95'][0]:.3f}-{glitch['wilson95'][1]:.3f}",
            notes=[
                f"100x spike caught {out['catch']['100x']['rate']:.3f}, -30% glitch "
                f"{out['catch']['0.7x']['rate']:.3f}; false alarms "
                f"{out['false_rows_per_symbol_decade']:.3f} rows per clean symbol-decade"
            ],
        )
    )
    return results
