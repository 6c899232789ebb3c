from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mlplatform import readiness
from mlplatform.api.responses import success_envelope
from mlplatform.api.views import PublicApi


class HealthApi(PublicApi):
    @extend_schema(summary="Liveness", responses={200: dict})
    def get(self, request: Request) -> Response:
        return success_envelope(
            {"status": "ok", "service": settings.SERVICE_NAME, "environment": settings.APP_ENV}
        )


class ReadyApi(PublicApi):
    @extend_schema(summary="Readiness of database, storage, model and market data")
    def get(self, request: Request) -> Response:
        healthy, checks = readiness.run_checks()
        all_ok = all(check.get("status") == "ok" for check in checks.values())
        data = {"status": "ok" if all_ok else "degraded", "checks": checks}
        return success_envelope(data, status=200 if healthy else 503)
