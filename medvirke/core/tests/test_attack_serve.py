"""`medvirke serve`, the documented production start, really starts: it migrates, collects static
files and hands over to gunicorn, which answers /healthz over plain HTTP. It once exec'd Python
with "gunicorn" as the script name and exited at once. The server gets its own temporary SQLite
database whatever DATABASE_URL the test run uses, so it never touches the test database."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT = 90  # migrate + collectstatic with compression on a busy two-core CI machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def medvirke_command() -> list[str]:
    # The console script next to this interpreter is what operators run; fall back to the module.
    script = shutil.which("medvirke", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "medvirke"]


def get_healthz(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local http)
            return int(response.status)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def test_attack_serve_production_start_answers_healthz(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEDVIRKE_", "DATABASE_"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env |= {
        "MEDVIRKE_BIND": f"127.0.0.1:{port}",
        "MEDVIRKE_WORKERS": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "MEDVIRKE_SECRET_KEY": "serve-test-" + "k7#Qz" * 10,
        "MEDVIRKE_DEBUG": "0",
        "MEDVIRKE_SSL_REDIRECT": "0",
        "MEDVIRKE_STATIC_ROOT": str(tmp_path / "static"),
        "MEDVIRKE_MEDIA_ROOT": str(tmp_path / "media"),
    }
    log = (tmp_path / "serve.log").open("w+")
    # Its own session, so the gunicorn master and its workers can be stopped as one group.
    process = subprocess.Popen(  # noqa: S603 (fixed command, no shell)
        [*medvirke_command(), "serve"],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    status = None
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            status = get_healthz(f"http://127.0.0.1:{port}/healthz")
            if status == 200:
                break
            time.sleep(0.5)
        exited = process.poll()
    finally:
        if process.poll() is None:
            process.terminate()  # gunicorn's master stops its workers on SIGTERM
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.seek(0)
        output = log.read()
        log.close()
    assert exited is None, f"medvirke serve exited with {exited}:\n{output}"
    assert status == 200, f"/healthz never answered 200 (last: {status}):\n{output}"
    assert "gunicorn" in output.lower()
