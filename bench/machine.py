# ruff: noqa: S607 -- running fixed commands (no shell) is what this harness is for.
"""What the benchmark records about the machine and the data, and whether other work is using
the machine while it measures (read from /proc; the runner waits for quiet and marks disturbed
runs)."""

import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.log import log


def row_counts() -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from medvirke.organisations.models import Organisation, StaffRole

    counts = {
        f"organisations.{row['kind']}": row["n"]
        for row in Organisation.objects.values("kind").annotate(n=Count("id")).order_by("kind")
    }
    counts["organisations"] = Organisation.objects.count()
    counts["users"] = get_user_model().objects.count()
    counts["staff_roles"] = StaffRole.objects.count()
    from medvirke.bodies.models import Body, Call, Nomination, Seat, Term
    from medvirke.representatives.models import Affiliation, Representative

    counts["representatives"] = Representative.objects.count()
    counts["affiliations"] = Affiliation.objects.count()
    counts["bodies"] = Body.objects.count()
    counts["seats"] = Seat.objects.count()
    counts["terms"] = Term.objects.count()
    counts["terms (open)"] = Term.objects.filter(ended_on__isnull=True).count()
    counts["calls (open)"] = Call.objects.open().count()
    counts["nominations"] = Nomination.objects.count()
    from medvirke.meetings.models import Advice, AdviceResponse, Attendance, Case, Meeting, Paper

    counts["meetings"] = Meeting.objects.count()
    counts["cases"] = Case.objects.count()
    counts["papers"] = Paper.objects.count()
    counts["attendance"] = Attendance.objects.count()
    counts["advice"] = Advice.objects.count()
    counts["advice responses"] = AdviceResponse.objects.count()
    return counts


def machine() -> dict[str, Any]:
    from django.db import connection

    info: dict[str, Any] = {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:"))
    info["memory_gib"] = round(total_kb / 1024 / 1024, 1)
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    info["cpu_model"] = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?"
    )
    import django
    import gunicorn

    info["django"] = django.get_version()
    info["gunicorn"] = gunicorn.__version__
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
        info["postgresql"] = row[0] if row else "?"
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    info["wrk"] = (wrk.stdout or wrk.stderr).split("\n", 1)[0].split(" Copyright")[0].strip()
    return info


# --- CPU accounting: is anything else using the machine? --------------------------------------


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, in clock ticks, over all CPUs."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def snapshot() -> dict[int, tuple[int, str, int]]:
    """{pid: (parent pid, command name, CPU ticks used so far by it and its ended
    children)} of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                head, tail = (entry / "stat").read_text().rsplit(")", 1)
            except OSError:
                continue
            fields = tail.split()
            # After the command: state, ppid, ..., utime, stime, cutime, cstime (12th–15th).
            # cutime/cstime hold the time of children that ended and were waited for, so work
            # done by short-lived processes is not lost.
            found[int(entry.name)] = (
                int(fields[1]),
                head.split("(", 1)[1],
                sum(int(f) for f in fields[11:15]),
            )
    return found


def cpu_busy(seconds: float = 3.0) -> float:
    """Share of all CPUs busy during the next `seconds`."""
    busy1, total1 = machine_jiffies()
    time.sleep(seconds)
    busy2, total2 = machine_jiffies()
    return (busy2 - busy1) / max(1, total2 - total1)


class QuietWait:
    """Waiting for other work on the machine to stop, within one budget for the whole run."""

    def __init__(self, budget_s: int, threshold: float = 0.15) -> None:
        self.remaining = float(budget_s)
        self.threshold = threshold
        self.waited = 0.0

    def __call__(self) -> float:
        """Wait until the machine is nearly idle or the budget is spent; returns the last busy
        share of the CPUs."""
        started = time.monotonic()
        busy = cpu_busy()
        while busy > self.threshold and time.monotonic() - started < self.remaining:
            log(f"machine is {busy:.0%} busy with other work; waiting for it to calm down")
            time.sleep(10)
            busy = cpu_busy()
        spent = time.monotonic() - started
        self.remaining = max(0.0, self.remaining - spent)
        self.waited += spent
        if busy > self.threshold:
            log(f"WARNING: still {busy:.0%} busy and no waiting time left; figures are noisy")
        return busy


class CpuMeter:
    """During one wrk run: the share of the machine's CPU used by processes that are not the
    benchmark's (gunicorn and its workers, PostgreSQL, wrk, this script and the background
    writer, its child). High values mean the figures are disturbed."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid

    def others(self, procs: dict[int, tuple[int, str, int]]) -> dict[int, int]:
        ours = {self.server_pid, os.getpid()}
        return {
            pid: ticks
            for pid, (ppid, command, ticks) in procs.items()
            if pid not in ours and ppid not in ours and command not in ("postgres", "wrk")
        }

    def __enter__(self) -> "CpuMeter":
        self.start_others = self.others(snapshot())
        self.start_busy, self.start_total = machine_jiffies()
        return self

    def __exit__(self, *exc: object) -> None:
        busy, total = machine_jiffies()
        end_others = self.others(snapshot())
        other = sum(t - self.start_others.get(pid, 0) for pid, t in end_others.items())
        # A process that ended during the run: its whole lifetime moved to its parent's
        # children time (counted above), so take off what it had used before the run.
        other -= sum(t for pid, t in self.start_others.items() if pid not in end_others)
        elapsed = max(1, total - self.start_total)
        self.busy_share = (busy - self.start_busy) / elapsed
        self.other_share = max(0.0, other / elapsed)
