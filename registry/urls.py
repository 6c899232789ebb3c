from django.urls import path

from registry.apis import (
    ActivationListApi,
    AdminActivateApi,
    AdminReloadApi,
    AdminRollbackApi,
    AdminTrainApi,
    AdminTrainStatusApi,
    ModelActivateApi,
    ModelDetailApi,
    ModelListApi,
)

urlpatterns = [
    path("models", ModelListApi.as_view(), name="models"),
    # before models/<version>, which would otherwise swallow "activations"; <path:> so that any
    # label (even one with a slash) reaches the view and gets model_not_found, never a file
    path("models/activations", ActivationListApi.as_view(), name="model-activations"),
    path("models/activate/<path:version>", ModelActivateApi.as_view(), name="model-activate"),
    path("models/<path:version>", ModelDetailApi.as_view(), name="model-detail"),
    path("admin/activate/<path:version>", AdminActivateApi.as_view(), name="admin-activate"),
    path("admin/rollback", AdminRollbackApi.as_view(), name="admin-rollback"),
    path("admin/train", AdminTrainApi.as_view(), name="admin-train"),
    path("admin/train/status", AdminTrainStatusApi.as_view(), name="admin-train-status"),
    path("admin/reload", AdminReloadApi.as_view(), name="admin-reload"),
]
