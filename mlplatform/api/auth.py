"""Two ways into the control plane: the ``X-API-Key`` service principal and operator tokens.

Operator tokens are django-rest-knox tokens: the database keeps a SHA-512 digest and a
15-character lookup prefix, never the key; each expires after ``OPERATOR_TOKEN_TTL_HOURS``.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
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
    """``X-API-Key: $ADMIN_API_KEY``: the service principal; a present but wrong key is a 401."""

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
    """Operator (knox) tokens, accepted as ``Authorization: Token <key>`` or ``Bearer <key>``.

    An expired token is deleted on its first use and refused like an unknown one.

    A failed attempt leaves who it was on the request (``denied_actor``) so the denial's
    AuditEvent names the person behind a deactivated account's token.
    """

    keywords = ("token", "bearer")

    def authenticate(self, request: Request) -> tuple[User, AuthToken] | None:
        parts = request.headers.get("Authorization", "").split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        key = parts[1] if len(parts) == 2 else ""
        try:
            if not key:
                raise exceptions.AuthenticationFailed(
                    "Invalid token header: expected 'Token <key>' or 'Bearer <key>'."
                )
            return self.authenticate_credentials(key.encode())
        except exceptions.AuthenticationFailed:
            request.denied_actor = _token_denied_actor(key)  # type: ignore[attr-defined]
            raise

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


def _token_denied_actor(key: str) -> Actor:
    """Who a refused token belonged to: only a live (unexpired) token of a deactivated user
    names its user; anything else is anonymous."""
    if key:
        prefix = key[: CONSTANTS.TOKEN_KEY_LENGTH]
        for token in AuthToken.objects.select_related("user").filter(token_key=prefix):
            if hmac.compare_digest(token.digest, _digest(key) or "-") and not _expired(token):
                return Actor(name=token.user.get_username(), type="user")
    return Actor(name="token (invalid)", type="anonymous")


def _digest(key: str) -> str:
    try:
        return hash_token(key)
    except (TypeError, ValueError):
        return ""


def _expired(token: AuthToken) -> bool:
    return token.expiry is not None and token.expiry < timezone.now()


def is_operator(user: object) -> bool:
    """THE definition of operator, used by the API, the admin actions and (through
    ``/auth/me``'s ``is_operator``) the dashboard: the API-key principal, an active superuser,
    or an active member of ``OPERATORS_GROUP``. Staff status alone is not enough."""
    if isinstance(user, ServicePrincipal):
        return True
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return user.groups.filter(name=settings.OPERATORS_GROUP).exists()  # type: ignore[attr-defined]


class IsOperator(BasePermission):
    """Signed in but not an operator -> 403; not signed in -> 401 (DRF's NotAuthenticated)."""

    message = "An operator credential is required."

    def has_permission(self, request: Request, view: object) -> bool:
        return is_operator(request.user)


def actor_from_request(request: Request) -> Actor:
    """The actor for audit rows; never raises, even for a request that failed authentication."""
    denied = getattr(request, "denied_actor", None)
    if isinstance(denied, Actor):
        return denied
    user = getattr(request, "_user", None)
    if isinstance(user, ServicePrincipal):
        return Actor(name="api-key", type="api_key")
    if user is not None and getattr(user, "is_authenticated", False):
        return Actor(name=user.get_username(), type="user")
    if request.headers.get("X-API-Key") is not None:
        return Actor(name="api-key (invalid)", type="anonymous")
    return Actor(name="anonymous", type="anonymous")


def client_ip(request: HttpRequest | Request) -> str | None:
    """The client address: ``REMOTE_ADDR``, or with ``TRUSTED_PROXY_COUNT`` = n > 0 the n-th
    ``X-Forwarded-For`` entry from the right (the one our own proxy appended).

    Entries left of that are client-supplied and never trusted: a caller rotating a fake
    ``X-Forwarded-For`` must not escape the throttles or forge the audited address.
    Returns None when the chosen value is not an IP address.
    """
    candidate = request.META.get("REMOTE_ADDR")
    hops = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if hops > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            candidate = forwarded[-min(hops, len(forwarded))]
    return _ip_canonical(candidate) if candidate else None


@functools.lru_cache(maxsize=4096)
def _ip_canonical(candidate: str) -> str | None:
    """The canonical text of an IP address, None for anything else (memoized: every throttled
    request asks, and parsing costs more than the counter it feeds)."""
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
