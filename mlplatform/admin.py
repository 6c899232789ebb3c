"""Admin plumbing shared by every app."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Lists and shows rows; nobody may add, change or delete them here (superusers included).

    Writes go through audited services instead.
    """

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PlatformAdminSite(admin.AdminSite):
    """The admin site, whose sign-in goes through the same throttle and audit as ``/auth/login``.

    Attempts share the ``LOGIN_RATE_LIMIT_REQUESTS`` budget per client address with the API's
    sign-in; every wrong password is an ``auth.login`` denied row, a success an ``auth.login``
    success row, and refused (throttled) attempts are counted per client and window.
    """

    site_header = "ML Engine Platform"
    site_title = "ML Engine Platform admin"

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if request.method != "POST":
            return super().login(request, extra_context)
        from mlplatform.api.accounts import sign_in_failure_record, sign_in_success_record
        from mlplatform.api.throttles import LoginRateThrottle

        throttle = LoginRateThrottle()
        if not throttle.allow_request(request, None):  # type: ignore[arg-type]
            wait = max(1, int(throttle.wait() + 0.999))
            response = HttpResponse(
                f"Too many sign-in attempts; retry in {wait} s.\n",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(wait)
            return response
        response = super().login(request, extra_context)
        if request.user.is_authenticated and response.status_code in (301, 302, 303):
            sign_in_success_record(user=request.user, via="admin", request=request)
        else:
            username = str(request.POST.get("username", ""))
            sign_in_failure_record(username=username, via="admin", request=request)
        return response
