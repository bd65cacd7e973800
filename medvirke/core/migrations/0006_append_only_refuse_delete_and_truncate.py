"""The history and the access log refuse every way of removing or rewriting rows, at the
database: UPDATE, DELETE and TRUNCATE on PostgreSQL; UPDATE and DELETE on SQLite (which has no
TRUNCATE: `DELETE FROM t` is its truncate, and SQLite's truncate optimisation is off for a table
with a delete trigger). 0002 refused UPDATE on both and DELETE on PostgreSQL only, because the
test runner empties tables with DELETE (SQLite) or TRUNCATE (PostgreSQL) between transactional
tests; the test suite now lifts the triggers inside that flush's own transaction
(`medvirke.core.testing.allow_flush_of_append_only_tables`), so nothing in the schema lets the
application through. The triggers are the second line: in production the application's
database role has only SELECT and INSERT on these tables and does not own them, so it can
neither delete rows nor drop the triggers (docs/operations.md)."""

from django.db import migrations

TABLES = ["core_auditevent", "core_accesslogentry"]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
            )
        elif vendor == "postgresql":
            # The row trigger of 0002 (UPDATE OR DELETE) stays; the function now names what
            # was refused, and one statement-level trigger refuses TRUNCATE, which fires no
            # row triggers.
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION USING MESSAGE = '{table} is append-only: ' || TG_OP || "
                f"' refused'; END; "
                f"$$ LANGUAGE plpgsql;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only();"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete;")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql;"
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0005_form_submission")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
