"""``manage.py check_drift [--version vN] [--from-market --days N] [--fail-on-drift]``: compute,
store, print; with ``--fail-on-drift`` exit 1 when the status is ``drift_detected`` (for a
scheduled job)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlplatform.errors import AppError
from monitoring.services import (
    DEFAULT_MARKET_DAYS,
    drift_live_report,
    drift_snapshot_from_market,
)


def _fmt(value: Any, spec: str) -> str:
    return "-" if value is None else format(value, spec)


class Command(BaseCommand):
    help = (
        "Compute a drift report for a model version (default: the active one) and store it as a "
        "DriftSnapshot: over the last DRIFT_WINDOW served predictions, or with --from-market "
        "over the latest N daily candles of the version's training symbols."
    )

    def add_base_argument(self, parser: CommandParser, *args: Any, **kwargs: Any) -> None:
        # Django's own --version (print Django's version) would shadow the model version flag.
        if "--version" in args:
            return
        super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--version", help="Model version label (e.g. v3); default: active.")
        parser.add_argument(
            "--from-market",
            action="store_true",
            help="Use recent market data instead of served prediction logs.",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_MARKET_DAYS,
            help=f"Latest daily candles per symbol with --from-market (default "
            f"{DEFAULT_MARKET_DAYS}).",
        )
        parser.add_argument(
            "--fail-on-drift",
            action="store_true",
            help="Exit with status 1 when the report says drift_detected.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            raise CommandError("--days must be >= 1")
        try:
            if options["from_market"]:
                report = drift_snapshot_from_market(
                    version=options["version"], days=options["days"]
                ).report
            else:
                report = drift_live_report(version=options["version"], snapshot_interval_seconds=0)
        except AppError as exc:
            raise CommandError(f"{exc.code}: {exc}") from exc
        self._print(report)
        if options["fail_on_drift"] and report["status"] == "drift_detected":
            raise CommandError("drift detected", returncode=1)

    def _print(self, report: dict[str, Any]) -> None:
        status = report["status"]
        style = {
            "healthy": self.style.SUCCESS,
            "drift_detected": self.style.ERROR,
        }.get(status, self.style.WARNING)
        self.stdout.write(
            f"version={report.get('version') or '-'} source={report.get('source', 'live')} "
            f"requests={report.get('requests', 0)} distinct_rows={report.get('distinct_rows', 0)} "
            f"calibration={report.get('calibration', 'none')} "
            f"false_alarm_rate={_fmt(report.get('false_alarm_rate'), '.3g')} "
            f"threshold={report.get('threshold')} "
            f"drift_share={_fmt(report.get('drift_share'), '.2f')}"
        )
        for symbol, message in (report.get("symbol_errors") or {}).items():
            self.stdout.write(self.style.WARNING(f"  {symbol}: skipped ({message})"))
        details = report.get("details") or {}
        if details:
            header = f"{'feature':<14} {'p_value':>10} {'ks':>7} {'limit':>7} {'psi':>8} "
            self.stdout.write(header + f"{'band':<12} {'mean_shift':>10}  drift")
            for name, row in details.items():
                self.stdout.write(
                    f"{name:<14} {_fmt(row.get('p_value'), '10.4g')} "
                    f"{_fmt(row.get('ks_statistic'), '7.4f')} "
                    f"{_fmt(row.get('threshold_statistic'), '7.4f')} "
                    f"{_fmt(row.get('psi'), '8.4f')} "
                    f"{row.get('psi_band') or '-':<12} {_fmt(row.get('mean_shift'), '10.3f')}  "
                    f"{'YES' if row.get('drift') else 'no'}"
                )
        self.stdout.write(style(f"status: {status}"))
