from django.urls import path

from mlplatform.api.accounts import LoginApi, LogoutApi, MeApi
from mlplatform.api.symbols import SymbolListApi

urlpatterns = [
    path("auth/login", LoginApi.as_view(), name="auth-login"),
    path("auth/logout", LogoutApi.as_view(), name="auth-logout"),
    path("auth/me", MeApi.as_view(), name="auth-me"),
    path("symbols", SymbolListApi.as_view(), name="symbols"),
]
