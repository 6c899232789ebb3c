"""Typed output shapes of the registry routes (what ``/api/schema/`` states).

The views build plain dicts (``registry.apis``); these serializers describe them field by field
so the generated dashboard types (``frontend/lib/api-schema.d.ts``) need no guessing.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mlplatform.api.schema import JsonMapField


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "number"},
        "minItems": 2,
        "maxItems": 2,
        "nullable": True,
        "description": "A 90% block-bootstrap interval `[lo, hi]`.",
    }
)
class IntervalField(serializers.ListField):
    """``[lo, hi]`` or null."""


class RegressionMetricsSerializer(serializers.Serializer):
    """One prediction set scored (the model, or a baseline predicting zero / the train mean)."""

    n = serializers.IntegerField()
    rmse = serializers.FloatField(allow_null=True)
    mae = serializers.FloatField(allow_null=True)
    r2 = serializers.FloatField(allow_null=True)
    directional_accuracy = serializers.FloatField(allow_null=True)
    ic = serializers.FloatField(allow_null=True)


class MajorityBaselineSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    direction = serializers.ChoiceField(choices=("up", "down"))
    directional_accuracy = serializers.FloatField(allow_null=True)


class ReliabilityBinSerializer(serializers.Serializer):
    p_mean = serializers.FloatField(help_text="Mean probability_up in the group.")
    up_share = serializers.FloatField(help_text="Share of the group whose price went up.")
    n = serializers.IntegerField()


class CalibrationReportSerializer(serializers.Serializer):
    base_rate = serializers.FloatField(allow_null=True)
    brier = serializers.FloatField(allow_null=True)
    brier_base_rate = serializers.FloatField(allow_null=True)
    log_loss = serializers.FloatField(allow_null=True)
    log_loss_base_rate = serializers.FloatField(allow_null=True)
    reliability = ReliabilityBinSerializer(many=True)
    method = serializers.CharField(required=False)


class SignalShareSerializer(serializers.Serializer):
    share = serializers.FloatField()
    hit_rate = serializers.FloatField(allow_null=True)


class HoldShareSerializer(serializers.Serializer):
    share = serializers.FloatField()


class SignalsReportSerializer(serializers.Serializer):
    BUY = SignalShareSerializer()
    SELL = SignalShareSerializer()
    HOLD = HoldShareSerializer()
    margin = serializers.FloatField(required=False)
    base_rate = serializers.FloatField(required=False, allow_null=True)
    rule = serializers.CharField(required=False)


class BootstrapSerializer(serializers.Serializer):
    """How the validation intervals were computed. Versions trained since the HAC intervals
    carry ``dof`` and ``horizon``; older ones the block bootstrap's ``block_dates``,
    ``replicates`` and ``seed``."""

    method = serializers.CharField()
    level = serializers.FloatField()
    dates = serializers.IntegerField()
    dof = serializers.IntegerField(required=False)
    horizon = serializers.IntegerField(required=False)
    block_dates = serializers.IntegerField(required=False, allow_null=True)
    replicates = serializers.IntegerField(required=False)
    seed = serializers.IntegerField(required=False)


class MetricSetSerializer(serializers.Serializer):
    """Metrics of one split (DESIGN section 3): the model next to its baselines.

    ``skill = 1 - rmse / min(rmse_zero, rmse_mean)`` and ``skill_vs`` names the better baseline.
    Intervals, ``calibration`` and ``signals`` exist on validation metrics only.
    """

    model = RegressionMetricsSerializer()
    baseline_zero = RegressionMetricsSerializer()
    baseline_mean = RegressionMetricsSerializer()
    baseline_majority = MajorityBaselineSerializer(required=False)
    skill = serializers.FloatField(allow_null=True)
    skill_vs = serializers.ChoiceField(choices=("zero", "mean"), allow_null=True)
    skill_zero = serializers.FloatField(allow_null=True, required=False)
    skill_mean = serializers.FloatField(allow_null=True, required=False)
    directional_edge = serializers.FloatField(allow_null=True, required=False)
    skill_ci = IntervalField(required=False)
    ic_ci = IntervalField(required=False)
    directional_edge_ci = IntervalField(required=False)
    bootstrap = BootstrapSerializer(required=False)
    calibration = CalibrationReportSerializer(required=False)
    signals = SignalsReportSerializer(required=False)
    train_mean = serializers.FloatField(
        required=False, allow_null=True, help_text="training-target mean, when stored"
    )


class DatasetWindowEntrySerializer(serializers.Serializer):
    """One symbol's rows in a version's training data."""

    rows = serializers.IntegerField(help_text="training rows (candles with a full feature row)")
    candles = serializers.IntegerField(required=False, help_text="candles read")
    first_date = serializers.CharField()
    last_date = serializers.CharField()


def dataset_window_totals(window: object) -> dict[str, Any]:
    """The one summary of a ``dataset_window``: symbols, rows and overall first/last date."""
    entries = window if isinstance(window, dict) else {}
    rows = [entry for entry in entries.values() if isinstance(entry, dict)]
    firsts = [str(entry["first_date"]) for entry in rows if entry.get("first_date")]
    lasts = [str(entry["last_date"]) for entry in rows if entry.get("last_date")]
    return {
        "symbols": sorted(entries),
        "rows": int(sum(int(entry.get("rows") or 0) for entry in rows)),
        "first_date": min(firsts) if firsts else None,
        "last_date": max(lasts) if lasts else None,
    }


#: ``dataset_window``: symbol -> its rows and first/last date.
def dataset_window_field(**kwargs: object) -> serializers.DictField:
    return serializers.DictField(
        child=DatasetWindowEntrySerializer(),
        help_text="Per symbol: rows and first/last date used for training.",
        **kwargs,
    )


class CvSummarySerializer(serializers.Serializer):
    n_folds = serializers.IntegerField(allow_null=True)
    mean_rmse = serializers.FloatField(allow_null=True)
    mean_skill = serializers.FloatField(allow_null=True)
    mean_ic = serializers.FloatField(allow_null=True)


class SplitRangeSerializer(serializers.Serializer):
    """Rows and first/last date of one split (train, validation, a CV fold)."""

    rows = serializers.IntegerField()
    dates = serializers.IntegerField(required=False, help_text="distinct dates")
    first_date = serializers.CharField(allow_null=True)
    last_date = serializers.CharField(allow_null=True)


class CvFoldSerializer(serializers.Serializer):
    fold = serializers.IntegerField()
    train = SplitRangeSerializer()
    test = SplitRangeSerializer()
    rmse = serializers.FloatField(allow_null=True)
    ic = serializers.FloatField(allow_null=True)
    directional_accuracy = serializers.FloatField(allow_null=True)
    rmse_zero_baseline = serializers.FloatField(allow_null=True)
    rmse_mean_baseline = serializers.FloatField(allow_null=True)
    skill = serializers.FloatField(allow_null=True)
    skill_vs = serializers.ChoiceField(choices=("zero", "mean"), allow_null=True)


class CvMetricsSerializer(CvSummarySerializer):
    scheme = serializers.CharField(required=False)
    embargo_days = serializers.IntegerField(required=False)
    folds = CvFoldSerializer(many=True, required=False)


# --- /models, /models/{version} ---------------------------------------------------------------

STATUS_HELP = (
    "ready: artifacts present and verified; missing / corrupt: an artifact is gone or fails its "
    "SHA-256 (never served, never activated); held: artifacts fine, but the promotion decision "
    "was held and the version is not active."
)

ARTIFACT_STATUSES = ("ready", "missing", "corrupt")
MODEL_STATUSES = (*ARTIFACT_STATUSES, "held")
TRAIN_POLICIES = ("if_better", "always", "never")
MODEL_SOURCES = ("trained", "imported")
OK_STATUS = ("ok",)


class PromotionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=("activated", "held"))
    reason = serializers.CharField()
    policy = serializers.CharField(required=False)


class ModelSummarySerializer(serializers.Serializer):
    version = serializers.CharField()
    created_at = serializers.DateTimeField()
    is_active = serializers.BooleanField()
    activated_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(choices=MODEL_STATUSES, help_text=STATUS_HELP)
    artifact_status = serializers.ChoiceField(
        choices=ARTIFACT_STATUSES, help_text="What storage says about the files."
    )
    status_detail = serializers.CharField(allow_blank=True, help_text="Which file, and why.")
    promotion = PromotionSerializer(allow_null=True)
    source = serializers.ChoiceField(choices=MODEL_SOURCES)
    horizon = serializers.IntegerField(help_text="Forecast horizon in days.")
    forecast_horizon = serializers.CharField()
    horizon_days = serializers.IntegerField()
    feature_schema_hash = serializers.CharField()
    residual_std = serializers.FloatField()
    training_metrics = MetricSetSerializer()
    validation_metrics = MetricSetSerializer()
    cv_summary = CvSummarySerializer()
    dataset_window = dataset_window_field()


class ModelListSerializer(serializers.Serializer):
    available_versions = serializers.ListField(child=serializers.CharField())
    active_version = serializers.CharField(allow_null=True)
    active_status = serializers.ChoiceField(
        choices=ARTIFACT_STATUSES,
        allow_null=True,
        help_text="Artifact status of the active version, ready / missing / corrupt (it stays "
        "active when unavailable).",
    )
    rollback_target = serializers.CharField(
        allow_null=True,
        help_text="The version POST /admin/rollback would activate now (recorded availability).",
    )
    models = ModelSummarySerializer(many=True)


class TrainingParamsSerializer(serializers.Serializer):
    """What a training run was asked for (every key optional: defaults come from settings)."""

    symbols = serializers.ListField(child=serializers.CharField(), required=False)
    lookback = serializers.IntegerField(required=False)
    horizon = serializers.IntegerField(required=False)
    activation_policy = serializers.ChoiceField(choices=TRAIN_POLICIES, required=False)


class VersionLineageSerializer(serializers.Serializer):
    run_id = serializers.CharField()
    state = serializers.CharField()
    origin = serializers.CharField()
    requested_by = serializers.CharField()
    requested_by_type = serializers.CharField()
    params = TrainingParamsSerializer()
    created_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)


class QuarantinedRowSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    origin = serializers.CharField(help_text="where the row came from, e.g. AAPL.csv")
    row = serializers.IntegerField(help_text="1-based data row in the origin")
    date = serializers.CharField()
    close = serializers.FloatField()
    rule = serializers.CharField()
    message = serializers.CharField()


class DatasetSummarySerializer(serializers.Serializer):
    symbols = serializers.ListField(child=serializers.CharField())
    n_symbols = serializers.IntegerField()
    rows = serializers.IntegerField()
    first_date = serializers.CharField(allow_null=True)
    last_date = serializers.CharField(allow_null=True)
    train = SplitRangeSerializer(allow_null=True)
    validation = SplitRangeSerializer(allow_null=True)
    embargo_days = serializers.IntegerField(allow_null=True)
    skipped_symbols = serializers.DictField(
        child=serializers.CharField(), help_text="symbol -> why it was left out"
    )
    quarantined_rows = QuarantinedRowSerializer(many=True)


class ModelMetadataSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    artifact_hashes = serializers.DictField(
        child=serializers.CharField(), help_text="file name -> SHA-256"
    )
    config = JsonMapField(help_text="the training configuration as stored")
    drift_reference_features = serializers.ListField(child=serializers.CharField())


class ModelDetailSerializer(ModelSummarySerializer):
    training_run = VersionLineageSerializer(allow_null=True)
    feature_columns = serializers.ListField(child=serializers.CharField())
    cv_metrics = CvMetricsSerializer()
    dataset_summary = DatasetSummarySerializer()
    metadata = ModelMetadataSerializer(
        help_text="Public callers never see the artifact location (`artifact_path`)."
    )


class ActivateOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OK_STATUS)
    active_version = serializers.CharField()


class AdminActivateOutputSerializer(ActivateOutputSerializer):
    action = serializers.ChoiceField(choices=("activate",))


class ReconcileFlagSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ARTIFACT_STATUSES)
    detail = serializers.CharField()


class ReconcileReportSerializer(serializers.Serializer):
    location = serializers.CharField()
    storage_versions = serializers.ListField(child=serializers.CharField())
    imported = serializers.ListField(child=serializers.CharField())
    skipped = serializers.DictField(child=serializers.CharField(), help_text="version -> why")
    flagged = serializers.DictField(child=ReconcileFlagSerializer())
    restored = serializers.ListField(child=serializers.CharField())
    activated = serializers.CharField(allow_null=True)
    active_version = serializers.CharField(allow_null=True)


class ReloadOutputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=("reload",))
    status = serializers.ChoiceField(choices=OK_STATUS)
    reconcile = ReconcileReportSerializer()
