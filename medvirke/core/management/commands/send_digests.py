"""Send the daily notification digest. `medvirke worker`'s scheduler runs it every morning
(core/scheduler.py); run it by hand to send the digests at once."""

from typing import Any

from django.core.management.base import BaseCommand

from medvirke.core.notify import send_digests


class Command(BaseCommand):
    help = (
        "E-mail each person who chose a daily summary one digest of the notifications not yet "
        "e-mailed to them, and mark those as e-mailed. Safe to run again: nothing is sent twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_digests()
        self.stdout.write(f"{sent} digest(s) sent")
