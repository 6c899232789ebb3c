"""Operator sign-in: username/password for a token; sign-out; who am I."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractBaseUser, Group, User
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
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


def operator_login(*, username: str, password: str, request: Any = None) -> tuple[str, User]:
    """Check the password and return the user's token; failures are audited as denied."""
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        audit_event_record(
            actor=Actor(name=username[:150] or "anonymous", type="anonymous"),
            action="auth.login",
            outcome="denied",
            details={"reason": "invalid credentials"},
            request=request,
        )
        raise InvalidCredentials("Invalid username or password.")
    with transaction.atomic():
        token, _ = Token.objects.get_or_create(user=user)
        audit_event_record(
            actor=Actor(name=user.get_username(), type="user"), action="auth.login", request=request
        )
    return token.key, user


def operator_logout(*, user: User, request: Any = None) -> None:
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        audit_event_record(
            actor=Actor(name=user.get_username(), type="user"),
            action="auth.logout",
            request=request,
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
