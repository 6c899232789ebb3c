"""``manage.py activate vN``: make a version the active one (audited, like the API)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlplatform.actors import Actor
from mlplatform.errors import AppError
from registry.services import model_version_activate


class Command(BaseCommand):
    help = "Activate a registered model version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("version", help="e.g. v3")
        parser.add_argument("--reason", default="", help="why (kept in the activation history)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            row = model_version_activate(
                version=options["version"],
                actor=Actor.system("manage.py activate"),
                reason=options["reason"],
            )
        except AppError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(self.style.SUCCESS(f"{row.version} is now the active version"))
