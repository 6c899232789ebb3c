"""``manage.py bootstrap_demo``: idempotent first start (used by ``make run``).

Reconciles with storage, writes the demo CSVs if the CSV source has none (ending on today's
business day, so the first prediction is ``fresh``), and trains v1 when the registry has no
version at all, under the ``if_better`` gate like any other version: the demo data carry a
documented learnable effect, so v1 beats the naive baselines and goes live. If it did not,
it would stay held and the command says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from mlplatform.actors import Actor
from mlplatform.core.market_data.demo import write_demo_data
from mlplatform.core.market_data.sources import resolve_source_name
from mlplatform.errors import AppError
from mlplatform.market_data import market_data_source_reset
from registry.models import ModelVersion
from registry.services import registry_reconcile, train_model


class Command(BaseCommand):
    help = "Make sure a trained, active model exists (train v1 on the demo data if none)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = registry_reconcile()
        except AppError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        if report["imported"]:
            self.stdout.write(f"Imported from storage: {', '.join(report['imported'])}")
        if ModelVersion.objects.exists():
            active = report.get("active_version") or "none"
            self.stdout.write(f"Registry already has versions (active: {active}); nothing to do.")
            return
        if resolve_source_name(settings.MARKET_DATA_SOURCE, settings.MARKET_DATA_BASE_URL) == "csv":
            directory = Path(settings.MARKET_DATA_DIR)
            if not any(directory.glob("*.csv")):
                write_demo_data(directory)
                market_data_source_reset()
                self.stdout.write(f"Wrote demo data to {directory}")
        self.stdout.write("Training v1 on the demo data ...")
        try:
            version = train_model(
                params={"activation_policy": "if_better"}, actor=Actor.system("bootstrap_demo")
            )
        except AppError as exc:
            raise CommandError(f"training failed: {exc.code}: {exc.message}") from exc
        decision = getattr(version, "policy_decision", None)
        reason = getattr(decision, "reason", "")
        if version.is_active:
            self.stdout.write(self.style.SUCCESS(f"{version.version} trained and active"))
        else:
            self.stdout.write(self.style.WARNING(f"{version.version} trained but held"))
        if reason:
            self.stdout.write(f"Promotion: {reason}")
        call_command("models", stdout=self.stdout)
