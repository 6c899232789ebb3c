"""Every API route is served at ``/`` and again under ``API_PREFIX`` (default ``/api/v1``)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from mlplatform.api import errors
from mlplatform.api.health import HealthApi, ReadyApi
from mlplatform.metrics.views import metrics_view

api_urlpatterns = [
    path("health", HealthApi.as_view(), name="health"),
    path("ready", ReadyApi.as_view(), name="ready"),
    path("metrics", metrics_view, name="metrics"),
    # The hot public routes first: Django tries patterns in order on every request.
    path("", include("predictions.urls")),
    path("", include("mlplatform.api.urls")),
    path("", include("registry.urls")),
    path("", include("monitoring.urls")),
    path("", include("traffic.urls")),
    path("", include("audit.urls")),
]

urlpatterns = [
    path(settings.API_PREFIX.strip("/") + "/", include((api_urlpatterns, "api"), namespace="v1")),
    path("", include(api_urlpatterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("admin/", admin.site.urls),
    path("admin", RedirectView.as_view(url="/admin/", permanent=False)),
    re_path(r"^.*$", errors.json_not_found),
]

handler400 = errors.json_bad_request
handler403 = errors.json_forbidden
handler404 = errors.json_not_found
handler500 = errors.json_server_error
