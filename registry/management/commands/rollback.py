"""``manage.py rollback --reason "..."``: re-activate the most recent earlier available version.

Same service as ``POST /admin/rollback``: walks the activation history back, skipping versions
whose artifacts are missing or corrupt; repeated rollbacks walk further back.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlplatform.actors import Actor
from mlplatform.errors import AppError
from registry.services import model_version_rollback


class Command(BaseCommand):
    help = "Roll back to the most recent earlier available version in the activation history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reason", required=True, help="why (required; kept in the activation history)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reason = (options["reason"] or "").strip()
        if not reason:
            raise CommandError("--reason must not be empty: say why you roll back")
        try:
            row, previous = model_version_rollback(
                actor=Actor.system("manage.py rollback"), reason=reason
            )
        except AppError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        was = previous.version if previous else "none"
        self.stdout.write(self.style.SUCCESS(f"Rolled back {was} -> {row.version}"))
