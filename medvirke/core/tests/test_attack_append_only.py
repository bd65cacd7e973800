"""The database itself refuses to rewrite or remove the history and the access log: raw UPDATE,
DELETE and (PostgreSQL) TRUNCATE each fail and leave every row. On SQLite DELETE once
succeeded, and on PostgreSQL TRUNCATE did. The test runner's own flush is still let through
(core.testing.allow_flush_of_append_only_tables), and leaves the triggers in place."""

from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from medvirke.core.history import log_access, record
from medvirke.core.models import AccessLogEntry, AuditEvent

TABLES: dict[str, Any] = {"core_auditevent": AuditEvent, "core_accesslogentry": AccessLogEntry}


def write_rows(world) -> None:
    record(actor=world.administrator, action=AuditEvent.Action.UPDATED, obj=world.hf)
    log_access(actor=world.secretary, obj=world.hf, purpose="test", path="/x/")


def refused(sql: str) -> bool:
    """True when the append-only trigger (not some other rule) refused the statement."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The test's transaction holds deferred foreign-key checks of the rows just
                # written, and PostgreSQL refuses TRUNCATE with those pending before any trigger
                # runs: check them now, so the trigger is what answers.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql)
    except DatabaseError as error:
        assert "append-only" in str(error), error
        return True
    return False


@pytest.mark.django_db
@pytest.mark.parametrize("table", TABLES)
def test_attack_append_only_raw_update_is_refused(world, table) -> None:
    write_rows(world)
    column = "note" if table == "core_auditevent" else "purpose"
    assert refused(f"UPDATE {table} SET {column} = 'rewritten'")  # noqa: S608
    assert not TABLES[table].objects.filter(**{column: "rewritten"}).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("table", TABLES)
def test_attack_append_only_raw_delete_is_refused(world, table) -> None:
    write_rows(world)
    before = TABLES[table].objects.count()
    assert before >= 1
    assert refused(f"DELETE FROM {table} WHERE id = (SELECT MIN(id) FROM {table})")  # noqa: S608
    assert refused(f"DELETE FROM {table}")  # noqa: S608 (SQLite's truncate)
    assert TABLES[table].objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("model", TABLES.values())
def test_attack_append_only_bulk_queryset_delete_is_refused(world, model) -> None:
    write_rows(world)
    before = model.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.all().delete()
    assert model.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("table", TABLES)
def test_attack_append_only_truncate_is_refused(world, table) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE FROM is refused above")
    write_rows(world)
    before = TABLES[table].objects.count()
    assert refused(f"TRUNCATE {table}")
    assert refused(f"TRUNCATE {table} RESTART IDENTITY CASCADE")
    assert TABLES[table].objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_the_test_runners_flush_empties_them_and_keeps_the_triggers(world) -> None:
    write_rows(world)
    call_command("flush", verbosity=0, interactive=False)
    assert not AuditEvent.objects.exists() and not AccessLogEntry.objects.exists()
    # The triggers are back after the flush: a fresh row still cannot be removed.
    from medvirke.core.testing import build_world

    write_rows(build_world())
    for table in TABLES:
        assert refused(f"DELETE FROM {table}")  # noqa: S608
    assert AuditEvent.objects.exists() and AccessLogEntry.objects.exists()
