# ruff: noqa: S603, S607 -- running fixed commands (no shell) is what this harness is for.
"""The benchmark behind `bench/run` (see `bench/run --help`).

1. Installs Debian's wrk if it is missing (apt-get update only when the install fails).
2. Drops and creates the PostgreSQL database `medvirke_bench` (127.0.0.1:5432, user postgres),
   migrates it, generates the invented world (`python -m bench.generate --scale <scale> --seed
   <seed>`), runs VACUUM ANALYZE and collectstatic (into bench/results/staticfiles).
3. Lists the page kinds and their pairs (bench/pairs.py): for the organisation tree, an
   organisation's page, a body's page, a meeting's page, a body's and an owner organisation's
   influence ledger, the coordinator's overview, the representative search and each role's
   start page, at least 200 objects each paired with a person who may see it (at least 50
   people) where the data has them; and the write rounds' posts (bench/writes.py). Creates a
   session for every person (Django's force_login) and writes the rotation files wrk reads
   (bench/rotation.py, bench/rotate.lua).
4. Counts queries and time on a cold visit for a sample of each kind (bench/measure.py).
5. Starts gunicorn (2 workers, production settings) on 127.0.0.1 and the background writer
   (bench/writer.py: 2 recorded changes a second through the services), then runs wrk in
   alternating rounds: /healthz, each page kind, each write; after a write run it counts in the
   database the records its posts made.
6. Writes bench/results/<scale>-latest.json and .md; at national scale also docs/benchmarks.md.
   With the other scale's JSON there too, the report compares p50 at national and small
   scale: run `bench/run --scale small` first, then `bench/run`, on the same machine.

Safety: it only talks to 127.0.0.1; every loop and run is bounded (wrk -d, timeouts, the
writer's --max-seconds); the gunicorn and the writer it started are stopped at exit (also on
Ctrl-C or SIGTERM), and nothing else is.
"""

import argparse
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench import report
from bench.log import log
from bench.machine import QuietWait, machine, row_counts
from bench.report import OTHER_CPU_WARNING, Kind, Write
from bench.rotation import Request, get, new_csrf_token, post, sent_lines, write_requests
from bench.server import Gunicorn, Writer, free_port, http_get, run_wrk, settle

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
DB_NAME = "medvirke_bench"
PG_URL = "postgres://postgres@127.0.0.1:5432"
# The report's JSON layout; a comparison with a run of another layout is not made.
FORMAT = 2
WRITER_RATE = 2.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--scale", choices=["small", "national"], default="national")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, choices=range(1, 11), metavar="1-10")
    parser.add_argument(
        "--seconds",
        "--duration",
        dest="duration",
        type=int,
        default=8,
        choices=range(1, 121),
        metavar="1-120",
        help="seconds per run (each page kind, each write, /healthz) per round",
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (-c)")
    parser.add_argument("--port", type=int, default=8765, help="first port to try")
    parser.add_argument(
        "--pairs",
        type=int,
        default=400,
        help="objects per page kind at most (the target wants at least 200)",
    )
    parser.add_argument(
        "--writer-rate",
        type=float,
        default=WRITER_RATE,
        help="recorded changes a second the background writer makes (0: no writer)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=int,
        default=600,
        metavar="SECONDS",
        help="in all, wait at most this long for other work on the machine to stop (before "
        "starting and before measuring a disturbed page kind again; 0: never wait)",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        help="measure a page kind again (after waiting for quiet) when other work used more "
        "than 10%% of the CPU during its run",
    )
    parser.add_argument(
        "--from-json",
        metavar="PATH",
        help="measure nothing: summarise an earlier run's JSON again and rewrite the reports",
    )
    parser.add_argument(
        "--docs",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="rewrite docs/benchmarks.md (default: only at national scale)",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.writer_rate <= 50:
        parser.error("--writer-rate must be between 0 and 50")
    if not 1 <= args.threads <= args.connections <= 64:
        parser.error("wanted 1 ≤ --threads ≤ --connections ≤ 64")
    return args


# --- Preparation ------------------------------------------------------------------------------


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        raise SystemExit("wrk is missing: install it with `sudo apt-get install wrk`.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "wrk"]
    log("installing wrk with apt-get")
    if subprocess.run(install, env=env, check=False).returncode != 0:
        log("apt-get install failed; running apt-get update and trying again")
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True)
        subprocess.run(install, env=env, check=True)


def bench_env() -> dict[str, str]:
    """Production-like settings for gunicorn and for this process's own Django."""
    return {
        "DJANGO_SETTINGS_MODULE": "medvirke.settings",
        "MEDVIRKE_DEBUG": "0",
        "MEDVIRKE_SECRET_KEY": secrets.token_urlsafe(50),
        "MEDVIRKE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
        "MEDVIRKE_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDVIRKE_REQUIRE_MFA_FOR_STAFF": "0",
        "MEDVIRKE_STATIC_ROOT": str(RESULTS / "staticfiles"),
        # The writer's papers (bench/results is ignored by git; emptied at the start).
        "MEDVIRKE_MEDIA_ROOT": str(RESULTS / "media"),
        "MEDVIRKE_LOG_LEVEL": "WARNING",
    }


def recreate_database() -> None:
    import psycopg
    from psycopg import sql

    try:
        conn = psycopg.connect(f"{PG_URL}/postgres", autocommit=True)
    except psycopg.OperationalError as error:
        raise SystemExit(f"PostgreSQL is not reachable at {PG_URL}: {error}") from error
    with conn:
        name = sql.Identifier(DB_NAME)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def vacuum_analyze() -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "medvirke", *args], cwd=ROOT, check=True)


def prepare(args: argparse.Namespace) -> None:
    log(f"recreating database {DB_NAME}")
    recreate_database()
    log("migrating")
    manage("migrate", "--noinput", "-v0")
    log(f"generating {args.scale} data (seed {args.seed})")
    subprocess.run(
        [sys.executable, "-m", "bench.generate", "--scale", args.scale, "--seed", str(args.seed)],
        cwd=ROOT,
        check=True,
    )
    log("VACUUM ANALYZE (planner statistics as in a database that has been running a while)")
    vacuum_analyze()
    log("collecting static files")
    manage("collectstatic", "--noinput", "-v0")


# --- Pairs, sessions and rotation files -------------------------------------------------------


def django_setup() -> None:
    import django

    django.setup()


def posts_per_round(total: int, rounds: int, seconds: int) -> int:
    """How many of a write's posts each round gets: an equal share, at most 100 a second of
    the run (well above what a write reaches on two cores), so sessions stay few."""
    return max(0, min(total // max(1, rounds), 100 * seconds))


def write_rotation(path: Path, pairs: list[tuple[str, int]], cookies: dict[int, str]) -> Path:
    write_requests(path, [get(p, cookies[u]) for p, u in pairs])
    return path


def write_post_rotation(path: Path, posts: list[Any], cookies: dict[int, str]) -> Path:
    requests: list[Request] = [
        post(p.path, cookies[p.user_id], new_csrf_token(), p.fields) for p in posts
    ]
    write_requests(path, requests)
    return path


# --- Main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    write_docs = args.docs if args.docs is not None else args.scale == "national"
    if args.from_json:
        earlier: dict[str, Any] = json.loads(Path(args.from_json).read_text())
        if args.docs is None:
            write_docs = earlier["config"]["scale"] == "national"
        return 0 if write_reports(earlier, write_docs) else 1
    # SIGTERM/SIGHUP exit through Python so atexit stops gunicorn and the writer.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
    started = time.monotonic()
    RESULTS.mkdir(parents=True, exist_ok=True)
    rotations = RESULTS / "rotation"
    shutil.rmtree(rotations, ignore_errors=True)
    shutil.rmtree(RESULTS / "media", ignore_errors=True)
    rotations.mkdir()
    ensure_wrk()
    os.environ.update(bench_env())
    prepare(args)

    django_setup()
    from django.db import connections

    from bench import measure, pairs, writes

    log("choosing the page kinds' objects and people (bench/pairs.py)")
    kinds = pairs.page_kinds(args.seed, args.pairs)
    for page_kind in kinds:
        k = page_kind.kind
        log(f"  {k.label:<40} {k.objects:>5} objects {k.people:>5} people {k.pairs:>5} pairs")
    log("choosing the write rounds' posts (bench/writes.py)")
    write_kinds = writes.write_kinds(args.seed)
    chunks: dict[str, list[list[Any]]] = {}
    for w in write_kinds:
        per = posts_per_round(len(w.posts), args.rounds, args.duration)
        chunks[w.write.key] = [w.posts[n * per : (n + 1) * per] for n in range(args.rounds)]
        log(f"  {w.write.label:<40} {len(w.posts):>5} posts possible, {per} a round")
    people = pairs.people_of(kinds) | {
        p.user_id for chunk in chunks.values() for posts in chunk for p in posts
    }
    log(f"creating sessions for {len(people)} people")
    cookies = measure.session_cookies(people)
    files = {
        "healthz": write_requests_file(rotations / "healthz.txt", [get("/healthz", "")]),
        **{
            k.kind.key: write_rotation(
                rotations / f"{k.kind.key}.txt", [(p.path, p.user_id) for p in k.pairs], cookies
            )
            for k in kinds
        },
    }
    post_files = {
        key: [
            write_post_rotation(rotations / f"{key}-{n + 1}.txt", posts, cookies)
            for n, posts in enumerate(chunk)
        ]
        for key, chunk in chunks.items()
    }
    log("counting queries on cold visits (test Client, same database, caches emptied)")
    queries = measure.cold_queries(kinds)
    counts = row_counts()
    info = machine()
    connections.close_all()

    baseline = Kind("healthz", "/healthz (baseline)", "/healthz", 1, 0, 1, target=False)
    all_kinds = [baseline, *[k.kind for k in kinds]]
    wait_quiet = QuietWait(args.wait_quiet)
    busy_before = wait_quiet()
    server = Gunicorn(free_port(args.port), RESULTS / f"gunicorn-{args.scale}.log")
    runs = len(all_kinds) + len(write_kinds)
    writer = Writer(
        args.writer_rate or 1.0,
        args.rounds * runs * (args.duration + 10) + args.wait_quiet + 300,
        args.seed,
        RESULTS / f"writer-{args.scale}.json",
        RESULTS / f"writer-{args.scale}.log",
    )
    writer_stats: dict[str, Any] = {}
    server.start()
    try:
        for page_kind in kinds:  # fail fast if a session or a pair does not work
            if page_kind.pairs:
                first = page_kind.pairs[0]
                status, location = http_get(server.port, first.path, cookies[first.user_id])
                if status != 200:
                    raise SystemExit(
                        f"{first.path} answered {status} {location} to user {first.user_id} "
                        f"before the benchmark; see {server.log_path}"
                    )
        if args.writer_rate:
            writer.start()
        rounds: list[dict[str, dict[str, Any]]] = []
        for n in range(args.rounds):
            this_round: dict[str, dict[str, Any]] = {}
            for kind in all_kinds:
                for attempt in range(args.retries + 1):
                    result = this_round[kind.key] = run_wrk(
                        server,
                        files[kind.key],
                        mode="cycle",
                        expect="2xx",
                        seconds=args.duration,
                        threads=args.threads,
                        connections=args.connections,
                    )
                    result["attempts"] = attempt + 1
                    if (
                        result["other_cpu"] <= OTHER_CPU_WARNING
                        or attempt == args.retries
                        or not wait_quiet.remaining
                    ):
                        break
                    log(
                        f"round {n + 1}/{args.rounds} {kind.label:<40} disturbed (other work "
                        f"used {result['other_cpu']:.0%} CPU); waiting, then measuring again"
                    )
                    wait_quiet()
                log(
                    f"round {n + 1}/{args.rounds} {kind.label:<40} p50 {result['p50_ms']:7.1f} "
                    f"p95 {result['p95_ms']:7.1f} ms {result['rps']:7.1f} req/s "
                    f"non-2xx {result['non2xx']}  other CPU {result['other_cpu']:.0%}"
                )
            for w in write_kinds:
                key, posts = w.write.key, chunks[w.write.key][n]
                if not posts:
                    log(f"round {n + 1}/{args.rounds} {w.write.label:<40} no posts left")
                    continue
                since = writes.highest_pk(key)
                connections.close_all()
                result = this_round[key] = run_wrk(
                    server,
                    post_files[key][n],
                    mode="once",
                    expect="3xx",
                    seconds=args.duration,
                    threads=args.threads,
                    connections=args.connections,
                )
                sent = sent_lines(len(posts), args.threads, result["sent_per_thread"])
                counter = partial(writes.created, key, [posts[i] for i in sent], since)
                result["created"] = count_records(server.port, counter, len(sent))
                connections.close_all()
                log(
                    f"round {n + 1}/{args.rounds} {w.write.label:<40} "
                    f"{result['busy_rps']:7.1f} req/s p95 {result['p95_ms']:7.1f} ms, "
                    f"{result['sent']} posts, {result['created']} records, "
                    f"{result['non2xx']} bad answers"
                    + (" (ran out of objects)" if result["exhausted_threads"] else "")
                )
            rounds.append(this_round)
        if args.writer_rate:
            writer_stats = writer.stop()
    finally:
        writer.stop()
        server.stop()

    data: dict[str, Any] = {
        "format": FORMAT,
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "config": {
            "scale": args.scale,
            "seed": args.seed,
            "rounds": args.rounds,
            "duration": args.duration,
            "threads": args.threads,
            "connections": args.connections,
            "workers": report.WORKERS,
            "pairs_limit": args.pairs,
            "writer_rate": args.writer_rate,
            "target_ratio": report.TARGET_RATIO,
        },
        "machine": {
            **info,
            "busy_before": round(busy_before, 3),
            "waited_for_quiet_s": round(wait_quiet.waited),
        },
        "row_counts": counts,
        "kinds": [k.__dict__ for k in all_kinds],
        "writes": [w.write.__dict__ for w in write_kinds],
        "pairs_sample": {k.kind.key: [p.__dict__ for p in k.pairs[:20]] for k in kinds},
        "queries": queries,
        "writer": writer_stats,
        "rounds": rounds,
    }
    ok = write_reports(data, write_docs)
    log(f"done in {time.monotonic() - started:.0f} s")
    return 0 if ok else 1


def count_records(port: int, count: Callable[[], int], expected: int, limit_s: float = 20.0) -> int:
    """The records a write run's posts made, counted once the server is done with them. wrk
    stops with posts still in the workers (settle() returns as soon as one worker is free), so
    count again until all are there, or the count has not moved for three seconds, or
    `limit_s` is up (a post missing then failed)."""
    settle(port)
    deadline = time.monotonic() + limit_s
    found, unchanged = count(), 0
    while found < expected and unchanged < 6 and time.monotonic() < deadline:
        time.sleep(0.5)
        now = count()
        unchanged = unchanged + 1 if now == found else 0
        found = now
    return int(found)


def write_requests_file(path: Path, requests: list[Request]) -> Path:
    write_requests(path, requests)
    return path


def write_reports(data: dict[str, Any], write_docs: bool, results: Path = RESULTS) -> bool:
    """Summarise, write the JSON and the Markdown report; False when any answer failed."""
    kinds = [Kind(**k) for k in data["kinds"]]
    writes = [Write(**w) for w in data.get("writes", [])]
    summary = data["summary"] = report.summarise(kinds, data["rounds"])
    write_summary = data["write_summary"] = report.summarise_writes(writes, data["rounds"])
    data["scaling"] = report.scaling_for(data, kinds, results)
    data["problems"] = report.verdicts(
        kinds, summary, writes, write_summary, data["scaling"], data["config"]["scale"]
    )
    scale = data["config"]["scale"]
    json_path = results / f"{scale}-latest.json"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    text = report.markdown(data)
    (results / f"{scale}-latest.md").write_text(text)
    if write_docs:
        DOCS.parent.mkdir(exist_ok=True)
        DOCS.write_text(text)
    log(f"wrote {json_path}" + (f" and {DOCS.relative_to(ROOT)}" if write_docs else ""))
    for kind in kinds:
        x = summary[kind.key]
        q = data["queries"].get(kind.key, {})
        log(
            f"  {kind.label:<40} p95 {x['p95_ms']:7.1f} ms  {x['ratio_p95']:5.1f}× /healthz  "
            f"{q.get('median', '–'):>5} queries  non-2xx {x['non2xx']}"
        )
    for write in writes:
        w = write_summary.get(write.key)
        if w:
            log(
                f"  {write.label:<40} {w['rps']:7.1f} req/s  {w['ratio_rps']:5.2f}× /healthz  "
                f"{w['sent']} posts {w['created']} records"
            )
    for problem in data["problems"]:
        log(f"PROBLEM: {problem}")
    failed = any(summary[k.key]["non2xx"] for k in kinds) or any(
        w["failed"] or w["bad_answers"] for w in write_summary.values()
    )
    return not failed


if __name__ == "__main__":
    sys.exit(main())
