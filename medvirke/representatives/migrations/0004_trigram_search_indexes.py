"""Trigram indexes for the representative search on PostgreSQL.

The search (RepresentativeQuerySet.search) is `icontains` on the person's name and e-mail,
which Django writes as `UPPER(col::text) LIKE UPPER('%text%')`: a leading wildcard no B-tree
can use, so every search read all users. A GIN trigram index on exactly that expression lets
PostgreSQL answer it from the index (a BitmapOr over both). SQLite has no such index and runs
the same migrations, so the SQL runs only on PostgreSQL; pg_trgm is a trusted extension
(PostgreSQL 13+), so the database owner may create it.
"""

from django.db import migrations

INDEXES = [
    ("accounts_user_full_name_upper_trgm", "full_name"),
    ("accounts_user_email_upper_trgm", "email"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "accounts_user" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_remove_user_layout_version"),
        ("representatives", "0003_join_requests_and_ended_affiliations"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
