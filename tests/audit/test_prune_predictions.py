from __future__ import annotations

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.management.commands.prune_predictions import duration_parse
from audit.models import AuditEvent, PredictionLog

pytestmark = pytest.mark.django_db


def _log(age: timedelta) -> PredictionLog:
    return PredictionLog.objects.create(
        request_id=uuid.uuid4().hex,
        timestamp=timezone.now() - age,
        symbol="MSFT",
        model_version="v1",
        prediction="SELL",
        confidence=0.6,
        probability_up=0.4,
        expected_return=-0.01,
        latency_ms=2.0,
    )


def test_prune_deletes_only_older_logs_and_is_audited() -> None:
    recent = _log(timedelta(days=29))
    _log(timedelta(days=31))
    _log(timedelta(days=400))
    out = StringIO()

    call_command("prune_predictions", "--older-than", "30d", stdout=out)

    assert list(PredictionLog.objects.values_list("pk", flat=True)) == [recent.pk]
    assert "Deleted 2" in out.getvalue()
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.actor_type) == (
        "predictions.prune",
        "system",
        "system",
    )
    assert event.details["deleted"] == 2
    assert event.details["older_than_seconds"] == 30 * 86400


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30d", timedelta(days=30)), ("12h", timedelta(hours=12)), ("2W", timedelta(weeks=2))],
)
def test_duration_parse(text: str, expected: timedelta) -> None:
    assert duration_parse(text) == expected


@pytest.mark.parametrize("text", ["30", "d", "0d", "-1d", "3 days", "1y"])
def test_bad_durations_are_command_errors(text: str) -> None:
    with pytest.raises(CommandError, match="invalid duration"):
        call_command("prune_predictions", f"--older-than={text}", stdout=StringIO())
    assert not AuditEvent.objects.exists()
