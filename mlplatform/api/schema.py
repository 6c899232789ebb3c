"""OpenAPI plumbing: document each route once, and describe our authentication schemes."""

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

from mlplatform.core.symbols import EXCHANGES, SYMBOL_PATTERN


def only_prefixed_endpoints(endpoints, **kwargs):  # type: ignore[no-untyped-def]
    """Every route is served twice (``/`` and ``API_PREFIX``); document the prefixed copy once."""
    prefix = settings.API_PREFIX.rstrip("/") + "/"
    return [e for e in endpoints if e[0].startswith(prefix)]


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "mlplatform.api.auth.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {"type": "apiKey", "in": "header", "name": "X-API-Key"}


class OperatorTokenScheme(OpenApiAuthenticationExtension):
    target_class = "mlplatform.api.auth.BearerTokenAuthentication"
    name = "tokenAuth"  # the name DRF's token scheme had, so the schema keeps its shape

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` or `Bearer <key>` from POST /auth/login; expires "
            "after OPERATOR_TOKEN_TTL_HOURS.",
        }


class ErrorEnvelopeSerializer(serializers.Serializer):
    """The DESIGN error envelope, for documenting 4xx/5xx responses in ``extend_schema``."""

    status = serializers.ChoiceField(choices=["error"])
    error = serializers.CharField(help_text="Machine-readable error code.")
    details = serializers.JSONField(help_text="A message, or an object naming the bad fields.")
    code = serializers.IntegerField(help_text="The HTTP status, repeated.")
    timestamp = serializers.DateTimeField()
    request_id = serializers.CharField(allow_null=True)


#: What the shared API plumbing itself can answer, whatever the view does.
_PLUMBING_ERRORS: dict[int, str] = {
    400: "Malformed JSON body (`parse_error`).",
    401: "Missing or wrong credential (`not_authenticated`, `authentication_failed`).",
    403: "Signed in, but not an operator (`forbidden`).",
    413: "Body larger than `MAX_REQUEST_BODY_BYTES` (`request_too_large`).",
    415: "A write whose body is not JSON (`unsupported_media_type`).",
    422: "Invalid parameters or body (`validation_error`).",
    429: "Rate limited (`throttled`), with `Retry-After`.",
    503: "The database is unavailable (`database_unavailable`), with `Retry-After`.",
}


class ApiAutoSchema(AutoSchema):
    """Documents the error envelope for every status the shared plumbing can answer.

    Views declare their own outcomes (200, 404 ``model_not_found``, 503 ...); the statuses that
    come from the base classes (credential check, throttle, body policy, serializer validation)
    are added here from the view's own configuration, so the schema stays true as views change.
    """

    def _plumbing_statuses(self) -> list[int]:
        view = self.view
        statuses = [413]
        # only where a body is expected: asking a GET view for its serializer makes
        # drf-spectacular guess one (and warn, which fails `check --deploy`)
        reads_body = (
            self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None
        )
        if reads_body:
            statuses.append(400)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            statuses.append(415)
        permissions = [getattr(p, "__name__", "") for p in getattr(view, "permission_classes", [])]
        if any(name != "AllowAny" for name in permissions):
            statuses.append(401)
        if "IsOperator" in permissions:
            statuses.append(403)
        if getattr(view, "throttle_classes", None):
            statuses.append(429)
        if reads_body or any(p.get("in") == "query" for p in self._get_parameters()):
            statuses.append(422)
        if not getattr(view, "database_free", False):
            statuses.append(503)
        return statuses

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status in self._plumbing_statuses():
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(
                    OpenApiResponse(ErrorEnvelopeSerializer, description=_PLUMBING_ERRORS[status]),
                    str(status),
                    direction=direction,
                )
        return responses


# --- typed shapes shared by several routes ------------------------------------------------

#: Any JSON value, for the few maps the API really returns free-form (audit details, stored
#: training configuration): still a typed value, never an untyped object.
JSON_VALUE_SCHEMA: dict[str, Any] = {
    "nullable": True,
    "oneOf": [
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "array", "items": {}},
        {"type": "object", "additionalProperties": {}},
    ],
}


@extend_schema_field({"type": "object", "additionalProperties": JSON_VALUE_SCHEMA})
class JsonMapField(serializers.JSONField):
    """A free-form JSON object (name -> any JSON value)."""


@extend_schema_field(
    {
        "type": "object",
        "properties": {"timestamp": {"type": "string", "format": "date-time"}},
        "additionalProperties": {"type": "number", "nullable": True},
    }
)
class FeatureRowMapField(serializers.JSONField):
    """A stored feature row: its candle ``timestamp`` and name -> value (``close`` and the
    features of the version that served it), passed through as stored."""


@extend_schema_field(
    {
        "type": "string",
        "pattern": SYMBOL_PATTERN,
        "maxLength": 20,
        "description": "A market symbol after upper-casing.",
    }
)
class SymbolField(serializers.CharField):
    """A symbol as the API returns it (``SYMBOL_PATTERN``)."""


class ExchangeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=EXCHANGES, **kwargs)
