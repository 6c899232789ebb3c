"""``manage.py models``: table of versions with metrics; ``*`` marks the active one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from registry.management.commands._tables import versions_table
from registry.selectors import model_version_list
from registry.services import registry_reconcile_once


class Command(BaseCommand):
    help = "List registered model versions with validation metrics."

    def handle(self, *args: Any, **options: Any) -> None:
        registry_reconcile_once()  # this process's start-up: import what storage holds
        rows = list(model_version_list())
        if not rows:
            self.stdout.write("No model versions yet: run `manage.py train`.")
            return
        self.stdout.write(versions_table(rows))
