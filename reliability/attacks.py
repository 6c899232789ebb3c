"""What an attacker tries first, against gunicorn on 127.0.0.1 (issue 18).

- ``admin_brute_force``: wrong passwords at the Django admin's sign-in, then the right one.
  429 after ``LOGIN_RATE_LIMIT_REQUESTS``; every attempt accounted for in the audit (wrong
  passwords one row each, refused attempts counted in ``DeniedAttemptWindow``).
- ``denied_flood``: anonymous control-plane requests, some with attacker-chosen text in the
  path. Audit rows stay bounded (one per client, actor, route and window); every request is
  counted; no stored target carries the request's text.
- ``batch_amplification``: the same batch of unknown symbols, repeated, over the http
  source. Upstream calls per repeat with the negative cache, against a baseline without it in
  the same run; then the batch symbol budget refuses a batch flood with 429.
- ``nested_json``: deep and huge JSON bodies on public and control-plane routes: 400
  ``parse_error`` (413 past the size bound), never a 500.

Each runs one gunicorn worker (4 threads): throttle counters and the negative cache live per
process with the default in-memory cache (Redis shares the counters across workers).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from reliability.harness import ADMIN_KEY, Database, Gunicorn, Outcome, manage, platform_env

LOGIN_LIMIT = 10
STAFF_PASSWORD = "reliability-staff-password-1"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _env(db: Database, models: Path, **overrides: str) -> dict[str, str]:
    return platform_env(
        db,
        models,
        **{
            "LOGIN_RATE_LIMIT_REQUESTS": str(LOGIN_LIMIT),
            "LOGIN_RATE_LIMIT_WINDOW_SECONDS": "3600",  # one window for the whole run
            **overrides,
        },
    )


def _denied_accounting(db: Database, action: str) -> tuple[int, int, int]:
    """(denied AuditEvent rows, counted attempts in DeniedAttemptWindow, windows) for action."""
    rows = db.query(
        "SELECT COUNT(*) FROM audit_auditevent WHERE action = %s AND outcome = 'denied'",
        (action,),
    )[0][0]
    counted, windows = db.query(
        "SELECT COALESCE(SUM(count), 0), COUNT(*) FROM audit_deniedattemptwindow WHERE action = %s",
        (action,),
    )[0]
    return int(rows), int(counted), int(windows)


# --- admin sign-in brute force ----------------------------------------------------------------


def admin_brute_force(
    db: Database, models: Path, workdir: Path, *, attempts: int, limit: int = LOGIN_LIMIT
) -> Outcome:
    env = _env(db, models, LOGIN_RATE_LIMIT_REQUESTS=str(limit))
    manage(
        "create_operator", "staffer", "--staff", env={**env, "OPERATOR_PASSWORD": STAFF_PASSWORD}
    )
    statuses: list[int] = []
    with Gunicorn(env, workdir, workers=1, threads=4) as server:
        session = requests.Session()
        page = session.get(f"{server.url}/admin/login/", timeout=10)
        token = _CSRF.search(page.text)
        if token is None:
            return Outcome(
                "Admin sign-in brute force", "-", "no CSRF token on /admin/login/", None, False
            )
        form = {"csrfmiddlewaretoken": token[1], "username": "staffer"}
        for number in range(attempts):
            password = STAFF_PASSWORD if number == attempts - 1 else f"guess-{number:04d}"
            response = session.post(
                f"{server.url}/admin/login/?next=/admin/",
                data={**form, "password": password},
                allow_redirects=False,
                timeout=10,
            )
            statuses.append(response.status_code)
    failures = db.query(
        "SELECT COUNT(*) FROM audit_auditevent WHERE action = 'auth.login'"
        " AND outcome = 'denied' AND target = ''",
    )[0][0]
    successes = db.query(
        "SELECT COUNT(*) FROM audit_auditevent WHERE action = 'auth.login' AND outcome = 'success'"
    )[0][0]
    _, counted, windows = _denied_accounting(db, "auth.login")
    # throttled rows are auth.login denied rows too (target "sign-in"); wrong passwords have none
    throttled_rows = db.query(
        "SELECT COUNT(*) FROM audit_auditevent WHERE action = 'auth.login'"
        " AND outcome = 'denied' AND target = 'sign-in'"
    )[0][0]
    seen = Counter(statuses)
    first_429 = statuses.index(429) + 1 if 429 in statuses else None
    accounted = failures + successes + counted
    problems = []
    if first_429 != limit + 1:
        problems.append(f"first 429 at attempt {first_429}, expected {limit + 1}")
    if statuses[-1] != 429 or successes:
        problems.append("the right password got in after the limit")
    if accounted != attempts:
        problems.append(f"{accounted} attempts accounted in the audit for {attempts} sent")
    if throttled_rows != windows:
        problems.append(f"{throttled_rows} throttled rows for {windows} windows")
    result = (
        f"statuses {dict(sorted(seen.items()))}, first 429 at attempt {first_429} "
        f"(limit {limit}); right password last: {statuses[-1]}; audit: {failures} "
        f"wrong-password rows + {throttled_rows} throttled row(s) counting {counted} = "
        f"{accounted}/{attempts} attempts accounted"
    )
    return Outcome(
        "Admin sign-in brute force",
        f"{attempts} sign-ins at /admin/login/ (wrong passwords, then the right one)",
        result,
        None,
        ok=not problems,
        details=problems,
    )


# --- denied-request flood ---------------------------------------------------------------------


def denied_flood(db: Database, models: Path, workdir: Path, *, total: int) -> Outcome:
    env = _env(db, models)
    paths = [
        "/admin/reload",
        "/api/v1/admin/reload",
        "/admin/activate/v1%20--%20approved%20by%20alice",
        "/models/activate/v1",
    ]
    with Gunicorn(env, workdir, workers=1, threads=4) as server:

        def send(number: int) -> int:
            headers = {"X-API-Key": "wrong-key"} if number % 5 == 0 else {}
            path = paths[number % len(paths)]
            return requests.post(f"{server.url}{path}", headers=headers, timeout=30).status_code

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = Counter(pool.map(send, range(total)))
        elapsed = time.monotonic() - started
    rows = db.query("SELECT COUNT(*) FROM audit_auditevent WHERE outcome = 'denied'")[0][0]
    counted, windows = db.query(
        "SELECT COALESCE(SUM(count), 0), COUNT(*) FROM audit_deniedattemptwindow"
    )[0]
    leaked = db.query(
        "SELECT COUNT(*) FROM audit_auditevent WHERE target LIKE %s OR target LIKE %s",
        ("%alice%", "%approved%"),
    )[0][0]
    targets = sorted(
        t
        for (t,) in db.query(
            "SELECT DISTINCT target FROM audit_auditevent WHERE outcome = 'denied'"
        )
    )
    problems = []
    if set(statuses) != {401}:
        problems.append(f"statuses {dict(statuses)}, expected only 401")
    if counted != total:
        problems.append(f"{counted} counted for {total} denied requests")
    if rows != windows:
        problems.append(f"{rows} audit rows for {windows} (client, actor, route, window) groups")
    if leaked:
        problems.append(f"{leaked} audit targets carry request text")
    result = (
        f"{total} x 401 in {elapsed:.1f} s; {rows} denied audit rows "
        f"(bound: one per client, actor, route and window = {windows}); {counted} attempts "
        f"counted; targets {targets}; rows quoting the request text: {leaked}"
    )
    return Outcome(
        "Denied-request flood",
        f"{total} anonymous/wrong-key control-plane requests at concurrency 16",
        result,
        None,
        ok=not problems,
        details=problems,
    )


# --- batch amplification ----------------------------------------------------------------------


@contextlib.contextmanager
def _upstream(unknown: frozenset[str]) -> Iterator[object]:
    from tests.fakes.upstream_server import UpstreamServer

    server = UpstreamServer(seed=7, unknown_symbols=unknown).start()
    try:
        yield server
    finally:
        server.stop()


def _batch_calls(url: str, upstream: object, symbols: list[str], repeats: int) -> list[int]:
    calls = []
    for _ in range(repeats):
        before = upstream.request_count("/historical")  # type: ignore[attr-defined]
        response = requests.post(f"{url}/predict/batch", json={"symbols": symbols}, timeout=120)
        response.raise_for_status()
        calls.append(upstream.request_count("/historical") - before)  # type: ignore[attr-defined]
    return calls


def batch_amplification(
    db: Database, models: Path, workdir: Path, *, symbols: int, repeats: int, budget: int = 2000
) -> Outcome:
    names = [f"ZQ{i:03d}" for i in range(symbols)]
    with _upstream(frozenset(names)) as upstream:
        http = {
            "MARKET_DATA_SOURCE": "http",
            "MARKET_DATA_BASE_URL": upstream.url,  # type: ignore[attr-defined]
            "MARKET_DATA_RETRY_ATTEMPTS": "1",
            "BATCH_RATE_LIMIT_SYMBOLS": "100000000",
        }
        measured: dict[str, list[int]] = {}
        for label, ttl in (("cached", "15"), ("baseline", "0")):
            env = _env(db, models, **http, MARKET_DATA_NEGATIVE_CACHE_SECONDS=ttl)
            with Gunicorn(env, workdir, workers=1, threads=4) as server:
                measured[label] = _batch_calls(server.url, upstream, names, repeats)
        env = _env(db, models, **{**http, "BATCH_RATE_LIMIT_SYMBOLS": str(budget)})
        with Gunicorn(env, workdir, workers=1, threads=4) as server:
            flood = [
                requests.post(
                    f"{server.url}/predict/batch", json={"symbols": names}, timeout=120
                ).status_code
                for _ in range(budget // symbols + 2)
            ]
    cached, baseline = measured["cached"], measured["baseline"]
    ratio = sum(cached) / max(1, sum(baseline))
    allowed = budget // symbols
    problems = []
    if cached[0] != symbols or any(cached[1:]):
        problems.append(f"upstream calls per repeat with the cache {cached}")
    if baseline != [symbols] * repeats:
        problems.append(f"baseline {baseline}: the fault is not reproduced")
    if flood != [200] * allowed + [429] * (len(flood) - allowed):
        problems.append(f"batch budget statuses {flood}")
    result = (
        f"upstream calls per repeat: {cached} with the negative cache vs {baseline} without "
        f"(ratio {ratio:.2f}); budget {budget} symbols: statuses {flood}"
    )
    return Outcome(
        "Batch amplification (http source)",
        f"{repeats} x the same batch of {symbols} unknown symbols over the http source",
        result,
        None,
        ok=not problems,
        details=problems,
    )


# --- nested JSON ------------------------------------------------------------------------------


def nested_bodies(size_limit: int) -> dict[str, bytes]:
    """Named bodies the parser cannot take: deep nesting and past the size bound."""
    bodies = {}
    for depth in (33, 1_000, 100_000):
        bodies[f"depth {depth}"] = ('{"symbols": ' + "[" * depth + "]" * depth + "}").encode()
    bodies["depth 200k, open only"] = b"[" * 200_000
    bodies["objects 10k deep"] = ('{"a":' * 10_000 + "1" + "}" * 10_000).encode()
    bodies["over the size bound"] = b"[" * (size_limit + 1)
    return bodies


def nested_json(db: Database, models: Path, workdir: Path) -> Outcome:
    env = _env(db, models)
    size_limit = 256 * 1024
    routes = [
        ("/predict/batch", {}),
        ("/auth/login", {}),
        ("/api/v1/admin/train", {"X-API-Key": ADMIN_KEY}),
    ]
    answers: Counter[str] = Counter()
    problems = []
    with Gunicorn(env, workdir, workers=1, threads=4) as server:
        for name, body in nested_bodies(size_limit).items():
            expected = 413 if "size" in name else 400
            for path, headers in routes:
                response = requests.post(
                    f"{server.url}{path}",
                    data=body,
                    headers={"Content-Type": "application/json", "Connection": "close", **headers},
                    timeout=30,
                )
                code = response.json().get("error") if response.content else None
                answers[f"{response.status_code} {code}"] += 1
                if response.status_code != expected:
                    problems.append(f"{name} on {path}: {response.status_code} {code}")
    total = sum(answers.values())
    return Outcome(
        "Nested JSON bodies",
        f"{total} bodies: nesting 33..200,000 deep, and one byte past {size_limit} bytes",
        f"answers {dict(sorted(answers.items()))}; 0 x 500"
        if not any(k.startswith("5") for k in answers)
        else f"answers {dict(answers)}",
        None,
        ok=not problems,
        details=problems,
    )
