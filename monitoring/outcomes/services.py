"""Outcome writes: the audited scoring run and the replay of a version over past trading days."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import audit_event_record
from mlplatform.actors import Actor
from mlplatform.core import features as core_features
from mlplatform.errors import AppError, ValidationFailed
from mlplatform.market_data import market_data_source
from monitoring.models import Outcome
from monitoring.outcomes import batch
from monitoring.outcomes.scoring import (
    CandleBook,
    ProgressCallback,
    ScoringSummary,
    _noop,
    frame_count,
    outcome_daily_rebuild,
    outcomes_revision_bump,
    outcomes_score,
)
from predictions.cache import latest_row
from predictions.services.inference import _item as serving_item
from predictions.services.inference import _model_spec, symbol_normalize
from registry.loading import loaded_model_get
from registry.selectors import model_version_get

#: A replay covers at most this many calendar days per call.
REPLAY_MAX_DAYS = 3700


def outcomes_score_run(
    *,
    actor: Actor,
    origin: str,
    request: Any = None,
    settle_seconds: float | None = None,
    progress: ProgressCallback = _noop,
) -> ScoringSummary:
    """One scoring run (``outcomes_score``) recorded as an ``outcomes.score`` AuditEvent."""
    kwargs: dict[str, Any] = {"progress": progress}
    if settle_seconds is not None:
        kwargs["settle_seconds"] = settle_seconds
    summary = outcomes_score(**kwargs)
    audit_event_record(
        actor=actor,
        action="outcomes.score",
        target="outcomes",
        details={"origin": origin, **summary.as_dict()},
        request=request,
    )
    return summary


@dataclass
class ReplaySummary:
    version: str
    date_from: str
    date_to: str
    symbols: list[str]
    trading_days: int = 0
    predictions: int = 0
    new_outcomes: int = 0
    scored: int = 0
    pending: int = 0
    unscorable: int = 0
    skipped: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def training_window_end(row: Any) -> date | None:
    """The last date any symbol's training rows reach (train and validation alike)."""
    lasts = [w.get("last_date") for w in (row.dataset_window or {}).values() if w.get("last_date")]
    return max(date.fromisoformat(str(d)[:10]) for d in lasts) if lasts else None


def outcomes_replay(
    *,
    version: str,
    date_from: date,
    date_to: date,
    symbols: list[str] | None = None,
    actor: Actor,
    progress: ProgressCallback = _noop,
) -> ReplaySummary:
    """Serve ``version`` on every trading day in ``[date_from, date_to]`` and score it.

    Each day goes through the serving path: the version's verified artifacts and feature
    spec, the latest fully defined row of the shared feature function computed on the
    candles up to and including that day only (the ``history_rows`` the server fetches), the
    model, then the serving output map. Outcomes are stored with ``source="replay"`` (apart
    from live traffic); days inside the version's training window are refused (422).
    """
    row = model_version_get(version=version)
    if date_to < date_from:
        raise ValidationFailed("--to is before --from", details={"from": str(date_from)})
    if (date_to - date_from).days > REPLAY_MAX_DAYS:
        raise ValidationFailed(f"a replay covers at most {REPLAY_MAX_DAYS} days")
    train_end = training_window_end(row)
    if train_end is not None and date_from <= train_end:
        raise ValidationFailed(
            f"{version} was trained on data up to {train_end}: replay dates must start after "
            "its training window, or the replay would score it on data it has seen",
            code="replay_inside_training_window",
            details={"training_window_end": str(train_end), "from": str(date_from)},
        )
    loaded = loaded_model_get(version=version)
    spec = _model_spec(loaded)
    chosen = [symbol_normalize(s) for s in (symbols or sorted(row.dataset_window or {}))]
    if not chosen:
        raise ValidationFailed("no symbols to replay: pass --symbols")
    summary = ReplaySummary(
        version=version, date_from=str(date_from), date_to=str(date_to), symbols=chosen
    )
    exchange = settings.MARKET_DATA_EXCHANGE
    source = market_data_source()
    book = CandleBook()
    horizon = int(row.horizon_days)
    lo = np.datetime64(date_from, "D")
    hi = np.datetime64(date_to, "D")
    days_seen: set[Any] = set()
    touched: set = set()
    scoring_summary = ScoringSummary()
    now = timezone.now()
    for number, symbol in enumerate(chosen, start=1):
        try:
            series = source.get_candles(symbol, exchange=exchange)
        except AppError as exc:
            summary.skipped[symbol] = f"{exc.code}: {exc.message}"
            continue
        candles = series.candles
        day_keys = candles["timestamp"].dt.tz_convert(None).to_numpy().astype("datetime64[D]")
        picked = np.flatnonzero((day_keys >= lo) & (day_keys <= hi))
        cuts = {
            int(i): candles.iloc[max(0, int(i) + 1 - spec.rows) : int(i) + 1].reset_index(drop=True)
            for i in picked
        }
        frames = core_features.compute_features_many(cuts, volatility_window=spec.volatility_window)
        served: list[dict[str, Any]] = []
        for i in picked.tolist():
            try:
                feature_row = latest_row(
                    frames[i], candles=len(cuts[i]), window=spec.volatility_window
                )
            except AppError as exc:
                summary.skipped.setdefault(symbol, f"{exc.code}: {exc.message}")
                continue
            expected = loaded.model.predict_one(feature_row.values[spec.columns])
            outputs = serving_item(loaded=loaded, expected_return=expected, degraded=False)
            stamp = int(candles["timestamp"].iloc[i].as_unit("ns").value)
            served.append(
                {
                    "model_version": version,
                    "source": Outcome.Source.REPLAY.value,
                    "symbol": symbol,
                    "exchange": exchange,
                    "candle_ns": stamp,
                    "horizon": horizon,
                    "prediction": outputs.prediction,
                    "expected_return": outputs.expected_return,
                    "probability_up": outputs.probability_up,
                    "predicted_ns": stamp,
                    "log_id": None,
                }
            )
            days_seen.add(day_keys[i])
        summary.predictions += len(served)
        if served:
            frame = batch.frame_score(pd.DataFrame(served, columns=list(batch.FRAME_COLUMNS)), book)
            with transaction.atomic():
                added = batch.frame_insert(frame, now=now)
            frame_count(scoring_summary, added)
            touched |= batch.frame_days(added)
        progress("replay", number, len(chosen))
    outcome_daily_rebuild(touched)
    if scoring_summary.new_outcomes:
        outcomes_revision_bump()
    summary.trading_days = len(days_seen)
    summary.new_outcomes = scoring_summary.new_outcomes
    summary.scored = scoring_summary.scored
    summary.unscorable = scoring_summary.unscorable
    summary.pending = Outcome.objects.filter(
        model_version=version, source=Outcome.Source.REPLAY, status=Outcome.Status.PENDING
    ).count()
    audit_event_record(
        actor=actor,
        action="outcomes.replay",
        target=version,
        details={**summary.as_dict(), "ran_at": datetime.now(UTC).isoformat()},
    )
    return summary
