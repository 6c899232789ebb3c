from django.apps import AppConfig


class PredictionsConfig(AppConfig):
    name = "predictions"

    def ready(self) -> None:
        from mlplatform import process_state
        from predictions.cache import freshness_pacer, market_snapshot_cache_clear
        from predictions.services import model_specs_reset

        process_state.register_reset("prediction_market_cache", market_snapshot_cache_clear)
        process_state.register_reset("prediction_freshness_pacer", freshness_pacer.clear)
        process_state.register_reset("prediction_model_specs", model_specs_reset)
