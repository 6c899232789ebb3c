"""Entry 1: features for 500 symbols x 2,520 candles (< 3 s), batch path vs per-symbol path."""

from __future__ import annotations

from bench.context import Context
from bench.harness import Result, fmt_number, margin_text, progress, ratio, time_repeated

TARGET_SECONDS = 3.0


def run(ctx: Context) -> list[Result]:
    from mlplatform.core.features import compute_features, compute_features_many

    progress(f"features: generating {ctx.sizes.symbols} x {ctx.sizes.candles} synthetic candles")
    frames = ctx.candles()
    n_candles = sum(len(frame) for frame in frames.values())

    progress("features: compute_features_many (batch path)")
    batch = time_repeated(lambda: compute_features_many(frames), repeats=ctx.sizes.timing_repeats)
    progress("features: compute_features per symbol (baseline)")
    single = time_repeated(
        lambda: [compute_features(frame) for frame in frames.values()],
        repeats=max(ctx.sizes.timing_repeats - 2, 1),
    )
    throughput = n_candles / batch.median
    progress(
        f"features: batch {batch.median:.3f} s ({fmt_number(throughput)} candles/s), "
        f"per-symbol {single.median:.3f} s"
    )
    label = f"{ctx.sizes.symbols} sym x {ctx.sizes.candles:,} candles"
    return [
        Result(
            name=f"features ({label})",
            value=batch.median,
            unit="s",
            target=f"< {TARGET_SECONDS:g} s",
            met=batch.median < TARGET_SECONDS,
            margin=margin_text(batch.median, TARGET_SECONDS),
            spread=batch.spread(),
            baseline=single.median,
            baseline_label="per-symbol compute_features loop",
            ratio=ratio(batch.median, single.median),
            notes=[f"per-symbol spread {single.spread()}"],
        ),
        Result(
            name="features throughput",
            value=throughput,
            unit="candles/s",
            target="-",
            met=None,
            spread=(f"{fmt_number(n_candles / batch.high)}-{fmt_number(n_candles / batch.low)} /s"),
            baseline=n_candles / single.median,
            baseline_label="per-symbol compute_features loop",
            ratio=ratio(throughput, n_candles / single.median),
        ),
    ]
