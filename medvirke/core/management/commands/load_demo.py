"""`medvirke load_demo`: load (or top up) the demo data of every app; idempotent.

Each app may have a `demo` module with `load() -> list[tuple[str, str, str]]` returning the
demo logins it created (e-mail, name, what they can do). Apps load in INSTALLED_APPS order, so
organisations exist before the councils that belong to them. The modules are found by name, so
core does not import the apps above it.
"""

import importlib
import importlib.util
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from medvirke.core.demodata import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load the demo organisations, people, councils and their history. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        logins: list[tuple[str, str, str]] = []
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if (
                    not config.name.startswith("medvirke.")
                    or importlib.util.find_spec(module_name) is None
                ):
                    continue
                logins += importlib.import_module(module_name).load()
        self.stdout.write(
            self.style.SUCCESS(f"\nDemo-innlogginger (passord for alle: {DEMO_PASSWORD})")
        )
        width = max((len(email) for email, _n, _r in logins), default=0)
        for email, name, roles in logins:
            self.stdout.write(f"  {email.ljust(width)}  {name} – {roles}")
