"""OpenAPI plumbing: document each route once, and describe our authentication schemes."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import serializers


def only_prefixed_endpoints(endpoints, **kwargs):  # type: ignore[no-untyped-def]
    """Every route is served twice (``/`` and ``API_PREFIX``); document the prefixed copy once."""
    prefix = settings.API_PREFIX.rstrip("/") + "/"
    return [e for e in endpoints if e[0].startswith(prefix)]


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "mlplatform.api.auth.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {"type": "apiKey", "in": "header", "name": "X-API-Key"}


class ErrorEnvelopeSerializer(serializers.Serializer):
    """The DESIGN error envelope, for documenting 4xx/5xx responses in ``extend_schema``."""

    status = serializers.ChoiceField(choices=["error"])
    error = serializers.CharField(help_text="Machine-readable error code.")
    details = serializers.JSONField(help_text="A message, or an object naming the bad fields.")
    code = serializers.IntegerField(help_text="The HTTP status, repeated.")
    timestamp = serializers.DateTimeField()
    request_id = serializers.CharField(allow_null=True)
