"""Indexes for the influence ledger's figures: a year's cases of some bodies, their advice
and each advice's first answer read from the indexes alone (PostgreSQL)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_calendarfeed"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="advice",
            index=models.Index(
                fields=["case", "id", "status", "due_on", "created_at"],
                name="advice_case_ledger_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="adviceresponse",
            index=models.Index(fields=["advice", "responded_at"], name="response_advice_at_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["body", "year", "kind", "phase"], name="case_body_year_ledger_idx"
            ),
        ),
    ]
