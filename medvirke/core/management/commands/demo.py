"""`medvirke demo`: migrate, load the demo data, print the demo logins and serve locally, with
`medvirke worker` beside the server (stopped with it)."""

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
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
            # The worker sends the mail (printed to this console) and runs the daily jobs.
            worker = None
            if not settings.TASKS_IMMEDIATE:
                worker = subprocess.Popen(  # noqa: S603 (fixed command, no shell)
                    [sys.executable, "-m", "medvirke", "worker", "--parent-pid", str(os.getpid())]
                )
            try:
                call_command("runserver", options["addrport"], use_reloader=False)
            finally:
                if worker is not None:
                    worker.terminate()
                    try:
                        worker.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        worker.kill()
