"""Plain-text tables for the registry commands."""

from __future__ import annotations

from typing import Any

from registry.models import ModelVersion


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6f}"
    return str(value)


def metrics_table(version: ModelVersion) -> str:
    """Rows: model / zero / mean baselines; columns: the metrics, for train and validation."""
    columns = ("rmse", "mae", "r2", "directional_accuracy", "ic")
    header = f"{'split':<11}{'predictor':<15}" + "".join(f"{c[:10]:>12}" for c in columns)
    lines = [header, "-" * len(header)]
    for split, metrics in (
        ("train", version.training_metrics),
        ("validation", version.validation_metrics),
    ):
        for key, label in (
            ("model", "model"),
            ("baseline_zero", "zero"),
            ("baseline_mean", "train mean"),
        ):
            row = metrics.get(key) or {}
            lines.append(
                f"{split:<11}{label:<15}" + "".join(f"{_fmt(row.get(c)):>12}" for c in columns)
            )
        majority = metrics.get("baseline_majority") or {}
        if majority:
            label = f"always {majority.get('direction', 'up')}"
            lines.append(
                f"{split:<11}{label:<15}"
                + "".join(
                    f"{_fmt(majority.get(c)) if c == 'directional_accuracy' else '':>12}"
                    for c in columns
                )
            )
        vs = metrics.get("skill_vs")
        label = f"skill vs {vs}" if vs else "skill"
        lines.append(f"{split:<11}{label:<15}{_fmt(metrics.get('skill')):>12}")
    cv = version.cv_metrics or {}
    lines.append(
        f"cv ({cv.get('n_folds', 0)} walk-forward folds): mean rmse {_fmt(cv.get('mean_rmse'))}, "
        f"mean skill {_fmt(cv.get('mean_skill'))}"
    )
    return "\n".join(lines)


def _pct(value: Any, digits: int = 1) -> str:
    if not isinstance(value, (int, float)):
        return "-"
    return f"{value * 100:+.{digits}f}%".replace("-", "\u2212")


def _ci(ci: Any, fmt: Any = _pct) -> str:
    if isinstance(ci, (list, tuple)) and len(ci) == 2:
        return f"90% CI {fmt(ci[0])}\u2026{fmt(ci[1])}"
    return "no interval"


def _tone(ci: Any) -> str:
    """Coloured by the interval, not the sign: above zero, below zero, or undecided."""
    if not (isinstance(ci, (list, tuple)) and len(ci) == 2):
        return "plain"
    if ci[0] > 0:
        return "good"
    if ci[1] < 0:
        return "bad"
    return "unclear"


_BASELINES = {"mean": "training-mean baseline", "zero": "zero baseline"}


def honest_summary(version: ModelVersion) -> list[tuple[str, str]]:
    """``(line, tone)`` pairs headlining the honest validation numbers of a version.

    ``tone`` is ``good`` (90% interval above zero), ``bad`` (below zero), ``unclear`` (the
    interval straddles zero) or ``plain``; the command colours each line by it.
    """
    val = version.validation_metrics or {}
    out: list[tuple[str, str]] = []
    if "skill_zero" in val:
        baseline = _BASELINES.get(val.get("skill_vs") or "", "best baseline")
        out.append(
            (
                f"skill vs the {baseline}: {_pct(val.get('skill'))} ({_ci(val.get('skill_ci'))}); "
                f"vs zero {_pct(val.get('skill_zero'))}, vs training mean "
                f"{_pct(val.get('skill_mean'))}",
                _tone(val.get("skill_ci")),
            )
        )
        model = val.get("model") or {}
        ic = model.get("ic")
        out.append(
            (
                f"IC {_fmt(ic)[:6]} ({_ci(val.get('ic_ci'), lambda v: f'{v:+.3f}')})",
                _tone(val.get("ic_ci")),
            )
        )
        majority = val.get("baseline_majority") or {}
        out.append(
            (
                f"directional accuracy {_pct(model.get('directional_accuracy'))[1:]} vs always "
                f"{majority.get('direction', 'up')} "
                f"{_pct(majority.get('directional_accuracy'))[1:]}: edge "
                f"{_pct(val.get('directional_edge'))} ({_ci(val.get('directional_edge_ci'))})",
                _tone(val.get("directional_edge_ci")),
            )
        )
    cal = val.get("calibration") or {}
    if cal:
        better = (cal.get("brier") or 1) < (cal.get("brier_base_rate") or 0)
        out.append(
            (
                f"probability_up ({cal.get('method', 'calibrated')}, fitted out of fold): Brier "
                f"{_fmt(cal.get('brier'))[:6]} vs base rate "
                f"{_fmt(cal.get('brier_base_rate'))[:6]}, "
                f"log loss {_fmt(cal.get('log_loss'))[:6]} vs "
                f"{_fmt(cal.get('log_loss_base_rate'))[:6]} (base rate "
                f"{_pct(cal.get('base_rate'), 1)[1:]})",
                "good" if better else "bad",
            )
        )
    signals = val.get("signals") or {}
    if signals:
        parts = []
        for name in ("BUY", "SELL"):
            item = signals.get(name) or {}
            parts.append(
                f"{name} {_pct(item.get('share'), 0)[1:]} (hit {_pct(item.get('hit_rate'), 0)[1:]})"
            )
        parts.append(f"HOLD {_pct((signals.get('HOLD') or {}).get('share'), 0)[1:]}")
        out.append((f"signals on validation: {', '.join(parts)}", "plain"))
    split = (version.config or {}).get("split") or {}
    for symbol, reason in (split.get("skipped_symbols") or {}).items():
        out.append((f"skipped {symbol}: {reason}", "bad"))
    for entry in split.get("quarantined_rows") or []:
        out.append((f"quarantined: {entry.get('message')}", "unclear"))
    return out


def versions_table(rows: list[ModelVersion]) -> str:
    header = (
        f"{'':2}{'version':<9}{'created':<21}{'status':<9}{'val rmse':>11}{'skill':>11}"
        f"{'ic':>9}{'dir acc':>9}  symbols"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        val = row.validation_metrics or {}
        model = val.get("model") or {}
        lines.append(
            f"{'*' if row.is_active else '':2}{row.version:<9}"
            f"{row.created_at:%Y-%m-%d %H:%M:%S}  {row.status:<9}"
            f"{_fmt(model.get('rmse')):>11}{_fmt(val.get('skill')):>11}"
            f"{_fmt(model.get('ic'))[:8]:>9}{_fmt(model.get('directional_accuracy'))[:8]:>9}  "
            f"{','.join(sorted(row.dataset_window or {}))}"
        )
    return "\n".join(lines)
