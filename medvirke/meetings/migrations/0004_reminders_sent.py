"""The record of reminders sent by the daily job (meetings/reminders.py): one row per kind,
record and step, so none is sent twice."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_ledger_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="Reminder",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("advice_overdue", "Advice past its date"),
                            ("papers_due", "Papers due"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField()),
                ("step", models.PositiveSmallIntegerField(default=1, verbose_name="step")),
                ("for_day", models.DateField(verbose_name="for the day")),
                ("recipients", models.PositiveIntegerField(default=0, verbose_name="people told")),
                ("sent_at", models.DateTimeField(auto_now_add=True, verbose_name="sent")),
            ],
            options={
                "verbose_name": "reminder sent",
                "verbose_name_plural": "reminders sent",
                "ordering": ["-sent_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id", "step"), name="reminder_once_per_step"
                    )
                ],
            },
        ),
    ]
