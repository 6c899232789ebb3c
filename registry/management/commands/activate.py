"""``manage.py activate vN --reason "..."``: make a version the active one (audited, like the API).

The version's artifacts are verified first; a missing or corrupt one is refused and the active
version stays. A reason is required: it is kept in the activation history and the audit log.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlplatform.actors import Actor
from mlplatform.errors import AppError
from registry.services import model_version_activate


class Command(BaseCommand):
    help = "Activate a registered model version (its artifacts are verified first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("version", help="e.g. v3")
        parser.add_argument(
            "--reason", required=True, help="why (required; kept in the activation history)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reason = (options["reason"] or "").strip()
        if not reason:
            raise CommandError("--reason must not be empty: say why this version goes live")
        try:
            row = model_version_activate(
                version=options["version"],
                actor=Actor.system("manage.py activate"),
                reason=reason,
            )
        except AppError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(self.style.SUCCESS(f"{row.version} is now the active version"))
