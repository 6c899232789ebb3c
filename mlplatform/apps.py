from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "mlplatform"
    verbose_name = "ML Engine Platform"

    def ready(self) -> None:
        from mlplatform import process_state, readiness
        from mlplatform.api import schema  # noqa: F401  (registers OpenAPI extensions)
        from mlplatform.market_data import market_data_source_reset

        process_state.register_reset("market_data_source", market_data_source_reset)

        readiness.register_check("database", readiness.check_database, required=True)
        readiness.register_check("market_data", readiness.check_market_data, required=False)
