"""API fuzzing with Schemathesis against the platform's own OpenAPI schema (``/api/schema/``).

The ``st run`` command of Schemathesis drives a live gunicorn through every documented
operation (examples, boundary "coverage" cases, then random positive and negative cases),
once per caller: the admin API key, a signed-in operator token, and no credential (where
Schemathesis also invents wrong credentials). The checks: no 5xx, every status documented,
every body and content type matching the schema for its status. Generation is deterministic,
so a failure reproduces with the same budget.
"""

from __future__ import annotations

import os
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import requests

from reliability.harness import ADMIN_KEY, PYTHON, Outcome, manage

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)
OPERATOR = ("reliability-operator", "reliability-operator-password-1")


@dataclass
class FuzzPass:
    caller: str
    returncode: int
    cases: int
    failures: list[str] = field(default_factory=list)
    output_tail: str = ""


def _operator_token(base_url: str, env: dict[str, str]) -> str:
    username, password = OPERATOR
    manage("create_operator", username, env={**env, "OPERATOR_PASSWORD": password})
    response = requests.post(
        base_url + "/auth/login", json={"username": username, "password": password}, timeout=10
    )
    response.raise_for_status()
    return str(response.json()["token"])


def _failures_from_junit(path: Path) -> tuple[int, list[str]]:
    if not path.exists():
        return 0, []
    root = ET.parse(path).getroot()
    cases = 0
    failures: list[str] = []
    for case in root.iter("testcase"):
        cases += 1
        for problem in [*case.findall("failure"), *case.findall("error")]:
            message = (problem.get("message") or problem.text or "").strip().splitlines()
            failures.append(f"{case.get('name')}: {message[0] if message else '?'}")
    return cases, failures


def run_pass(
    base_url: str,
    *,
    caller: str,
    headers: dict[str, str],
    max_examples: int,
    workdir: Path,
    phases: str = "examples,coverage,fuzzing,stateful",
) -> FuzzPass:
    """One ``st run`` over every operation as ``caller``."""
    junit = workdir / f"schemathesis-{caller}.xml"
    command = [
        PYTHON,
        "-m",
        "schemathesis.cli",
        "run",
        f"{base_url}/api/schema/",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(max_examples),
        "--generation-deterministic",
        "--phases",
        phases,
        "--workers",
        "2",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(junit),
        "--suppress-health-check",
        "all",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    if headers:
        command += ["--generation-with-security-parameters", "false"]
    result = subprocess.run(
        command,
        cwd=workdir,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    output = result.stdout + result.stderr
    counted = re.search(r"(\d+) generated", output)
    cases = int(counted.group(1)) if counted else 0
    _, failures = _failures_from_junit(junit)
    if result.returncode != 0 and not failures:
        failures = [f"schemathesis exited {result.returncode}"]
    return FuzzPass(caller, result.returncode, cases, failures, output[-6000:])


def fuzz_callers(base_url: str, env: dict[str, str]) -> dict[str, dict[str, str]]:
    """The three callers every operation is fuzzed as."""
    token = _operator_token(base_url, env)
    return {
        "api_key": {"X-API-Key": ADMIN_KEY},
        "operator": {"Authorization": f"Token {token}"},
        "anonymous": {},
    }


def run_fuzz(
    base_url: str, env: dict[str, str], *, max_examples: int, workdir: Path
) -> tuple[Outcome, list[FuzzPass]]:
    """Fuzz every operation as each caller; the outcome passes when no check failed."""
    passes = [
        run_pass(
            base_url, caller=caller, headers=headers, max_examples=max_examples, workdir=workdir
        )
        for caller, headers in fuzz_callers(base_url, env).items()
    ]
    operations = _operation_count(base_url)
    cases = sum(p.cases for p in passes)
    failures = [f"{p.caller}: {f}" for p in passes for f in p.failures]
    ok = not failures and all(p.returncode == 0 for p in passes) and cases > 0
    result = (
        f"{cases} cases, 0 failures (no 5xx, all statuses and bodies as documented)"
        if ok
        else f"{len(failures)} failing checks of {cases} cases"
    )
    outcome = Outcome(
        scenario="API fuzzing (Schemathesis)",
        load=f"{operations} operations x 3 callers (key, operator, none), "
        f"max {max_examples} examples each",
        result=result,
        data_lost=None,
        ok=ok,
        details=failures[:30] + ([] if ok else [p.output_tail for p in passes if p.failures]),
    )
    return outcome, passes


def _operation_count(base_url: str) -> int:
    schema = requests.get(base_url + "/api/schema/?format=json", timeout=30).json()
    return sum(
        1
        for ops in schema.get("paths", {}).values()
        for method in ops
        if method in {"get", "post", "put", "patch", "delete"}
    )
