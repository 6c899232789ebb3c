from django.urls import path

from audit.apis import AuditClearApi, AuditListApi

urlpatterns = [
    path("admin/audit", AuditListApi.as_view(), name="audit-list"),
    path("admin/audit/clear", AuditClearApi.as_view(), name="audit-clear"),
]
