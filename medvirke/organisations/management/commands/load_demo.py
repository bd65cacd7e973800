"""`medvirke load_demo`: load (or top up) the demo organisations and personas; idempotent."""

from typing import Any

from django.core.management.base import BaseCommand

from medvirke.organisations.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo organisations and staff personas. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        self.stdout.write(
            self.style.SUCCESS(f"\nDemo-innlogginger (passord for alle: {DEMO_PASSWORD})")
        )
        width = max(len(email) for email, _n, _r in logins)
        for email, name, roles in logins:
            self.stdout.write(f"  {email.ljust(width)}  {name} – {roles}")
