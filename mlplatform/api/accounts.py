"""Operator sign-in: username/password for a token; sign-out; who am I."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractBaseUser, Group, User
from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import audit_event_record
from mlplatform.actors import Actor
from mlplatform.api.auth import BearerTokenAuthentication, is_operator
from mlplatform.api.schema import ErrorEnvelopeSerializer
from mlplatform.api.throttles import LoginRateThrottle
from mlplatform.api.views import JsonApi
from mlplatform.errors import AppError


class InvalidCredentials(AppError):
    code = "invalid_credentials"
    http_status = 401


def user_payload(user: AbstractBaseUser) -> dict[str, Any]:
    return {
        "username": user.get_username(),
        "is_operator": is_operator(user),
        "is_staff": bool(getattr(user, "is_staff", False)),
    }


#: Live tokens kept per user; signing in again past this drops the oldest.
TOKENS_PER_USER = 10


def sign_in_failure_record(*, username: str, via: str, request: Any = None) -> None:
    """One denied ``auth.login`` row for a wrong password (``via``: "api" or "admin")."""
    audit_event_record(
        actor=Actor(name=username[:150] or "anonymous", type="anonymous"),
        action="auth.login",
        outcome="denied",
        details={"reason": "invalid credentials", "via": via},
        request=request,
    )


def sign_in_success_record(*, user: AbstractBaseUser, via: str, request: Any = None) -> None:
    audit_event_record(
        actor=Actor(name=user.get_username(), type="user"),
        action="auth.login",
        details={"via": via},
        request=request,
    )


def operator_login(*, username: str, password: str, request: Any = None) -> tuple[str, User]:
    """Check the password and mint a new expiring token (only its digest is stored);
    failures are audited as denied."""
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        sign_in_failure_record(username=username, via="api", request=request)
        raise InvalidCredentials("Invalid username or password.")
    with transaction.atomic():
        tokens = AuthToken.objects.filter(user=user)
        tokens.filter(expiry__lt=timezone.now()).delete()
        keep = list(tokens.order_by("-created").values_list("pk", flat=True)[: TOKENS_PER_USER - 1])
        tokens.exclude(pk__in=keep).delete()
        _, key = AuthToken.objects.create(user=user)
        sign_in_success_record(user=user, via="api", request=request)
    return key, user


def operator_logout(*, user: User, request: Any = None) -> None:
    """Sign out everywhere: every token of the user is revoked."""
    with transaction.atomic():
        revoked, _ = AuthToken.objects.filter(user=user).delete()
        audit_event_record(
            actor=Actor(name=user.get_username(), type="user"),
            action="auth.logout",
            details={"tokens_revoked": revoked},
            request=request,
        )


def operator_tokens_revoke(*, actor: Actor, tokens: Any, request: Any = None) -> int:
    """Revoke (delete) these tokens; one ``auth.tokens_revoke`` row names whose and how many
    (by lookup prefix only, never a key or digest)."""
    with transaction.atomic():
        rows = list(tokens.select_related("user").values_list("token_key", "user__username"))
        revoked, _ = AuthToken.objects.filter(pk__in=tokens.values("pk")).delete()
        audit_event_record(
            actor=actor,
            action="auth.tokens_revoke",
            target=",".join(sorted({user for _, user in rows}))[:255],
            details={"reason": "revoked by an operator", "prefixes": [p for p, _ in rows][:50]},
            request=request,
        )
    return revoked


def user_tokens_revoke_on_password_change(
    sender: type, instance: User, raw: bool = False, **kwargs: Any
) -> None:
    """``pre_save`` of User: a new password hash revokes every token of the user (audited)."""
    update_fields = kwargs.get("update_fields")
    if (
        raw
        or instance.pk is None
        or (update_fields is not None and "password" not in update_fields)
    ):
        return
    old = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is None or old == instance.password:
        return
    revoked, _ = AuthToken.objects.filter(user_id=instance.pk).delete()
    audit_event_record(
        actor=Actor(name=instance.get_username(), type="user"),
        action="auth.tokens_revoke",
        target=instance.get_username(),
        details={"reason": "password changed", "tokens_revoked": revoked},
    )


def operator_create(*, username: str, password: str, staff: bool = False) -> User:
    """Create (or update the password of) a user in the operators group."""
    with transaction.atomic():
        user, created = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_staff = staff or user.is_staff
        user.save()
        group, _ = Group.objects.get_or_create(name=settings.OPERATORS_GROUP)
        user.groups.add(group)
        audit_event_record(
            actor=Actor.system("manage.py"),
            action="operator.create" if created else "operator.update",
            target=username,
        )
    return user


class LoginInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


_USER = inline_serializer(
    "OperatorUser",
    {
        "username": serializers.CharField(),
        "is_operator": serializers.BooleanField(),
        "is_staff": serializers.BooleanField(),
    },
)


class LoginApi(JsonApi):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        request=LoginInput,
        responses={
            200: inline_serializer(
                "LoginOutput", {"token": serializers.CharField(), "user": _USER}
            ),
            401: OpenApiResponse(
                ErrorEnvelopeSerializer,
                description="Wrong username or password (`invalid_credentials`).",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data = LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, user = operator_login(**data.validated_data, request=request)
        return Response({"token": token, "user": user_payload(user)})


class LogoutApi(JsonApi):
    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: inline_serializer("LogoutOutput", {"status": serializers.CharField()})},
    )
    def post(self, request: Request) -> Response:
        operator_logout(user=request.user, request=request)
        return Response({"status": "ok"})


class MeApi(JsonApi):
    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: inline_serializer("MeOutput", {"user": _USER})})
    def get(self, request: Request) -> Response:
        return Response({"user": user_payload(request.user)})
