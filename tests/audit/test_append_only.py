"""Audit events are append-only at every layer: model, queryset and the database itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AppendOnlyError, AuditEvent
from audit.services import audit_event_record
from mlplatform.actors import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    return audit_event_record(actor=Actor.system(), action="model.activate", target="v1")


def _raw(sql: str, params: list) -> None:
    table = AuditEvent._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.format(table=connection.ops.quote_name(table)), params)


def test_instance_and_queryset_refuse_changes(event: AuditEvent) -> None:
    event.outcome = "failed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(outcome="failed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.outcome == "success"


def test_database_refuses_raw_update(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE {table} SET outcome = %s WHERE id = %s", ["failed", event.pk])
    event.refresh_from_db()
    assert event.outcome == "success"


@pytest.mark.postgres
def test_postgres_refuses_raw_delete(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM {table} WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_new_rows_can_still_be_added(event: AuditEvent) -> None:
    audit_event_record(actor=Actor.system(), action="model.activate", target="v2")
    assert AuditEvent.objects.count() == 2
