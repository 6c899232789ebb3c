"""Every environment variable docs/cloud-run.md sets is one the application reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNBOOK = ROOT / "docs" / "cloud-run.md"
SETTINGS = ROOT / "mlplatform" / "settings.py"
#: Variables read outside settings.py, with the file that reads them.
READ_ELSEWHERE = {"OPERATOR_PASSWORD": "mlplatform/management/commands/create_operator.py"}

_FLAG = re.compile(r"--(?:set|update)-(?:env-vars|secrets)=(\S+)")
_LIST_VARIABLE = re.compile(r"^(ENV_VARS|SECRETS)=(\S+)$", re.MULTILINE)


def _code(markdown: str) -> str:
    return "\n".join(re.findall(r"```bash\n(.*?)```", markdown, flags=re.DOTALL))


def variables_set(markdown: str) -> set[str]:
    """Names in ``--set-env-vars``/``--update-env-vars``/``--set-secrets``/``--update-secrets``
    values (and the shell lists they include), from the runbook's bash blocks."""
    code = _code(markdown)
    lists = [value for _, value in _LIST_VARIABLE.findall(code)] + _FLAG.findall(code)
    names = set()
    for value in lists:
        for pair in value.strip("'\"").split(","):
            name = pair.split("=", 1)[0]
            if name.startswith("$"):  # $ENV_VARS / $SECRETS: counted from their assignment
                continue
            names.add(name)
    return names


def settings_names() -> set[str]:
    text = SETTINGS.read_text()
    return set(re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]*)"', text)) | set(
        re.findall(r'os\.environ\.get\("([A-Z][A-Z0-9_]*)"', text)
    )


def unknown_variables(markdown: str) -> set[str]:
    known = settings_names()
    unknown = set()
    for name in variables_set(markdown):
        if name in known:
            continue
        elsewhere = READ_ELSEWHERE.get(name)
        if elsewhere and name in (ROOT / elsewhere).read_text():
            continue
        unknown.add(name)
    return unknown


def test_every_variable_the_runbook_sets_exists_in_settings() -> None:
    markdown = RUNBOOK.read_text()
    names = variables_set(markdown)
    expected = {"ENV", "SECRET_KEY", "ADMIN_API_KEY", "DATABASE_URL", "MODEL_REGISTRY_DIR"}
    assert expected | {"REDIS_URL", "CORS_ALLOW_ORIGINS", "METRICS_TOKEN"} <= names
    assert {"WEB_CONCURRENCY", "GUNICORN_THREADS", "ALLOWED_HOSTS"} <= names
    assert unknown_variables(markdown) == set()


def test_the_check_catches_a_variable_nothing_reads() -> None:
    doc = "```bash\ngcloud run deploy x --set-env-vars=ENV=production,MADE_UP_SETTING=1\n```\n"
    assert unknown_variables(doc) == {"MADE_UP_SETTING"}
    doc = "```bash\nSECRETS=SECRET_KEY=a:latest,NOPE_KEY=b:latest\n```\n"
    assert unknown_variables(doc) == {"NOPE_KEY"}


def test_api_concurrency_matches_gunicorn_workers_times_threads() -> None:
    code = _code(RUNBOOK.read_text())
    deploy = code[code.index("gcloud run deploy mlp-api") :].split("\n\n")[0]
    workers = int(re.search(r"WEB_CONCURRENCY=(\d+)", deploy).group(1))
    threads = int(re.search(r"GUNICORN_THREADS=(\d+)", deploy).group(1))
    assert int(re.search(r"--concurrency=(\d+)", deploy).group(1)) == workers * threads
    for flag in ("--region=", "--allow-unauthenticated", "--add-cloudsql-instances=", "--cpu="):
        assert flag in deploy
    assert "--memory=" in deploy and "--min-instances=" in deploy and "--max-instances=" in deploy
