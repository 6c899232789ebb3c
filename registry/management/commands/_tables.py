"""Plain-text tables for the registry commands."""

from __future__ import annotations

from typing import Any

from registry.models import ModelVersion
from registry.selectors import model_version_display_status


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
        lines.append(f"{split:<11}{'skill':<15}{_fmt(metrics.get('skill')):>12}")
    cv = version.cv_metrics or {}
    lines.append(
        f"cv ({cv.get('n_folds', 0)} walk-forward folds): mean rmse {_fmt(cv.get('mean_rmse'))}, "
        f"mean skill {_fmt(cv.get('mean_skill'))}"
    )
    return "\n".join(lines)


def versions_table(rows: list[ModelVersion]) -> str:
    header = (
        f"{'':2}{'version':<9}{'created':<21}{'status':<9}{'horizon':>8}{'val rmse':>11}"
        f"{'skill':>11}{'ic':>9}{'dir acc':>9}  symbols"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        val = row.validation_metrics or {}
        model = val.get("model") or {}
        lines.append(
            f"{'*' if row.is_active else '':2}{row.version:<9}"
            f"{row.created_at:%Y-%m-%d %H:%M:%S}  {model_version_display_status(row):<9}"
            f"{str(row.horizon_days) + 'd':>8}{_fmt(model.get('rmse')):>11}"
            f"{_fmt(val.get('skill')):>11}"
            f"{_fmt(model.get('ic'))[:8]:>9}{_fmt(model.get('directional_accuracy'))[:8]:>9}  "
            f"{','.join(sorted(row.dataset_window or {}))}"
        )
    return "\n".join(lines)
