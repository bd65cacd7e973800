"""One access-log entry per showing of a list, holding the ids of every row it displayed
(`shown_ids`), instead of one entry per row. The column is nullable so SQLite adds it with
ALTER TABLE instead of rebuilding the table, which would drop the append-only trigger of 0002.
On PostgreSQL a GIN index lets "who has read my data" find the showings that include a person;
it is not in the model's Meta because SQLite has no GIN."""

from django.db import migrations, models

import medvirke.core.models

INDEX = "access_shown_ids_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON core_accesslogentry USING gin (shown_ids jsonb_path_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_notification")]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="shown_ids",
            field=medvirke.core.models.ShownIdsField(
                blank=True, null=True, verbose_name="rows shown"
            ),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="object_id",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
