"""OpenAPI shape of ``GET /monitoring/drift`` (the report is built as a dict by
``mlplatform.core.drift``; these serializers document it for /api/schema/ and never drop a
field: the view returns the report itself)."""

from __future__ import annotations

from rest_framework import serializers


class DriftSummarySerializer(serializers.Serializer):
    mean = serializers.FloatField(allow_null=True)
    std = serializers.FloatField(allow_null=True)
    quantiles = serializers.DictField(
        child=serializers.FloatField(allow_null=True), help_text="p05, p25, p50, p75, p95"
    )


class FeatureDriftSerializer(serializers.Serializer):
    statistic = serializers.FloatField(
        allow_null=True, help_text="Two-sample KS statistic against the reference sample."
    )
    threshold_statistic = serializers.FloatField(
        allow_null=True,
        help_text="The limit the statistic is held to: calibrated on training windows, or the "
        "iid KS critical value for DRIFT_THRESHOLD when the version has no calibration.",
    )
    p_value = serializers.FloatField(
        allow_null=True,
        help_text="Calibrated: share of training windows with a statistic at least this large. "
        "Uncalibrated: the iid asymptotic KS p-value.",
    )
    iid_p_value = serializers.FloatField(
        required=False, allow_null=True, help_text="The iid KS p-value (calibrated reports)."
    )
    ks_statistic = serializers.FloatField(allow_null=True)
    psi = serializers.FloatField(allow_null=True)
    psi_band = serializers.CharField(allow_null=True)
    mean_shift = serializers.FloatField(
        allow_null=True, help_text="Live mean minus reference mean, in reference std."
    )
    drift = serializers.BooleanField()
    samples = serializers.IntegerField()
    effective_rows = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text="Independent rows that would give the same null spread (calibrated reports).",
    )
    feature_false_alarm_rate = serializers.FloatField(required=False, allow_null=True)
    reference = DriftSummarySerializer(required=False)
    live = DriftSummarySerializer(required=False)


class CalibrationCellSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    symbols = serializers.IntegerField()
    windows = serializers.IntegerField()


DRIFT_STATUSES = ("healthy", "drift_detected", "insufficient_data", "no_model")


class DriftReportSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DRIFT_STATUSES)
    method = serializers.CharField()
    calibration = serializers.ChoiceField(
        choices=["empirical", "none"],
        required=False,
        help_text="empirical: thresholds calibrated on the version's training windows.",
    )
    false_alarm_rate = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text="Stated per-window false-alarm rate of drift_detected (DRIFT_THRESHOLD).",
    )
    threshold = serializers.FloatField()
    drift_share = serializers.FloatField(allow_null=True)
    drifted_features = serializers.ListField(child=serializers.CharField(), required=False)
    requests = serializers.IntegerField(required=False, help_text="Prediction logs read.")
    distinct_rows = serializers.IntegerField(
        required=False, help_text="Distinct (symbol, exchange, candle) rows among them."
    )
    clients = serializers.IntegerField(
        required=False, help_text="Distinct client addresses among the logs in the window."
    )
    capped_requests = serializers.IntegerField(
        required=False,
        help_text="Logs left out because their client had filled DRIFT_CLIENT_MAX_SHARE.",
    )
    samples = serializers.IntegerField(required=False)
    distinct_dates = serializers.IntegerField(required=False)
    calibration_cell = CalibrationCellSerializer(required=False)
    dataset_statistic = serializers.FloatField(required=False)
    dataset_threshold = serializers.FloatField(required=False)
    dataset_p_value = serializers.FloatField(required=False)
    version = serializers.CharField(required=False, allow_null=True)
    source = serializers.CharField(required=False)
    timestamp = serializers.CharField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_null=True)
    hint = serializers.CharField(
        required=False, help_text="what to run when there is no market snapshot yet"
    )
    details = serializers.DictField(child=FeatureDriftSerializer())
