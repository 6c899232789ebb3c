"""``manage.py replay vN --from DATE --to DATE [--symbols A,B]``: how a version would have done."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlplatform.actors import Actor
from mlplatform.errors import AppError
from monitoring.outcomes.selectors import performance_report
from monitoring.outcomes.services import outcomes_replay


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _fmt(value: Any, spec: str = ".4f") -> str:
    return "-" if value is None else format(value, spec)


class Command(BaseCommand):
    help = (
        "Serve a version on each past trading day between --from and --to through the serving "
        "path (features from candles up to that day only), score the predictions and store "
        "them as outcomes marked 'replay'. Dates inside the version's training window are "
        "refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("version", help="Model version label, e.g. v2")
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
        parser.add_argument(
            "--symbols",
            nargs="*",
            help="Symbols (space or comma separated); default: the version's training symbols.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        symbols = None
        if options["symbols"]:
            symbols = [s for item in options["symbols"] for s in item.split(",") if s.strip()]
        try:
            summary = outcomes_replay(
                version=options["version"],
                date_from=_date(options["date_from"]),
                date_to=_date(options["date_to"]),
                symbols=symbols,
                actor=Actor.system("cli"),
                progress=lambda stage, done, total: self.stdout.write(
                    f"  {stage} {done}/{total} symbols"
                ),
            )
            report = performance_report(version=options["version"], source="replay")
        except AppError as exc:
            raise CommandError(f"{exc.code}: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"replayed {summary.version} on {summary.trading_days} trading days x "
                f"{len(summary.symbols)} symbols: {summary.predictions:,} predictions, "
                f"{summary.new_outcomes:,} new outcomes, scored {summary.scored:,}, pending "
                f"{summary.pending:,}, unscorable {summary.unscorable:,}"
            )
        )
        for symbol, reason in summary.skipped.items():
            self.stdout.write(self.style.WARNING(f"  skipped {symbol}: {reason}"))
        live = report["live"]
        ci = live.get("skill_ci")
        self.stdout.write(
            f"replay metrics ({live['n']:,} outcomes): hit rate {_fmt(live['hit_rate'])} "
            f"(base rate {_fmt(live['base_rate'])}), IC {_fmt(live['ic'])}, skill "
            f"{_fmt(live['skill'])} vs {live['skill_vs']}"
            + (f" (90% CI {ci[0]:.4f}..{ci[1]:.4f})" if ci else "")
            + f", Brier {_fmt(live['brier'])} vs {_fmt(live['brier_base_rate'])}; "
            f"status {report['status']}"
        )
