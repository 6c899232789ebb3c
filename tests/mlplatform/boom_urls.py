"""A URLconf with one view that fails, to prove unhandled errors render the envelope."""

from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response

from mlplatform.api.views import PublicApi


class BoomApi(PublicApi):
    def get(self, request: Request) -> Response:
        raise RuntimeError("secret internal detail")


urlpatterns = [path("boom", BoomApi.as_view()), path("", include("mlplatform.urls"))]
