"""The one error-code list (``mlplatform.errors.ERROR_CODES``) is complete and exact.

Every ``error`` value the code can produce, found three ways (the ``code``/``http_status`` of
every ``AppError`` subclass, every ``code="..."`` passed when raising one, every literal the
envelope renderer is called with), must be listed with its status; every listed value must be
produced somewhere; and the OpenAPI description served at /api/schema/ lists them all.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

from mlplatform.api import errors as handler
from mlplatform.errors import ERROR_CODES, AppError, error_code_listed

ROOT = Path(__file__).resolve().parents[2]
APPS = ("mlplatform", "registry", "monitoring", "predictions", "audit", "traffic")


def _import_everything() -> None:
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" in info.name or info.name.endswith(("wsgi", "asgi", "gunicorn_conf")):
                continue
            importlib.import_module(info.name)


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def _raised_pairs() -> set[tuple[str, int]]:
    """(code, status) of every AppError class and every ``code=`` override in the sources."""
    _import_everything()
    classes = {
        cls.__name__: cls for cls in _subclasses(AppError) if cls.__module__.split(".")[0] in APPS
    }
    classes["AppError"] = AppError
    pairs = {(cls.code, cls.http_status) for name, cls in classes.items() if name != "AppError"}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                kwargs = {k.arg: k.value for k in node.keywords if k.arg}
                if name in classes and isinstance(kwargs.get("code"), ast.Constant):
                    status = kwargs.get("http_status")
                    pairs.add(
                        (
                            kwargs["code"].value,
                            status.value
                            if isinstance(status, ast.Constant)
                            else classes[name].http_status,
                        )
                    )
                if name == "error_body" and len(node.args) == 3:
                    code, _details, status = node.args
                    if isinstance(code, ast.Constant) and isinstance(status, ast.Constant):
                        pairs.add((code.value, status.value))
    return pairs


def _handler_pairs() -> set[tuple[str, int]]:
    return {(code, handler.error_status(code)) for _cls, code in handler._DRF_CODES} | {
        ("not_found", 404),
        ("forbidden", 403),
        ("internal_error", 500),
        ("bad_request", 400),
    }


def test_every_error_the_code_produces_is_listed_with_its_status() -> None:
    produced = _raised_pairs() | _handler_pairs()
    unlisted = sorted(pair for pair in produced if not error_code_listed(*pair))
    assert unlisted == [], f"add these to mlplatform.errors.ERROR_CODES: {unlisted}"


def test_every_listed_error_is_produced_somewhere() -> None:
    produced = _raised_pairs() | _handler_pairs()
    listed = {(e.code, e.status) for e in ERROR_CODES}
    assert sorted(listed - produced) == []
    assert len(listed) == len(ERROR_CODES), "a (code, status) pair is listed twice"


@pytest.mark.django_db
def test_the_openapi_description_lists_every_code(api_client) -> None:  # type: ignore[no-untyped-def]
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    description = response.json()["info"]["description"]
    for entry in ERROR_CODES:
        assert f"| `{entry.code}` | {entry.status} |" in description


def test_the_handler_renders_from_the_list() -> None:
    from rest_framework import exceptions as drf

    from registry.errors import ModelNotReady, ModelUnavailable

    for exc, code, status in [
        (drf.ValidationError({"x": ["bad"]}), "validation_error", 422),
        (drf.Throttled(wait=3), "throttled", 429),
        (ModelNotReady("no"), "model_unavailable", 409),
        (ModelUnavailable("no"), "model_unavailable", 503),
        (drf.APIException("odd"), "internal_error", 500),
    ]:
        response = handler.exception_handler(exc, {})
        assert (response.data["error"], response.status_code) == (code, status)
        assert response.data["code"] == status
