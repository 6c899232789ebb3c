from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mlplatform import readiness
from mlplatform.api.redact import public_redact
from mlplatform.api.responses import success_envelope
from mlplatform.api.views import PublicApi


def _envelope(name: str, data: dict[str, serializers.Field]) -> serializers.Serializer:
    return inline_serializer(
        name,
        {
            "status": serializers.CharField(),
            "data": inline_serializer(f"{name}Data", data),
            "timestamp": serializers.DateTimeField(),
            "request_id": serializers.CharField(),
        },
    )


class HealthApi(PublicApi):
    #: Liveness never touches the database (so the schema documents no 503 here).
    database_free = True

    @extend_schema(
        summary="Liveness",
        responses={
            200: _envelope(
                "Health",
                {
                    "status": serializers.CharField(),
                    "service": serializers.CharField(),
                    "environment": serializers.CharField(),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        return success_envelope(
            {"status": "ok", "service": settings.SERVICE_NAME, "environment": settings.APP_ENV}
        )


class UnavailableVersionSerializer(serializers.Serializer):
    version = serializers.CharField()
    status = serializers.ChoiceField(choices=["missing", "corrupt"])
    detail = serializers.CharField()


class ReadinessCheckSerializer(serializers.Serializer):
    """One readiness check: its status plus what it found (fields present per check)."""

    status = serializers.ChoiceField(choices=["ok", "degraded", "failed"])
    required = serializers.BooleanField(help_text="a failed required check fails /ready")
    error = serializers.CharField(required=False, help_text="why it is not ok")
    vendor = serializers.CharField(required=False, help_text="database: the backend vendor")
    kind = serializers.CharField(required=False, help_text="storage: local or gcs")
    location = serializers.CharField(
        required=False, help_text="storage: the artifact location (operators only)"
    )
    source = serializers.CharField(required=False, help_text="market_data: the source name")
    symbols = serializers.IntegerField(required=False, help_text="market_data: CSV files found")
    message = serializers.CharField(required=False, help_text="model: what is wrong")
    active_version = serializers.CharField(
        required=False, allow_null=True, help_text="model: the active version"
    )
    served_from_memory = serializers.BooleanField(
        required=False, help_text="model: this process still serves it from memory"
    )
    active_status = serializers.CharField(required=False, help_text="model: its artifact status")
    unavailable_versions = UnavailableVersionSerializer(
        many=True, required=False, help_text="model: versions missing or corrupt"
    )


_READY = _envelope(
    "Ready",
    {
        "status": serializers.ChoiceField(choices=["ok", "degraded"]),
        "checks": serializers.DictField(
            child=ReadinessCheckSerializer(),
            help_text="database, storage, model, market_data and any check an app registers",
        ),
    },
)


class ReadyApi(PublicApi):
    @extend_schema(
        summary="Readiness of database, storage, model and market data",
        responses={200: _READY, 503: _READY},
    )
    def get(self, request: Request) -> Response:
        healthy, checks = readiness.run_checks()
        checks = public_redact(checks)  # anonymous callers learn no storage location
        all_ok = all(check.get("status") == "ok" for check in checks.values())
        data = {"status": "ok" if all_ok else "degraded", "checks": checks}
        return success_envelope(data, status=200 if healthy else 503)
