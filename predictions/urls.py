from django.urls import path

from predictions.apis import FeaturesApi, PredictApi, PredictBatchApi, PredictionsRecentApi

urlpatterns = [
    path("predict", PredictApi.as_view(), name="predict"),
    path("predict/batch", PredictBatchApi.as_view(), name="predict-batch"),
    path("predictions/recent", PredictionsRecentApi.as_view(), name="predictions-recent"),
    path("features", FeaturesApi.as_view(), name="features"),
]
