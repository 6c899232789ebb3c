from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class PlatformConfig(AppConfig):
    name = "mlplatform"
    verbose_name = "ML Engine Platform"

    def ready(self) -> None:
        from django.contrib.auth.models import User
        from django.db.models.signals import pre_save

        from mlplatform import process_state, readiness
        from mlplatform.api import schema  # noqa: F401  (registers OpenAPI extensions)
        from mlplatform.api.accounts import user_tokens_revoke_on_password_change
        from mlplatform.market_data import market_data_source_reset

        process_state.register_reset("market_data_source", market_data_source_reset)

        readiness.register_check("database", readiness.check_database, required=True)
        readiness.register_check("market_data", readiness.check_market_data, required=False)

        pre_save.connect(
            user_tokens_revoke_on_password_change,
            sender=User,
            dispatch_uid="mlplatform.tokens_revoke_on_password_change",
        )


class PlatformAdminConfig(AdminConfig):
    """django.contrib.admin served by ``PlatformAdminSite`` (throttled, audited sign-in)."""

    default_site = "mlplatform.admin.PlatformAdminSite"
