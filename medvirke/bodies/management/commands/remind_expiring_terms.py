"""Remind secretariats and organisations of terms ending in 90 and 30 days (run daily by
`medvirke worker`'s scheduler, core/scheduler.py, for the day it is due; `--on` by hand)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from medvirke.bodies.services import REMINDER_DAYS, remind_expiring_terms


class Command(BaseCommand):
    help = (
        "Notify the secretariat and the nominating organisation of every current term that ends "
        f"within {' and again within '.join(str(d) for d in REMINDER_DAYS)} days. Run once a "
        "day; a missed day is caught up, and nothing is sent twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--on", type=date.fromisoformat, default=None, help="Count from this date (YYYY-MM-DD)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = remind_expiring_terms(options["on"])
        self.stdout.write(f"{count} term(s) reminded")
