"""Two ways into the control plane: the ``X-API-Key`` service principal and operator tokens."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, TokenAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from mlplatform.actors import Actor


class ServicePrincipal(AnonymousUser):
    """The automation identity behind a valid ``X-API-Key``."""

    username = "api-key"

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True

    def __str__(self) -> str:
        return self.username


def api_key_matches(candidate: str) -> bool:
    """Constant-time comparison against ``ADMIN_API_KEY``; an empty key never matches."""
    expected = settings.ADMIN_API_KEY
    if not expected or not candidate:
        return False
    return hmac.compare_digest(candidate.encode(), expected.encode())


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[ServicePrincipal, str] | None:
        candidate = request.headers.get("X-API-Key")
        if candidate is None:
            return None
        if not api_key_matches(candidate):
            raise exceptions.AuthenticationFailed("Invalid API key.")
        return ServicePrincipal(), "api_key"

    def authenticate_header(self, request: Request) -> str:
        return 'ApiKey realm="api"'


class BearerTokenAuthentication(TokenAuthentication):
    """DRF tokens, accepted as ``Authorization: Token <key>`` or ``Bearer <key>``."""

    def authenticate(self, request: Request):  # type: ignore[no-untyped-def]
        header = request.headers.get("Authorization", "")
        if header[:7].lower() == "bearer ":
            request.META["HTTP_AUTHORIZATION"] = "Token " + header[7:]
        return super().authenticate(request)


def is_operator(user: object) -> bool:
    if isinstance(user, ServicePrincipal):
        return True
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_staff", False):
        return True
    return user.groups.filter(name=settings.OPERATORS_GROUP).exists()  # type: ignore[attr-defined]


class IsOperator(BasePermission):
    message = "An operator credential is required."

    def has_permission(self, request: Request, view: object) -> bool:
        return is_operator(request.user)


def actor_from_request(request: Request) -> Actor:
    """The actor for audit rows; never raises, even for a request that failed authentication."""
    user = getattr(request, "_user", None)
    if isinstance(user, ServicePrincipal):
        return Actor(name="api-key", type="api_key")
    if user is not None and getattr(user, "is_authenticated", False):
        return Actor(name=user.get_username(), type="user")
    if request.headers.get("X-API-Key") is not None:
        return Actor(name="api-key (invalid)", type="anonymous")
    return Actor(name="anonymous", type="anonymous")


def client_ip(request: Request) -> str | None:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR")
