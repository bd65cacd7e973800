# ruff: noqa: S603 -- running fixed commands (no shell) is what this harness is for.
"""The processes the benchmark starts: gunicorn (the server), wrk (the load) and the
background writer. Each is stopped when the run ends, whatever the reason, and all of them
talk to 127.0.0.1 only."""

import atexit
import http.client
import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from bench.log import log
from bench.machine import CpuMeter

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "rotate.lua"
WORKERS = 2


# --- gunicorn and wrk -------------------------------------------------------------------------


def free_port(first: int) -> int:
    for port in range(first, first + 50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {first}–{first + 49}")


def http_get(port: int, path: str, cookie: str | None = None) -> tuple[int, str]:
    """(status, Location) without following redirects."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        conn.close()


class Gunicorn:
    """The one server process this script starts; stopped on exit, whatever the reason."""

    def __init__(self, port: int, log_path: Path) -> None:
        self.port = port
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_file: TextIO | None = None

    def start(self) -> None:
        self.log_file = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "medvirke.wsgi:application",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        atexit.register(self.stop)
        log(f"gunicorn started (pid {self.proc.pid}, port {self.port}, {WORKERS} workers)")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited early; see {self.log_path}")
            try:
                if http_get(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer /healthz within 30 s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            log(f"stopping gunicorn (pid {self.proc.pid})")
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None


SETTLE_REQUESTS = 10


def settle(port: int) -> None:
    """Before a run, and before counting a write run's records: let the server finish what the
    previous run left behind. wrk stops with up to -c requests still queued in gunicorn's
    backlog, and the workers answer them after wrk has gone; behind a slow page that is
    seconds of work, which the next run (often /healthz) would otherwise measure as its own
    tail. Sequential requests return only once the backlog ahead of them is served."""
    for _ in range(SETTLE_REQUESTS):
        http_get(port, "/healthz")


def run_wrk(
    server: "Gunicorn",
    rotation: Path,
    *,
    mode: str,
    expect: str,
    seconds: int,
    threads: int,
    connections: int,
) -> dict[str, Any]:
    """One wrk run over a rotation file (bench/rotate.lua); its BENCH_RESULT, with the share
    of the machine's CPU other work used meanwhile."""
    assert server.proc is not None
    settle(server.port)
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{server.port}/",
        "--",
        str(rotation),
        mode,
        str(threads),
        expect,
    ]
    with CpuMeter(server.proc.pid) as meter:
        done = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 60)
    result = parse_result(done.stdout, done.stderr)
    result["machine_busy"] = round(meter.busy_share, 3)
    result["other_cpu"] = round(meter.other_share, 3)
    return result


def parse_result(stdout: str, stderr: str = "") -> dict[str, Any]:
    """The figures bench/rotate.lua prints as one line "BENCH_RESULT {json}"."""
    for line in stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            result: dict[str, Any] = json.loads(line.removeprefix("BENCH_RESULT "))
            return result
    raise RuntimeError(f"no BENCH_RESULT from wrk:\n{stdout}\n{stderr}")


class Writer:
    """The background writer process (bench/writer.py); stopped on exit, whatever the reason."""

    def __init__(self, rate: float, max_seconds: int, seed: int, stats: Path, log_path: Path):
        self.rate, self.max_seconds, self.seed = rate, max_seconds, seed
        self.stats, self.log_path = stats, log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_file: TextIO | None = None

    def start(self) -> None:
        self.stats.unlink(missing_ok=True)
        self.log_file = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.writer",
                "--rate",
                str(self.rate),
                "--max-seconds",
                str(self.max_seconds),
                "--seed",
                str(self.seed),
                "--stats",
                str(self.stats),
            ],
            cwd=ROOT,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        atexit.register(self.stop)
        log(f"background writer started (pid {self.proc.pid}, {self.rate:g} changes a second)")

    def stop(self) -> dict[str, Any]:
        if self.proc is not None and self.proc.poll() is None:
            log(f"stopping the background writer (pid {self.proc.pid})")
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None
        if self.stats.exists():
            stats: dict[str, Any] = json.loads(self.stats.read_text())
            return stats
        return {"made": 0, "errors": 1, "first_errors": [f"no stats; see {self.log_path}"]}
