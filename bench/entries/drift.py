"""Entry 4: drift report over 10,000 live rows x every feature (< 100 ms).

The reference is built from real feature rows of some synthetic symbols, the live rows from
other symbols, so bins and samples look like production ones. Baseline: the KS test alone with
``scipy.stats.ks_2samp`` (default method) per feature in a loop.
"""

from __future__ import annotations

import numpy as np

from bench.context import END_DATE, Context
from bench.harness import Result, margin_text, progress, ratio, time_repeated

TARGET_SECONDS = 0.1


def _feature_rows(symbols: list[str], n_days: int) -> np.ndarray:
    from mlplatform.core.features import FEATURE_NAMES, compute_features_many
    from mlplatform.core.market_data.synthetic import generate_candles

    frames = {s: generate_candles(s, n_days=n_days, end_date=END_DATE) for s in symbols}
    blocks = [
        frame[list(FEATURE_NAMES)].to_numpy() for frame in compute_features_many(frames).values()
    ]
    rows = np.concatenate(blocks)
    return rows[np.isfinite(rows).all(axis=1)]


def run(ctx: Context) -> list[Result]:
    from scipy import stats

    from mlplatform.core.drift import build_reference, drift_report
    from mlplatform.core.features import FEATURE_NAMES

    names = list(FEATURE_NAMES)
    sizes = ctx.sizes
    progress("drift: building the training reference and live rows")
    reference_rows = _feature_rows(
        ctx.symbols(sizes.drift_reference_symbols, prefix="REF"), sizes.candles
    )
    reference = build_reference(reference_rows, names)
    per_symbol = max(sizes.candles - 260, 40)
    live_symbols = ctx.symbols(-(-sizes.drift_rows // per_symbol), prefix="LIVE")
    live = _feature_rows(live_symbols, sizes.candles)[-sizes.drift_rows :]
    if live.shape[0] < sizes.drift_rows:
        raise RuntimeError(f"only {live.shape[0]} live rows for {sizes.drift_rows} wanted")

    repeats = ctx.sizes.timing_repeats * 4
    progress(f"drift: drift_report on {live.shape[0]:,} x {len(names)} ({repeats} repeats)")
    report_timing = time_repeated(lambda: drift_report(reference, live, names), repeats=repeats)

    samples = [np.asarray(reference["features"][n]["sample"]) for n in names]

    def scipy_loop() -> None:
        for j, sample in enumerate(samples):
            stats.ks_2samp(sample, live[:, j])

    progress("drift: scipy.stats.ks_2samp default method per feature (baseline)")
    baseline = time_repeated(scipy_loop, repeats=ctx.sizes.timing_repeats)
    report = drift_report(reference, live, names)
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
                f"reference from {reference_rows.shape[0]:,} training rows",
            ],
        )
    ]
