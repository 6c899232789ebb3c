from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Model registry"

    def ready(self) -> None:
        # No database access here: reconciliation runs at the first request
        # (registry.middleware), in the worker and in CLI commands, never in a read.
        from mlplatform import process_state, readiness
        from registry import checks, loading, services, storage

        process_state.register_reset("registry.artifact_store", storage.artifact_store_reset)
        process_state.register_reset("registry.loaded_models", loading.loaded_models_reset)
        process_state.register_reset("registry.reconciled", services.registry_reconcile_reset)
        process_state.register_reset("registry.storage_probe", checks.check_storage_reset)
        readiness.register_check("storage", checks.check_storage, required=True)
        readiness.register_check("model", checks.check_model, required=False)
