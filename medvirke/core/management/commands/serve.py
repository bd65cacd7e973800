"""`medvirke serve`: migrate, collect static files, start the worker and run gunicorn
(production)."""

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections


def start_worker() -> subprocess.Popen[bytes]:
    """Start `medvirke worker` as a child of this process, which becomes gunicorn's master (execv
    keeps the process id): gunicorn reaps it if it ends, and it stops itself once the master is
    gone (--parent-pid), so stopping the server stops the worker too. It shares the server's
    environment and output. For a worker restarted on its own, run it as its own service.
    (It exits with 0 or 1, never gunicorn's worker codes 3 and 4, on which the master would
    stop the server.)"""
    return subprocess.Popen(  # noqa: S603 (fixed command, no shell)
        [sys.executable, "-m", "medvirke", "worker", "--parent-pid", str(os.getpid())]
    )


class Command(BaseCommand):
    help = "Run Medvirke with gunicorn. MEDVIRKE_BIND and MEDVIRKE_WORKERS set address and workers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("MEDVIRKE_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers",
            default=os.environ.get("MEDVIRKE_WORKERS", str(2 * (os.cpu_count() or 1) + 1)),
        )
        parser.add_argument("--skip-migrate", action="store_true")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            default=os.environ.get("MEDVIRKE_WORKER", "1") == "0",
            help="Do not start `medvirke worker` (mail, daily jobs): it runs as its own service. "
            "MEDVIRKE_WORKER=0 does the same.",
        )

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
        if not options["no_worker"] and not settings.TASKS_IMMEDIATE:
            start_worker()
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)  # noqa: S606 (replaces this process with the server)
