"""``manage.py prune_predictions --older-than 30d``: retention for prediction logs (audited)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.services import prediction_log_prune
from mlplatform.errors import AppError

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)


def duration_parse(text: str) -> timedelta:
    """``"30d"``, ``"12h"``, ``"90m"``, ``"2w"``, ``"45s"`` -> timedelta (positive)."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"invalid duration {text!r}: use a number and a unit s|m|h|d|w, e.g. 30d")
    amount = int(match.group(1))
    if amount <= 0:
        raise ValueError(f"invalid duration {text!r}: must be positive")
    return timedelta(**{_UNITS[match.group(2).lower()]: amount})


class Command(BaseCommand):
    help = "Delete prediction logs older than a duration (e.g. 30d); records an AuditEvent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            required=True,
            help="Age limit: a number and a unit s|m|h|d|w (e.g. 30d, 12h).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            older_than = duration_parse(options["older_than"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            deleted = prediction_log_prune(older_than=older_than)
        except AppError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Deleted {deleted} prediction log(s) older than {older_than}.")
        )
