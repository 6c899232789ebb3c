"""Management commands: front-ends over the same services as the API."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from mlplatform.market_data import market_data_source_reset
from registry.models import ModelVersion

pytestmark = pytest.mark.django_db


def _call(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_train_prints_progress_version_and_metrics_table():
    output = _call("train", "--symbols", "AAA,BBB", "--lookback", "500", "--activate", "always")
    assert "100% done" in output and "[####" in output
    assert "Registered v1 (active)" in output
    for label in ("model", "zero", "train mean", "skill", "validation", "walk-forward"):
        assert label in output
    row = ModelVersion.objects.get(version="v1")
    assert sorted(row.dataset_window) == ["AAA", "BBB"]
    assert f"{row.validation_metrics['model']['rmse']:.6f}" in output
    # the honest headline: skill against the best baseline with its 90% interval
    baseline = {"mean": "training-mean", "zero": "zero"}[row.validation_metrics["skill_vs"]]
    assert f"skill vs the {baseline} baseline:" in output and "90% CI" in output
    assert "always up" in output or "always down" in output
    assert "probability_up (logistic, fitted out of fold): Brier" in output
    assert "signals on validation: BUY" in output


def test_train_prints_quarantined_rows(settings, tmp_path):
    from mlplatform.core.market_data.demo import DEMO_END_DATE, write_demo_data

    write_demo_data(tmp_path, symbols=["AAA", "BBB"], years=3, end_date=DEMO_END_DATE)
    lines = (tmp_path / "BBB.csv").read_text().splitlines()
    day, *prices, volume = lines[400].split(",")
    lines[400] = ",".join([day, *(f"{float(p) * 100:.4f}" for p in prices), volume])
    (tmp_path / "BBB.csv").write_text("\n".join(lines) + "\n")
    settings.MARKET_DATA_DIR = tmp_path
    market_data_source_reset()
    output = _call("train", "--symbols", "AAA,BBB", "--activate", "never")
    assert f"quarantined: BBB.csv: row 400 ({day})" in output


def test_train_reports_bad_arguments_as_command_errors():
    with pytest.raises(CommandError, match="invalid symbol"):
        _call("train", "--symbols", "bad symbol")


def test_activate_and_models_table():
    _call("train", "--activate", "never")
    _call("train", "--activate", "never")
    assert "v2 is now the active version" in _call("activate", "v2", "--reason", "cli")
    table = _call("models")
    rows = {line[2:].split()[0]: line for line in table.splitlines()[2:]}
    assert set(rows) == {"v1", "v2"}
    assert rows["v2"].startswith("* v2") and rows["v1"].startswith("  v1")
    event = AuditEvent.objects.get(action="model.activate")
    assert event.actor == "manage.py activate" and event.details["reason"] == "cli"
    with pytest.raises(CommandError, match="model_not_found"):
        _call("activate", "v7")


def test_reconcile_registry_prints_the_report():
    _call("train", "--activate", "always")
    report = json.loads(_call("reconcile_registry").split("\n}\n")[0] + "\n}")
    assert report["storage_versions"] == ["v1"] and report["active_version"] == "v1"


def test_bootstrap_demo_trains_v1_once_on_demo_csvs(settings, tmp_path):
    settings.MARKET_DATA_SOURCE = "csv"
    settings.MARKET_DATA_DIR = tmp_path / "demo"
    settings.TRAIN_SYMBOLS = ["AAPL", "MSFT"]
    settings.TRAIN_LOOKBACK = 600
    market_data_source_reset()
    first = _call("bootstrap_demo")
    assert "Wrote demo data" in first and "v1 trained and active" in first
    assert sorted(p.name for p in (tmp_path / "demo").glob("*.csv"))[:2] == ["AAPL.csv", "AMZN.csv"]
    second = _call("bootstrap_demo")
    assert "nothing to do" in second
    assert ModelVersion.objects.count() == 1 and ModelVersion.objects.get().is_active


def test_generate_demo_data_writes_csvs(tmp_path):
    output = _call("generate_demo_data", "--dir", str(tmp_path), "--symbols", "AAA", "--years", "1")
    assert "Wrote 1 files" in output
    assert (tmp_path / "AAA.csv").read_text().startswith("Date,Open,High,Low,Close,Volume")
