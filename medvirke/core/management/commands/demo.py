"""`medvirke demo`: migrate, load the demo data, print the demo logins and serve locally."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Set up the demo database and serve Medvirke on 127.0.0.1:8000."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Only migrate and load data.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo")
        if not options["no_serve"]:
            self.stdout.write(f"\nMedvirke: http://{options['addrport']}/  (Ctrl+C stops)\n")
            call_command("runserver", options["addrport"], use_reloader=False)
