from django.urls import path

from traffic.apis import RequestTrafficApi

urlpatterns = [
    path("monitoring/requests", RequestTrafficApi.as_view(), name="monitoring-requests"),
]
