"""Remind of advice past its date and of papers due (run daily by `medvirke worker`'s
scheduler, core/scheduler.py, for the day it is due; `--on` by hand)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from medvirke.meetings.reminders import (
    ADVICE_STEPS,
    PAPERS_LEAD_WORKING_DAYS,
    remind_advice_and_papers,
)


class Command(BaseCommand):
    help = (
        "Notify those who must answer advice, and the body's secretariat, when the advice has "
        f"no answer {ADVICE_STEPS[0]} and again {ADVICE_STEPS[-1]} days after its date; and the "
        f"secretariat and case owners {PAPERS_LEAD_WORKING_DAYS} working days before a "
        "meeting's paper deadline when cases on its agenda lack papers. Run once a day; a "
        "missed day is caught up, and nothing is sent twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--on", type=date.fromisoformat, default=None, help="Count from this date (YYYY-MM-DD)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(remind_advice_and_papers(options["on"])))
