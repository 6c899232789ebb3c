"""``manage.py generate_demo_data``: (re)write the demo CSV files."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from mlplatform.core.market_data.demo import DEMO_SYMBOLS, write_demo_data


class Command(BaseCommand):
    help = (
        "Write seeded demo candles (with the documented mean-reversion effect) as <SYMBOL>.csv "
        "files (default: MARKET_DATA_DIR), ending today unless --end-date is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=None, help="target directory")
        parser.add_argument("--symbols", default=",".join(DEMO_SYMBOLS))
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument(
            "--end-date",
            type=date.fromisoformat,
            default=None,
            help="last date YYYY-MM-DD (default: the last business day on or before today, UTC)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["dir"] or settings.MARKET_DATA_DIR)
        symbols = [s.strip().upper() for s in options["symbols"].split(",") if s.strip()]
        written = write_demo_data(
            target, symbols=symbols, years=options["years"], end_date=options["end_date"]
        )
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} files to {target}"))
