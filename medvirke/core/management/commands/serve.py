"""`medvirke serve`: migrate, collect static files and run gunicorn (production)."""

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections


class Command(BaseCommand):
    help = "Run Medvirke with gunicorn. MEDVIRKE_BIND and MEDVIRKE_WORKERS set address and workers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("MEDVIRKE_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers",
            default=os.environ.get("MEDVIRKE_WORKERS", str(2 * (os.cpu_count() or 1) + 1)),
        )
        parser.add_argument("--skip-migrate", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["skip_migrate"]:
            call_command("migrate", interactive=False)
        call_command("collectstatic", interactive=False, verbosity=0)
        # Run gunicorn's own entry point in this interpreter: execv's second argument is the new
        # process's argv, so a bare "gunicorn" there made Python open a script of that name.
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "medvirke.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
        ]
        # The new process inherits open descriptors: close the migrate connections first.
        connections.close_all()
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)  # noqa: S606 (replaces this process with the server)
