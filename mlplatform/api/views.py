"""Base API views: public routes and control-plane routes (credential + audited denials)."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import audit_event_record
from mlplatform.actors import Actor
from mlplatform.api.auth import (
    ApiKeyAuthentication,
    BearerTokenAuthentication,
    IsOperator,
    actor_from_request,
)
from mlplatform.api.throttles import PublicRateThrottle

_DENIALS = (
    exceptions.NotAuthenticated,
    exceptions.AuthenticationFailed,
    exceptions.PermissionDenied,
)


class PublicApi(APIView):
    """A public route: no credential read, no throttle unless the subclass opts in."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class ThrottledPublicApi(PublicApi):
    """A public route limited per client by ``RATE_LIMIT_REQUESTS`` per window."""

    throttle_classes = [PublicRateThrottle]


class ControlPlaneApi(APIView):
    """A control-plane route: API key or operator token; every denial leaves an AuditEvent."""

    authentication_classes = [ApiKeyAuthentication, BearerTokenAuthentication]
    permission_classes = [IsOperator]
    #: The AuditEvent action recorded for this route (success and denied alike).
    audit_action = ""

    def actor(self, request: Request) -> Actor:
        return actor_from_request(request)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _DENIALS):
            audit_event_record(
                actor=actor_from_request(self.request),
                action=self.audit_action or f"{self.request.method} {self.request.path}",
                target=self.request.path,
                outcome="denied",
                details={"reason": str(getattr(exc, "detail", exc))},
                request=self.request,
            )
        return super().handle_exception(exc)
