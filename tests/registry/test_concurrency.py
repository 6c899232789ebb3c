"""PostgreSQL concurrency: atomic version allocation, one active version, no lost update."""

from __future__ import annotations

import itertools
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from mlplatform.actors import Actor
from mlplatform.market_data import market_data_source
from registry.models import Activation, ModelVersion, TrainingRun
from registry.services import (
    model_version_activate,
    model_version_register,
    training_run_request,
)
from registry.storage import artifact_store, sha256_hex
from registry.training import training_params_resolve, training_run_pipeline

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(n: int, fn: Callable[[int], Any]) -> list[Any]:
    """Run ``fn(i)`` in ``n`` threads released together; returns results (or exceptions)."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:  # collected and asserted on by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.fixture
def result(small_params):  # type: ignore[no-untyped-def]
    params = training_params_resolve(small_params)
    return training_run_pipeline(params=params, source=market_data_source())


def test_trainings_finishing_together_get_distinct_versions(result, caplog):
    actor = Actor("racer", "api_key")
    caplog.set_level(logging.INFO, logger="registry.services")
    outcomes = _race(6, lambda i: model_version_register(result=result, actor=actor).version)
    # the race really happened: losers hit the unique index and retried with the next number
    assert "version allocation lost a race (IntegrityError)" in caplog.text
    assert all(isinstance(v, str) for v in outcomes), outcomes
    assert sorted(outcomes, key=lambda v: int(v[1:])) == [f"v{i}" for i in range(1, 7)]
    assert ModelVersion.objects.count() == 6
    store = artifact_store()
    # each folder holds exactly what its own row recorded: nobody wrote into another's folder
    for row in ModelVersion.objects.all():
        manifest = json.loads(store.read_bytes(f"{row.version}/manifest.json"))
        assert manifest["version"] == row.version and manifest["number"] == row.number
        for name, digest in row.artifact_hashes.items():
            assert sha256_hex(store.read_bytes(f"{row.version}/{name}")) == digest


def test_eight_concurrent_activations_leave_exactly_one_active(result):
    actor = Actor("racer", "api_key")
    for _ in range(8):
        model_version_register(result=result, actor=actor)
    labels = [f"v{i}" for i in range(1, 9)]
    outcomes = _race(
        8, lambda i: model_version_activate(version=labels[i], actor=actor, reason=f"t{i}")
    )
    assert all(isinstance(o, ModelVersion) for o in outcomes), outcomes
    assert ModelVersion.objects.filter(is_active=True).count() == 1
    history = list(Activation.objects.order_by("id").select_related("from_version", "to_version"))
    assert len(history) == 8
    # no lost update: each activation's "from" is the previous one's "to"
    assert history[0].from_version is None
    for earlier, later in itertools.pairwise(history):
        assert later.from_version_id == earlier.to_version_id
    assert ModelVersion.objects.get(is_active=True).pk == history[-1].to_version_id
    assert sorted(a.to_version.version for a in history) == sorted(labels)


def test_concurrent_train_requests_open_exactly_one_run(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    actor = Actor("racer", "api_key")
    outcomes = _race(8, lambda i: training_run_request(actor=actor, params={}))
    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    started = [run for run, was_started in outcomes if was_started]
    assert len(started) == 1
    assert {str(run.run_id) for run, _ in outcomes} == {str(started[0].run_id)}
    assert TrainingRun.objects.count() == 1
