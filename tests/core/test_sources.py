"""``build_source``: MARKET_DATA_SOURCE override, else http with a base URL, else csv."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from mlplatform.core.market_data.csv_source import CsvSource
from mlplatform.core.market_data.http_source import HttpSource
from mlplatform.core.market_data.sources import build_source, resolve_source_name
from mlplatform.core.market_data.synthetic import SyntheticSource
from mlplatform.errors import ValidationFailed


def _build(tmp_path: Path, **overrides: object):  # type: ignore[no-untyped-def]
    options: dict[str, object] = {
        "name": None,
        "base_url": None,
        "data_dir": tmp_path,
        "timeout": 2.0,
        "retry_attempts": 1,
    }
    options.update(overrides)
    return build_source(**options)  # type: ignore[arg-type]


def test_defaults_to_csv_on_the_data_dir(tmp_path: Path) -> None:
    source = _build(tmp_path)
    assert isinstance(source, CsvSource)
    assert source.directory == tmp_path
    assert source.name == "csv"


def test_base_url_selects_http(tmp_path: Path) -> None:
    source = _build(tmp_path, base_url="http://127.0.0.1:9")
    assert isinstance(source, HttpSource)
    assert source.name == "http"


@pytest.mark.parametrize(
    ("name", "base_url", "expected"),
    [
        ("synthetic", "http://127.0.0.1:9", SyntheticSource),
        (" CSV ", "http://127.0.0.1:9", CsvSource),
        ("http", "http://127.0.0.1:9", HttpSource),
        ("", None, CsvSource),
    ],
)
def test_market_data_source_overrides(
    tmp_path: Path, name: str, base_url: str | None, expected: type
) -> None:
    assert isinstance(_build(tmp_path, name=name, base_url=base_url), expected)


def test_freshness_limit_is_passed_through(tmp_path: Path) -> None:
    limit = timedelta(days=9999)
    for name in ("csv", "synthetic"):
        assert _build(tmp_path, name=name, freshness_limit=limit).freshness_limit == limit


def test_bad_configuration_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as info:
        _build(tmp_path, name="ftp")
    assert "MARKET_DATA_SOURCE" in str(info.value)
    with pytest.raises(ValidationFailed) as info:
        _build(tmp_path, name="http", base_url="  ")
    assert "MARKET_DATA_BASE_URL" in str(info.value)


def test_resolve_source_name() -> None:
    assert resolve_source_name(None, None) == "csv"
    assert resolve_source_name(None, "http://x") == "http"
    assert resolve_source_name("Synthetic", "http://x") == "synthetic"
