"""``manage.py score_predictions``: score matured predictions now, with progress and a summary."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlplatform.actors import Actor
from mlplatform.errors import AppError
from monitoring.outcomes.scoring import SETTLE_SECONDS
from monitoring.outcomes.services import outcomes_score_run


class Command(BaseCommand):
    help = (
        "Join served predictions with the market data that followed: every distinct "
        "(version, symbol, exchange, candle) whose horizon has passed becomes a scored outcome. "
        "Incremental and idempotent; the worker runs the same job every "
        "OUTCOME_SCORING_INTERVAL_SECONDS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--settle-seconds",
            type=float,
            default=SETTLE_SECONDS,
            help=f"Leave logs younger than this for the next run (default {SETTLE_SECONDS:g}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["settle_seconds"] < 0:
            raise CommandError("--settle-seconds must be >= 0")
        last: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            percent = int(100 * done / total) if total else 100
            if last.get(stage, -10) + 10 <= percent or done == total:
                last[stage] = percent
                self.stdout.write(f"  {stage:8} {done:>10,} / {total:,} ({percent}%)")

        try:
            summary = outcomes_score_run(
                actor=Actor.system("cli"),
                origin="cli",
                settle_seconds=options["settle_seconds"],
                progress=progress,
            )
        except AppError as exc:
            raise CommandError(f"{exc.code}: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"scored {summary.scored:,}, unscorable {summary.unscorable:,}, "
                f"pending {summary.pending:,} (logs read {summary.logs_read:,}, new outcomes "
                f"{summary.new_outcomes:,}, repeats counted once {summary.repeats:,}, "
                f"watermark log id {summary.last_log_id})"
            )
        )
        for reason, count in sorted(summary.reasons.items()):
            self.stdout.write(f"  unscorable: {reason}: {count:,}")
        if summary.retry_later:
            self.stdout.write(
                self.style.WARNING(
                    f"  {summary.retry_later:,} left pending after a market-data error "
                    "(retried next run)"
                )
            )
