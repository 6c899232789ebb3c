"""``manage.py train``: train a version in the foreground with a progress bar."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlplatform.actors import Actor
from mlplatform.errors import AppError
from registry.management.commands._tables import honest_summary, metrics_table
from registry.services import train_model


class Command(BaseCommand):
    help = "Train a new model version now (foreground), register it and apply the policy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--symbols", help="comma-separated symbols (default TRAIN_SYMBOLS)")
        parser.add_argument("--lookback", type=int, help="candles per symbol (TRAIN_LOOKBACK)")
        parser.add_argument("--horizon", type=int, help="forecast horizon in days")
        parser.add_argument(
            "--activate",
            choices=["always", "if_better", "never"],
            help="activation policy (default TRAIN_ACTIVATION_POLICY)",
        )

    def _progress(self, stage: str, percent: int) -> None:
        width = 30
        filled = int(width * percent / 100)
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if percent >= 100 else ""
        self.stdout.write(f"\r[{bar}] {percent:3d}% {stage:<18}", ending=end)
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        params: dict[str, Any] = {}
        if options.get("symbols"):
            params["symbols"] = [s for s in options["symbols"].split(",") if s.strip()]
        for key in ("lookback", "horizon"):
            if options.get(key) is not None:
                params[key] = options[key]
        if options.get("activate"):
            params["activation_policy"] = options["activate"]
        try:
            version = train_model(
                params=params,
                actor=Actor.system("manage.py train"),
                progress_callback=self._progress,
            )
        except AppError as exc:
            self.stdout.write("", ending="\n")
            raise CommandError(f"training failed: {exc.code}: {exc.message}") from exc
        decision = getattr(version, "policy_decision", None)
        self.stdout.write(
            self.style.SUCCESS(f"Registered {version.version}")
            + (" (active)" if version.is_active else " (not active)")
        )
        if decision is not None:
            self.stdout.write(f"Activation: {decision.reason}")
        styles = {
            "good": self.style.SUCCESS,
            "bad": self.style.ERROR,
            "unclear": self.style.WARNING,
        }
        for line, tone in honest_summary(version):
            self.stdout.write(styles.get(tone, str)(line))
        self.stdout.write(metrics_table(version))
        sys.stdout.flush()
