"""``manage.py reconcile_registry``: import versions found in storage, flag broken ones."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mlplatform.errors import AppError
from registry.services import registry_reconcile


class Command(BaseCommand):
    help = "Reconcile the model registry with the artifact store (MODEL_REGISTRY_DIR)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = registry_reconcile()
        except AppError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(json.dumps(report, indent=2, sort_keys=True))
        if report["flagged"] or report["skipped"]:
            self.stdout.write(self.style.WARNING("Some versions need attention (see above)."))
        else:
            self.stdout.write(self.style.SUCCESS("Registry and storage agree."))
