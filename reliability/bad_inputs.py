"""Bad inputs at every boundary, each with the documented 4xx it must get.

One table serves two runners: ``tests/reliability/test_bad_inputs.py`` sends each case through
the Django test client, ``python -m reliability`` sends it to a live gunicorn. Every answer must
have the expected status, the error envelope with that status, and a status the OpenAPI schema
documents for the operation. Paths use ``%2F`` for slashes inside a path parameter, because
HTTP clients normalize a literal ``../`` before it leaves the machine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import requests

from reliability.harness import ADMIN_KEY, Outcome

MAX_BODY_BYTES = 256 * 1024


@dataclass(frozen=True)
class BadInput:
    """One request and the status it must get."""

    id: str
    method: str
    path: str
    status: int
    operation: str  # the schema path, e.g. "/api/v1/predict"
    body: bytes | None = None
    content_type: str | None = None
    admin: bool = False
    error: str | None = None  # expected envelope "error" code, when it is fixed
    headers: dict[str, str] = field(default_factory=dict)


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


BAD_SYMBOLS: dict[str, str] = {
    "empty": "",
    "blank": "%20%20",
    "500_chars": "A" * 500,
    "21_chars": "A" * 21,
    "leading_digit": "1ABC",
    "path_traversal": "..%2F..%2Fetc%2Fpasswd",
    "path_like": "AAPL%2F..%2FMSFT",
    "windows_path": "C%3A%5Cwindows",
    "unicode": "%C3%84PFEL",
    "cjk": "%E6%A0%AA%E5%BC%8F",
    "zero_width": "AAPL%E2%80%8B",
    "emoji": "%F0%9F%93%88",
    "sql_quote": "AAPL%27%20OR%20%271%27%3D%271",
    "sql_drop": "AAPL%3BDROP%20TABLE%20audit_predictionlog%3B--",
    "nul": "AA%00PL",
    "percent": "%25",
    "newline": "AAPL%0AX-Injected%3A%201",
}
#: The same symbols as JSON strings (decoded), for bodies.
BAD_SYMBOL_VALUES: dict[str, str] = {
    "empty": "",
    "500_chars": "A" * 500,
    "path_traversal": "../../etc/passwd",
    "unicode": "ÄPFEL",
    "sql_quote": "AAPL' OR '1'='1",
    "sql_drop": "AAPL;DROP TABLE audit_predictionlog;--",
    "nul": "AA\x00PL",
}
BAD_VERSIONS: dict[str, str] = {
    "dotdot": "..%2Fv1",
    "semicolon": "v1%3B",
    "huge_number": "v99999999999999999999",
    "zero": "v0",
    "negative": "v-1",
    "no_prefix": "1",
    "sql": "v1%27%20OR%20%271%27%3D%271",
    "unicode_digit": "v%D9%A1",
    "trailing_newline": "v1%0A",
}


def _cases() -> list[BadInput]:
    cases: list[BadInput] = []
    p = "/api/v1"
    for name, symbol in BAD_SYMBOLS.items():
        cases += [
            BadInput(
                f"predict-symbol-{name}", "GET", f"/predict?symbol={symbol}", 422, f"{p}/predict"
            ),
            BadInput(
                f"features-symbol-{name}", "GET", f"/features?symbol={symbol}", 422, f"{p}/features"
            ),
        ]
        if symbol.strip("%20"):
            cases.append(
                BadInput(
                    f"recent-symbol-{name}",
                    "GET",
                    f"/predictions/recent?symbol={symbol}",
                    422,
                    f"{p}/predictions/recent",
                )
            )
    cases.append(BadInput("predict-symbol-missing", "GET", "/predict", 422, f"{p}/predict"))
    cases.append(
        BadInput(
            "predict-exchange-unknown",
            "GET",
            "/predict?symbol=AAPL&exchange=LSE",
            422,
            f"{p}/predict",
        )
    )
    cases.append(
        BadInput(
            "predict-exchange-path",
            "GET",
            "/predict?symbol=AAPL&exchange=..%2Fx",
            422,
            f"{p}/predict",
        )
    )
    for name, value in BAD_SYMBOL_VALUES.items():
        cases.append(
            BadInput(
                f"train-symbol-{name}",
                "POST",
                "/admin/train",
                422,
                f"{p}/admin/train",
                body=_json({"symbols": [value]}),
                content_type="application/json",
                admin=True,
            )
        )
    # lookback / limit / batch bounds
    for value in ("0", "-1", "101", "1000000000000", "abc", "3.5", "1e3"):
        cases.append(
            BadInput(
                f"features-lookback-{value or 'empty'}",
                "GET",
                f"/features?symbol=AAPL&lookback={value}",
                422,
                f"{p}/features",
            )
        )
    for value in ("0", "-1", "1001", "99999999999999999999", "abc"):
        tag = value
        cases += [
            BadInput(
                f"recent-limit-{tag}",
                "GET",
                f"/predictions/recent?limit={value}",
                422,
                f"{p}/predictions/recent",
            ),
            BadInput(
                f"audit-limit-{tag}",
                "GET",
                f"/admin/audit?limit={value}",
                422,
                f"{p}/admin/audit",
                admin=True,
            ),
            BadInput(
                f"drift-history-limit-{tag}",
                "GET",
                f"/monitoring/drift/history?limit={value}",
                422,
                f"{p}/monitoring/drift/history",
            ),
        ]
    train_bounds: dict[str, Any] = {
        "lookback-59": {"lookback": 59},
        "lookback-huge": {"lookback": 10**12},
        "lookback-string": {"lookback": "many"},
        "horizon-0": {"horizon": 0},
        "horizon-253": {"horizon": 253},
        "symbols-empty": {"symbols": []},
        "symbols-not-list": {"symbols": {"a": 1}},
    }
    for name, body in train_bounds.items():
        cases.append(
            BadInput(
                f"train-{name}",
                "POST",
                "/admin/train",
                422,
                f"{p}/admin/train",
                body=_json(body),
                content_type="application/json",
                admin=True,
            )
        )
    batch_bodies: dict[str, Any] = {
        "empty-list": {"symbols": []},
        "too-many": {"symbols": [f"S{i}" for i in range(501)]},
        "missing": {},
        "null": {"symbols": None},
        "string": {"symbols": "AAPL"},
        "object": {"symbols": {"AAPL": 1}},
        "array-body": ["AAPL"],
        "nul-item": {"symbols": ["AA\x00PL"]},
        "huge-item": {"symbols": ["A" * 500]},
        "bad-exchange": {"symbols": ["AAPL"], "exchange": "LSE"},
    }
    for name, body in batch_bodies.items():
        cases.append(
            BadInput(
                f"batch-{name}",
                "POST",
                "/predict/batch",
                422,
                f"{p}/predict/batch",
                body=_json(body),
                content_type="application/json",
            )
        )
    # malformed and oversized JSON
    malformed = {
        "truncated": b'{"symbols": [',
        "nul-byte": b"\x00",
        "nan": b'{"symbols": NaN}',
        "trailing-garbage": b'{"symbols": ["AAPL"]} x',
        "bad-utf8": b'{"symbols": ["\xff\xfe"]}',
        "single-quotes": b"{'symbols': ['AAPL']}",
    }
    for name, raw in malformed.items():
        cases.append(
            BadInput(
                f"batch-malformed-{name}",
                "POST",
                "/predict/batch",
                400,
                f"{p}/predict/batch",
                body=raw,
                content_type="application/json",
                error="parse_error",
            )
        )
        cases.append(
            BadInput(
                f"train-malformed-{name}",
                "POST",
                "/admin/train",
                400,
                f"{p}/admin/train",
                body=raw,
                content_type="application/json",
                admin=True,
                error="parse_error",
            )
        )
    big = _json({"symbols": ["AAPL"], "padding": "x" * (MAX_BODY_BYTES + 1024)})
    for name, method, path, operation, admin in (
        ("batch", "POST", "/predict/batch", f"{p}/predict/batch", False),
        ("train", "POST", "/admin/train", f"{p}/admin/train", True),
        ("login", "POST", "/auth/login", f"{p}/auth/login", False),
        ("predict-get", "GET", "/predict?symbol=AAPL", f"{p}/predict", False),
    ):
        cases.append(
            BadInput(
                f"oversized-{name}",
                method,
                path,
                413,
                operation,
                body=big,
                content_type="application/json",
                admin=admin,
                error="request_too_large",
            )
        )
    # wrong content types
    for name, content_type, raw in (
        ("text", "text/plain", b'{"symbols": ["AAPL"]}'),
        ("form", "application/x-www-form-urlencoded", b"symbols=AAPL"),
        (
            "multipart",
            "multipart/form-data; boundary=xx",
            b'--xx\r\nContent-Disposition: form-data; name="symbols"\r\n\r\nAAPL\r\n--xx--\r\n',
        ),
        ("xml", "application/xml", b"<symbols><s>AAPL</s></symbols>"),
        ("none", "", b'{"symbols": ["AAPL"]}'),
    ):
        for route, operation, admin in (
            ("/predict/batch", f"{p}/predict/batch", False),
            ("/admin/train", f"{p}/admin/train", True),
            ("/auth/login", f"{p}/auth/login", False),
        ):
            cases.append(
                BadInput(
                    f"content-type-{name}-{route.strip('/').replace('/', '-')}",
                    "POST",
                    route,
                    415,
                    operation,
                    body=raw,
                    content_type=content_type,
                    admin=admin,
                    error="unsupported_media_type",
                )
            )
    # version labels
    for name, version in BAD_VERSIONS.items():
        cases += [
            BadInput(
                f"model-version-{name}", "GET", f"/models/{version}", 404, f"{p}/models/{{version}}"
            ),
            BadInput(
                f"predict-version-{name}",
                "GET",
                f"/predict?symbol=AAPL&version={version}",
                404,
                f"{p}/predict",
            ),
            BadInput(
                f"activate-version-{name}",
                "POST",
                f"/admin/activate/{version}",
                404,
                f"{p}/admin/activate/{{version}}",
                admin=True,
            ),
            BadInput(
                f"models-activate-version-{name}",
                "POST",
                f"/models/activate/{version}",
                404,
                f"{p}/models/activate/{{version}}",
                admin=True,
            ),
        ]
        if name != "trailing_newline":  # query strings are whitespace-trimmed: that is v1
            cases.append(
                BadInput(
                    f"drift-version-{name}",
                    "GET",
                    f"/monitoring/drift?version={version}",
                    404 if len(unquote(version)) <= 24 else 422,
                    f"{p}/monitoring/drift",
                )
            )
    # credentials
    for name, key in (
        ("wrong", "not-the-key"),
        ("empty", ""),
        ("sql", "' OR '1'='1"),
        ("long", "k" * 4096),
    ):
        cases.append(
            BadInput(
                f"api-key-{name}",
                "POST",
                "/admin/reload",
                401,
                f"{p}/admin/reload",
                headers={"X-API-Key": key},
            )
        )
    cases.append(
        BadInput(
            "token-garbage",
            "GET",
            "/admin/train/status",
            401,
            f"{p}/admin/train/status",
            headers={"Authorization": "Token ../../etc/passwd"},
        )
    )
    return cases


BAD_INPUTS: list[BadInput] = _cases()


def request_headers(case: BadInput) -> dict[str, str]:
    headers = dict(case.headers)
    if case.admin:
        headers["X-API-Key"] = ADMIN_KEY
    return headers


def bad_input_problem(
    case: BadInput, status: int, body: bytes, documented: dict[str, Any]
) -> str | None:
    """Why this answer is wrong, or None: status, envelope, and documented in the schema."""
    if status != case.status:
        return f"expected {case.status}, got {status}: {body[:300]!r}"
    try:
        payload = json.loads(body)
    except ValueError:
        return f"non-JSON body: {body[:200]!r}"
    if not isinstance(payload, dict) or payload.get("status") != "error":
        return f"not the error envelope: {payload!r:.300}"
    if payload.get("code") != status or not payload.get("request_id"):
        return f"envelope code/request_id wrong: {payload!r:.300}"
    if case.error and payload.get("error") != case.error:
        return f"expected error {case.error!r}, got {payload.get('error')!r}"
    responses = documented.get(case.operation, {}).get(case.method.lower(), {}).get("responses")
    if responses is None:
        return f"operation {case.method} {case.operation} is not in the schema"
    if str(status) not in responses:
        return f"{status} is not documented for {case.method} {case.operation}"
    return None


def run_bad_inputs(base_url: str) -> Outcome:
    """Send every case to a live server over HTTP."""
    schema = requests.get(base_url + "/api/schema/?format=json", timeout=30).json()["paths"]
    problems: list[str] = []
    for case in BAD_INPUTS:
        headers = request_headers(case)
        if case.content_type is not None:
            headers["Content-Type"] = case.content_type
        headers["Connection"] = "close"  # one connection per case: no answer leaks into the next
        try:
            response = requests.request(
                case.method, base_url + case.path, data=case.body, headers=headers, timeout=30
            )
        except requests.RequestException as exc:
            problems.append(f"{case.id}: no answer ({type(exc).__name__}: {exc})")
            continue
        problem = bad_input_problem(case, response.status_code, response.content, schema)
        if problem:
            problems.append(f"{case.id}: {problem}")
    return Outcome(
        scenario="Bad inputs at every boundary",
        load=f"{len(BAD_INPUTS)} crafted requests (symbols, bounds, JSON, content types, versions)",
        result="every one a documented 4xx in the envelope"
        if not problems
        else f"{len(problems)} wrong answers",
        data_lost=None,
        ok=not problems,
        details=problems[:40],
    )
