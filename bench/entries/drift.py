"""Entry 4: the drift alarm. Speed: the report over 10,000 live rows x every feature (< 100 ms)
and the calibration's cost at training size (<= 20% added to training end to end). Statistics
(``bench/drift_sim.py``): the share of windows flagged ``drift_detected`` with no change in the
generating process (market-data windows, served-traffic windows, windows inside the training
period), with exact binomial 95% intervals, against the old rule (iid KS p-values, share >=
0.5) on the same windows; and the detection rate by shift size (volatility x k, return mean
+k sd).

Timing baseline: the KS test alone with ``scipy.stats.ks_2samp`` (default method) per feature.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bench import drift_sim
from bench.context import END_DATE, Context
from bench.harness import Result, margin_text, progress, ratio, time_repeated

TARGET_SECONDS = 0.1
TARGET_CALIBRATION_SHARE = 0.20
STATED_RATE = 0.05
TARGET_NULL_RATE = 0.10
TARGET_INSIDE_RATE = STATED_RATE + 0.05
TARGET_POWER = 0.90
DAYS = 30
VOL_SHIFTS = (1.25, 1.5, 2.0, 3.0)
MEAN_SHIFTS = (0.1, 0.25, 0.5, 1.0)


def _feature_rows(symbols: list[str], n_days: int) -> tuple[np.ndarray, np.ndarray]:
    from mlplatform.core.drift import as_days
    from mlplatform.core.features import FEATURE_NAMES, compute_features_many
    from mlplatform.core.market_data.synthetic import generate_candles

    frames = {s: generate_candles(s, n_days=n_days, end_date=END_DATE) for s in symbols}
    features = compute_features_many(frames).values()
    rows = np.concatenate([frame[list(FEATURE_NAMES)].to_numpy() for frame in features])
    dates = np.concatenate([as_days(frame["timestamp"]) for frame in features])
    keep = np.isfinite(rows).all(axis=1)
    return rows[keep], dates[keep]


def _timing_results(ctx: Context) -> list[Result]:
    from scipy import stats

    from mlplatform.core.drift import build_reference, calibrate_reference, drift_report
    from mlplatform.core.features import FEATURE_NAMES

    names = list(FEATURE_NAMES)
    sizes = ctx.sizes
    progress("drift: building the training reference and live rows")
    reference_symbols = ctx.symbols(sizes.drift_reference_symbols, prefix="REF")
    reference_rows, _ = _feature_rows(reference_symbols, sizes.candles)
    reference = build_reference(reference_rows, names)
    reference["calibration"] = calibrate_reference(
        reference, drift_sim.feature_blocks(0, n_symbols=4, n_rows=sizes.candles)
    )
    per_symbol = max(sizes.candles - 260, 40)
    live_symbols = ctx.symbols(-(-sizes.drift_rows // per_symbol), prefix="LIVE")
    live, live_dates = _feature_rows(live_symbols, sizes.candles)
    live, live_dates = live[-sizes.drift_rows :], live_dates[-sizes.drift_rows :]
    if live.shape[0] < sizes.drift_rows:
        raise RuntimeError(f"only {live.shape[0]} live rows for {sizes.drift_rows} wanted")

    def report_once() -> dict[str, Any]:
        return drift_report(reference, live, names, dates=live_dates)

    repeats = ctx.sizes.timing_repeats * 4
    progress(f"drift: drift_report on {live.shape[0]:,} x {len(names)} ({repeats} repeats)")
    report_timing = time_repeated(report_once, repeats=repeats)

    samples = [np.asarray(reference["features"][n]["sample"]) for n in names]

    def scipy_loop() -> None:
        for j, sample in enumerate(samples):
            stats.ks_2samp(sample, live[:, j])

    progress("drift: scipy.stats.ks_2samp default method per feature (baseline)")
    baseline = time_repeated(scipy_loop, repeats=ctx.sizes.timing_repeats)
    report = report_once()
    progress(
        f"drift: report {report_timing.median * 1000:.1f} ms, "
        f"scipy loop {baseline.median * 1000:.1f} ms, status {report['status']}"
    )
    return [
        Result(
            name=f"drift report ({live.shape[0]:,} rows x {len(names)} features)",
            value=report_timing.median * 1000,
            unit="ms",
            target=f"< {TARGET_SECONDS * 1000:g} ms",
            met=report_timing.median < TARGET_SECONDS,
            margin=margin_text(report_timing.median, TARGET_SECONDS),
            spread=report_timing.spread(1000, "ms"),
            baseline=baseline.median * 1000,
            baseline_label="scipy ks_2samp (default method) per feature",
            ratio=ratio(report_timing.median, baseline.median),
            notes=[
                f"baseline spread {baseline.spread(1000, 'ms')}",
                f"reference from {reference_rows.shape[0]:,} training rows, calibrated",
            ],
        )
    ]


def _calibration_cost(ctx: Context) -> Result:
    """Calibration at training size, against one end-to-end training of the same size (which
    now includes it), both in this run."""
    from bench.entries.training import train_in_child
    from mlplatform.core.drift import as_days, build_reference, calibrate_reference
    from mlplatform.core.features import FEATURE_NAMES, compute_features_many

    names = list(FEATURE_NAMES)
    sizes = ctx.sizes
    progress(f"drift: calibration on {sizes.symbols} symbols x {sizes.candles:,} candles")
    features = compute_features_many(ctx.candles())
    blocks = [
        (as_days(frame["timestamp"]), frame[names].to_numpy(dtype=np.float64))
        for frame in features.values()
    ]
    pooled = np.concatenate([X for _, X in blocks])
    reference = build_reference(pooled[np.isfinite(pooled).all(axis=1)], names)
    del pooled, features
    timing = time_repeated(
        lambda: calibrate_reference(reference, blocks), repeats=sizes.timing_repeats
    )
    progress("drift: one end-to-end training of the same size (baseline)")
    trained = train_in_child(
        ctx.workdir / "drift-train", symbols=sizes.symbols, lookback=sizes.candles
    )
    train_seconds = float(trained["train_seconds"])
    added = timing.median / max(train_seconds - timing.median, 1e-9)
    progress(
        f"drift: calibration {timing.median:.3f} s, training {train_seconds:.2f} s "
        f"(calibration adds {added * 100:.1f}%)"
    )
    return Result(
        name=f"drift calibration ({sizes.symbols} sym x {sizes.candles:,} candles)",
        value=timing.median,
        unit="s",
        target=f"adds <= {TARGET_CALIBRATION_SHARE * 100:g}% to training",
        met=added <= TARGET_CALIBRATION_SHARE,
        spread=timing.spread(),
        baseline=train_seconds,
        baseline_label="training end to end (includes the calibration)",
        ratio=ratio(timing.median, train_seconds),
        ratio_note=f"adds {added * 100:.1f}% to the training without it",
        notes=[f"training stages {trained.get('stage_seconds')}"],
    )


def _rate_result(
    name: str, flags: list[bool], old: list[bool] | None, *, target: float, at_most: bool
) -> Result:
    measured = drift_sim.rate(flags)
    value = measured["rate"] * 100
    interval = f"95% CI {measured['low'] * 100:.1f}-{measured['high'] * 100:.1f}%"
    notes = [f"{measured['flagged']}/{measured['windows']} windows flagged, {interval}"]
    baseline = None
    if old is not None:
        baseline_rate = drift_sim.rate(old)
        baseline = baseline_rate["rate"] * 100
        notes.append(f"old rule {baseline_rate['flagged']}/{baseline_rate['windows']} flagged")
    met = value <= target * 100 if at_most else value >= target * 100
    return Result(
        name=name,
        value=value,
        unit="%",
        target=f"{'<=' if at_most else '>='} {target * 100:g}%",
        met=met,
        spread=interval,
        baseline=baseline,
        baseline_label="old rule (iid KS p < 0.05, share >= 0.5) on the same windows"
        if old is not None
        else "",
        ratio=ratio(value, baseline),
        notes=notes,
    )


def _statistics_results(ctx: Context) -> list[Result]:
    if ctx.smoke:
        n_universes, n_symbols, monitor_rows = 2, 10, 120
    else:
        n_universes, n_symbols, monitor_rows = 12, 30, 600
    train_rows = 1520
    market, market_old, served, served_old, inside, common = [], [], [], [], [], []
    universes = []
    for seed in range(n_universes):
        progress(f"drift: null universe {seed + 1}/{n_universes} ({n_symbols} symbols)")
        u = drift_sim.universe(
            seed, n_symbols=n_symbols, train_rows=train_rows, monitor_rows=monitor_rows
        )
        universes.append(u)
        old_reference = drift_sim.uncalibrated(u.reference)
        stop = train_rows + monitor_rows
        for X, dates in drift_sim.market_windows(u.blocks, train_rows, stop, DAYS):
            market.append(drift_sim.flagged(u.reference, X, dates))
            market_old.append(drift_sim.flagged(old_reference, X, dates))
        rng = np.random.default_rng([seed, 500])
        for X, dates, _ in drift_sim.served_windows(u.blocks, train_rows, stop, rng=rng):
            served.append(drift_sim.flagged(u.reference, X, dates))
            served_old.append(drift_sim.flagged(old_reference, X, dates))
        for X, dates in drift_sim.market_windows(u.blocks, drift_sim.WARMUP, train_rows, DAYS):
            inside.append(drift_sim.flagged(u.reference, X, dates))
        stressed = drift_sim.universe(
            seed,
            n_symbols=n_symbols,
            train_rows=train_rows,
            monitor_rows=monitor_rows,
            common_regime=True,
        )
        for X, dates in drift_sim.market_windows(stressed.blocks, train_rows, stop, DAYS):
            common.append(drift_sim.flagged(stressed.reference, X, dates))

    results = [
        _rate_result(
            f"drift null: market windows flagged ({n_symbols} sym x {DAYS} d)",
            market,
            market_old,
            target=TARGET_NULL_RATE,
            at_most=True,
        ),
        _rate_result(
            "drift null: served windows flagged (500 requests, distinct rows)",
            served,
            served_old,
            target=TARGET_NULL_RATE,
            at_most=True,
        ),
        _rate_result(
            "drift null: windows inside the training period",
            inside,
            None,
            target=TARGET_INSIDE_RATE,
            at_most=True,
        ),
    ]
    stress = _rate_result(
        "drift null stress: market-wide regimes (no target)",
        common,
        None,
        target=TARGET_NULL_RATE,
        at_most=True,
    )
    stress.met = None
    stress.target = "-"
    results.append(stress)

    shifts = [{"vol_multiplier": k} for k in VOL_SHIFTS] + [
        {"mean_shift_sd": k} for k in MEAN_SHIFTS
    ]
    power_universes = universes[: max(2, (n_universes * 5) // 6)]
    for shift in shifts:
        ((key, size),) = shift.items()
        label = f"volatility x{size:g}" if key == "vol_multiplier" else f"return mean +{size:g} sd"
        progress(f"drift: power, {label}")
        flags = []
        for u in power_universes:
            windows = drift_sim.shifted_windows(
                u, n_symbols=n_symbols, monitor_rows=monitor_rows, days=DAYS, **shift
            )
            flags += [drift_sim.flagged(u.reference, X, dates) for X, dates in windows]
        required = (key == "vol_multiplier" and size == 2.0) or (
            key == "mean_shift_sd" and size == 1.0
        )
        row = _rate_result(f"drift power: {label}", flags, None, target=TARGET_POWER, at_most=False)
        if not required:
            row.met, row.target = None, "-"
        results.append(row)
    return results


def run(ctx: Context) -> list[Result]:
    return [*_timing_results(ctx), _calibration_cost(ctx), *_statistics_results(ctx)]
