"""Base API views: public routes and control-plane routes (credential + audited denials).

Every base enforces the body policy: over ``MAX_REQUEST_BODY_BYTES`` -> 413, and a non-empty
body on a write that is not JSON -> 415, whether or not the view reads the body.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import InterfaceError, OperationalError
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import denied_attempt_record
from mlplatform.actors import Actor
from mlplatform.api.auth import (
    ApiKeyAuthentication,
    BearerTokenAuthentication,
    IsOperator,
    actor_from_request,
)
from mlplatform.api.errors import body_too_large_message
from mlplatform.api.throttles import PublicRateThrottle
from mlplatform.errors import RequestTooLarge

_DENIALS = (
    exceptions.NotAuthenticated,
    exceptions.AuthenticationFailed,
    exceptions.PermissionDenied,
)


_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
#: A path value recorded in an audit target as given; anything else is recorded as its name.
_SAFE_PATH_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


def audit_target(request: Request) -> str:
    """What an audit row names as the target of a request: the route that resolved, without
    the API prefix, with each path value (the version) only when it is a well-formed label
    (``/admin/activate/v3``; else ``/admin/activate/{version}``). Never the raw request text."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    route = "/" + match.route.removeprefix(settings.API_PREFIX.strip("/") + "/")

    def value(found: re.Match[str]) -> str:
        given = match.kwargs.get(found.group(1))
        if isinstance(given, str) and _SAFE_PATH_VALUE.fullmatch(given):
            return given
        return "{" + found.group(1) + "}"

    return _CONVERTER.sub(value, route)


def request_body_check(request: Request) -> None:
    """Refuse a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413) or a non-JSON write body (415).

    DRF streams the body straight into the parser, bypassing Django's own size check, so the
    declared length is checked here before anything reads it.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise RequestTooLarge(body_too_large_message())
    if length and request.method in _WRITE_METHODS:
        media_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise exceptions.UnsupportedMediaType(media_type or "(none)")


class JsonApi(APIView):
    """The body policy every API view shares (see ``request_body_check``)."""

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)
        request_body_check(request)


class PublicApi(JsonApi):
    """A public route: no credential read, no throttle unless the subclass opts in."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class ThrottledPublicApi(PublicApi):
    """A public route limited per client by ``RATE_LIMIT_REQUESTS`` per window."""

    throttle_classes = [PublicRateThrottle]


class ControlPlaneApi(JsonApi):
    """A control-plane route: API key or operator token; every denial leaves an AuditEvent."""

    authentication_classes = [ApiKeyAuthentication, BearerTokenAuthentication]
    permission_classes = [IsOperator]
    #: The AuditEvent action recorded for this route (success and denied alike).
    audit_action = ""

    def actor(self, request: Request) -> Actor:
        return actor_from_request(request)

    def get_authenticate_header(self, request: Request) -> str:
        """Both challenges on a 401, so a client learns either credential is accepted."""
        return ", ".join(auth.authenticate_header(request) for auth in self.get_authenticators())

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _DENIALS):
            try:
                # one row per client, actor, route and window (the rest are counted beside it)
                denied_attempt_record(
                    actor=actor_from_request(self.request),
                    action=self.audit_action or f"{self.request.method} {type(self).__name__}",
                    target=audit_target(self.request),
                    details={"reason": str(getattr(exc, "detail", exc))[:200]},
                    request=self.request,
                )
            except (OperationalError, InterfaceError) as lost:
                # the denial cannot be audited while the database is away: refuse with the
                # documented 503 rather than escape DRF as a bare 500
                return super().handle_exception(lost)
        return super().handle_exception(exc)
