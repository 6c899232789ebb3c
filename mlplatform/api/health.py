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


_READY = _envelope(
    "Ready",
    {
        "status": serializers.ChoiceField(choices=["ok", "degraded"]),
        "checks": serializers.DictField(child=serializers.DictField()),
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
