"""Bad inputs at every boundary get their documented 4xx (the table is ``reliability.bad_inputs``).

Runs in-process through the Django test client against a trained synthetic model, so a case
that would reach the model does; ``python -m reliability`` sends the same table to gunicorn.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from reliability.bad_inputs import BAD_INPUTS, BadInput, bad_input_problem, request_headers
from reliability.harness import ADMIN_KEY


@pytest.fixture(scope="module")
def documented(django_db_blocker) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/?format=json")
    return json.loads(response.content)["paths"]


@pytest.mark.parametrize("case", BAD_INPUTS, ids=[c.id for c in BAD_INPUTS])
def test_bad_input_gets_its_documented_4xx(
    case: BadInput, documented: dict[str, Any], trained_model: str, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ADMIN_API_KEY = ADMIN_KEY
    headers = {
        f"HTTP_{name.upper().replace('-', '_')}": value
        for name, value in request_headers(case).items()
    }
    client = Client()
    kwargs: dict[str, Any] = {}
    if case.body is not None:
        kwargs["data"] = case.body
        kwargs["content_type"] = case.content_type or ""
    response = client.generic(case.method, case.path, **kwargs, **headers)
    problem = bad_input_problem(case, response.status_code, response.content, documented)
    assert problem is None, problem
