"""`medvirke load_demo`: load (or top up) the demo world (medvirke/demo/); idempotent."""

from typing import Any

from django.core.management.base import BaseCommand

from medvirke import demo
from medvirke.demo.people import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load the demo organisations, people, councils and their history. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo.load()
        self.stdout.write(
            self.style.SUCCESS(f"\nDemo-innlogginger (passord for alle: {DEMO_PASSWORD})")
        )
        width = max((len(email) for email, _n, _r in logins), default=0)
        for email, name, roles in logins:
            self.stdout.write(f"  {email.ljust(width)}  {name} – {roles}")
