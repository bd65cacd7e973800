"""`medvirke worker` as the real process `medvirke serve` and `medvirke demo` start: it sends
the mail queued in its database, runs the daily jobs without cron, and stops by itself once the
process that started it is gone. It gets its own temporary SQLite database, whatever
DATABASE_URL the test run uses."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from medvirke.core.tests.test_attack_serve import medvirke_command

TIMEOUT = 60  # seconds: Django starts three times on a busy two-core CI machine


def run(command: list[str], env: dict[str, str], cwd: Path) -> None:
    result = subprocess.run(  # noqa: S603 (fixed command, no shell)
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited


def test_the_worker_process_sends_queued_mail_runs_the_jobs_and_stops_with_its_parent(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEDVIRKE_", "DATABASE_"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "MEDVIRKE_SECRET_KEY": "worker-test-" + "k7#Qz" * 10,
        "MEDVIRKE_MEDIA_ROOT": str(tmp_path / "media"),
        "MEDVIRKE_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "MEDVIRKE_EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    medvirke = medvirke_command()
    run([*medvirke, "migrate", "-v", "0"], env, tmp_path)
    # A notification made outside any request: its e-mail is queued after the commit.
    queue_a_mail = (
        "from medvirke.accounts.models import User; from medvirke.core.notify import notify; "
        "notify([User.objects.create_user('kari@example.no', full_name='Kari')], 'Nytt møte')"
    )
    run([*medvirke, "shell", "-c", queue_a_mail], env, tmp_path)
    assert not (tmp_path / "mail").exists()

    # A stand-in for gunicorn's master: it starts the worker as serve does, then waits.
    parent_code = (
        "import os, subprocess, sys, time; "
        f"w = subprocess.Popen({medvirke!r} + ['worker', '--parent-pid', str(os.getpid()), "
        "'--interval', '0.2'], stdout=sys.stderr); print(w.pid, flush=True); time.sleep(300)"
    )
    log = (tmp_path / "worker.log").open("w+")
    parent = subprocess.Popen(  # noqa: S603 (fixed command, no shell)
        [sys.executable, "-c", parent_code],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,
    )
    worker_pid = 0
    try:
        assert parent.stdout is not None
        worker_pid = int(parent.stdout.readline())
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and not list((tmp_path / "mail").glob("*")):
            time.sleep(0.2)
        mails = [p.read_text() for p in (tmp_path / "mail").glob("*")]
        assert len(mails) == 1 and "kari@example.no" in mails[0], _read(log)

        parent.kill()  # the master dies without a word; the worker must notice by itself
        parent.wait()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and alive(worker_pid):
            time.sleep(0.2)
        assert not alive(worker_pid), _read(log)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if worker_pid and alive(worker_pid):
            os.kill(worker_pid, signal.SIGKILL)
    output = _read(log)
    assert "the server that started this worker is gone" in output
    # The daily jobs ran at start (today's or, before their hour, yesterday's), without cron.
    for job in ("send_digests", "remind_expiring_terms", "cleanup_orphan_files"):
        assert f"periodic job {job} for" in output, output


def _read(log) -> str:
    log.flush()
    log.seek(0)
    return str(log.read())
