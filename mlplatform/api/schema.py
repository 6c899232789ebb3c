"""OpenAPI plumbing: document each route once, and describe our authentication schemes."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension


def only_prefixed_endpoints(endpoints, **kwargs):  # type: ignore[no-untyped-def]
    """Every route is served twice (``/`` and ``API_PREFIX``); document the prefixed copy once."""
    prefix = settings.API_PREFIX.rstrip("/") + "/"
    return [e for e in endpoints if e[0].startswith(prefix)]


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "mlplatform.api.auth.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {"type": "apiKey", "in": "header", "name": "X-API-Key"}
