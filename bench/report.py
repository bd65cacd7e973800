"""The benchmark's arithmetic and its Markdown report: pure Python on the runner's JSON (no
Django, no server), so it is tested on invented figures (bench/test_report.py) and
`bench/run --from-json` can summarise an earlier run again."""

import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Targets (issue 12): every page kind's p95 at most this many times /healthz's p95 ...
TARGET_RATIO = 10.0
# ... the goal after that (where a cache hit stood under the old one-URL benchmark) ...
GOAL_RATIO = 6.0
# ... p50 at national scale at most this many times p50 at small scale ...
SCALE_TARGET_RATIO = 1.5
# ... and each write at least this share of /healthz's requests per second, with no errors.
WRITE_TARGET_RATIO = 0.15
# A page kind rotates through at least this many objects seen by at least this many people
# (at national scale; a small world may not have that many).
MIN_OBJECTS = 200
MIN_PEOPLE = 50
# A run during which other work used more of the machine's CPU than this is disturbed.
OTHER_CPU_WARNING = 0.10
WORKERS = 2


@dataclass
class Kind:
    """A page kind: many objects, each paired with a person who may see it."""

    key: str
    label: str
    example: str
    objects: int = 0
    people: int = 0
    pairs: int = 0
    note: str = ""
    # /healthz is the baseline: measured without a cookie, no target.
    target: bool = True


@dataclass
class Write:
    """A write round: form POSTs that each create one record."""

    key: str
    label: str
    example: str
    pairs: int = 0
    people: int = 0
    note: str = ""


@dataclass
class Summary:
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rps: float
    non2xx: int
    ratio_p95: float
    socket_errors: int = 0
    rounds_used: list[int] = field(default_factory=list)
    rounds_ratio: list[float] = field(default_factory=list)
    max_other_cpu: float = 0.0


@dataclass
class WriteSummary:
    rps: float
    ratio_rps: float
    p50_ms: float
    p95_ms: float
    sent: int
    created: int
    failed: int
    bad_answers: int
    socket_errors: int = 0
    exhausted: bool = False
    rounds_used: list[int] = field(default_factory=list)
    max_other_cpu: float = 0.0


def is_clean(run: dict[str, Any]) -> bool:
    return bool(run.get("other_cpu", 0.0) <= OTHER_CPU_WARNING)


def socket_errors(run: dict[str, Any]) -> int:
    return int(sum(run.get("socket_errors", {}).values()))


def _used(rounds: list[dict[str, dict[str, Any]]], key: str) -> list[int]:
    """Rounds (from 0) in which neither this run nor that round's /healthz run was disturbed by
    other work; all rounds when there is none."""
    return [n for n, r in enumerate(rounds) if is_clean(r[key]) and is_clean(r["healthz"])] or list(
        range(len(rounds))
    )


def summarise(kinds: list[Kind], rounds: list[dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Per page kind: medians across the undisturbed rounds; the ratio is taken per round
    against that round's /healthz p95. Failures count in every round."""
    summary: dict[str, Any] = {}
    for kind in kinds:
        used = _used(rounds, kind.key)
        runs = [rounds[n][kind.key] for n in used]
        ratios = [rounds[n][kind.key]["p95_ms"] / rounds[n]["healthz"]["p95_ms"] for n in used]
        summary[kind.key] = Summary(
            p50_ms=statistics.median(x["p50_ms"] for x in runs),
            p95_ms=statistics.median(x["p95_ms"] for x in runs),
            p99_ms=statistics.median(x["p99_ms"] for x in runs),
            rps=statistics.median(x["rps"] for x in runs),
            non2xx=sum(r[kind.key]["non2xx"] for r in rounds),
            socket_errors=sum(socket_errors(r[kind.key]) for r in rounds),
            ratio_p95=statistics.median(ratios),
            rounds_used=[n + 1 for n in used],
            rounds_ratio=[round(x, 2) for x in ratios],
            max_other_cpu=max(
                max(x.get("other_cpu", 0.0), rounds[n]["healthz"].get("other_cpu", 0.0))
                for n, x in zip(used, runs, strict=True)
            ),
        ).__dict__
    return summary


def summarise_writes(
    writes: list[Write], rounds: list[dict[str, dict[str, Any]]]
) -> dict[str, Any]:
    """Per write: requests per second over the time the run was busy (a run may run out of
    objects before its end), its ratio to that round's /healthz requests per second, and the
    requests that left no record (`sent - created`) over all rounds."""
    summary: dict[str, Any] = {}
    for write in writes:
        present = [r for r in rounds if write.key in r]
        if not present:
            continue
        used = _used(present, write.key)
        runs = [present[n][write.key] for n in used]
        ratios = [present[n][write.key]["busy_rps"] / present[n]["healthz"]["rps"] for n in used]
        every = [r[write.key] for r in present]
        summary[write.key] = WriteSummary(
            rps=statistics.median(x["busy_rps"] for x in runs),
            ratio_rps=statistics.median(ratios),
            p50_ms=statistics.median(x["p50_ms"] for x in runs),
            p95_ms=statistics.median(x["p95_ms"] for x in runs),
            sent=sum(x["sent"] for x in every),
            created=sum(x["created"] for x in every),
            failed=sum(x["sent"] - x["created"] for x in every),
            bad_answers=sum(x["non2xx"] for x in every),
            socket_errors=sum(socket_errors(x) for x in every),
            exhausted=any(x.get("exhausted_threads", 0) for x in every),
            rounds_used=[n + 1 for n in used],
            max_other_cpu=max(
                max(x.get("other_cpu", 0.0), present[n]["healthz"].get("other_cpu", 0.0))
                for n, x in zip(used, runs, strict=True)
            ),
        ).__dict__
    return summary


def compare_scales(
    national: dict[str, Any], small: dict[str, Any], kinds: list[Kind]
) -> dict[str, Any]:
    """p50 at national scale ÷ p50 at small scale for the page kinds (by key) in both runs."""
    rows = []
    for kind in kinds:
        big, little = national["summary"].get(kind.key), small["summary"].get(kind.key)
        if big is None or little is None:
            continue
        rows.append(
            {
                "key": kind.key,
                "label": kind.label,
                "small_p50_ms": little["p50_ms"],
                "national_p50_ms": big["p50_ms"],
                "ratio": big["p50_ms"] / max(little["p50_ms"], 1e-9),
                "target": kind.target,
            }
        )

    def machine(run: dict[str, Any]) -> tuple[Any, ...]:
        m = run.get("machine", {})
        return m.get("cpu_model"), m.get("nproc"), m.get("memory_gib")

    return {
        "national_date": national.get("date", "?"),
        "small_date": small.get("date", "?"),
        "same_machine": machine(national) == machine(small),
        "kinds": rows,
    }


def scaling_for(data: dict[str, Any], kinds: list[Kind], results: Path) -> dict[str, Any] | None:
    """The national ÷ small comparison when the other scale's latest JSON is in `results`."""
    scale = data["config"]["scale"]
    other_scale = {"national": "small", "small": "national"}.get(scale)
    other_path = results / f"{other_scale}-latest.json"
    if other_scale is None or not other_path.exists():
        return None
    other = json.loads(other_path.read_text())
    if "summary" not in other or other.get("format") != data.get("format"):
        return None  # an earlier benchmark's figures do not compare
    national, small = (data, other) if scale == "national" else (other, data)
    return compare_scales(national, small, kinds)


def verdicts(
    kinds: list[Kind],
    summary: dict[str, Any],
    writes: list[Write] | None = None,
    write_summary: dict[str, Any] | None = None,
    scaling: dict[str, Any] | None = None,
    scale: str = "national",
) -> list[str]:
    """Every way the run misses its targets, in words (empty: all met)."""
    problems = []
    writes, write_summary = writes or [], write_summary or {}
    disturbed = max(
        [summary[k.key]["max_other_cpu"] for k in kinds]
        + [write_summary[w.key]["max_other_cpu"] for w in writes if w.key in write_summary]
    )
    if disturbed > OTHER_CPU_WARNING:
        problems.append(
            f"Some runs had no undisturbed round: other work used up to {disturbed:.0%} of the "
            "machine's CPU during a run counted; those figures are unreliable."
        )
    for kind in kinds:
        s = summary[kind.key]
        if s["non2xx"]:
            problems.append(f"{kind.label}: {s['non2xx']} answers that were not 2xx")
        if s.get("socket_errors"):
            problems.append(f"{kind.label}: {s['socket_errors']} socket errors or timeouts")
        if not kind.target:
            continue
        if s["ratio_p95"] > TARGET_RATIO:
            problems.append(
                f"{kind.label}: p95 is {s['ratio_p95']:.1f}× /healthz (target ≤ {TARGET_RATIO:g}×)"
            )
        if scale == "national" and (kind.objects < MIN_OBJECTS or kind.people < MIN_PEOPLE):
            problems.append(
                f"{kind.label}: rotated through {kind.objects} objects and {kind.people} people "
                f"(at least {MIN_OBJECTS} and {MIN_PEOPLE} wanted)"
            )
    for write in writes:
        w = write_summary.get(write.key)
        if w is None:
            problems.append(f"{write.label}: not measured")
            continue
        if w["failed"]:
            problems.append(
                f"{write.label}: {w['failed']} of {w['sent']} posts left no record (refused or "
                "failed)"
            )
        if w["bad_answers"]:
            problems.append(f"{write.label}: {w['bad_answers']} answers that were not a redirect")
        if w.get("socket_errors"):
            problems.append(f"{write.label}: {w['socket_errors']} socket errors or timeouts")
        if w["ratio_rps"] < WRITE_TARGET_RATIO:
            problems.append(
                f"{write.label}: {w['ratio_rps']:.2f}× /healthz requests per second (target ≥ "
                f"{WRITE_TARGET_RATIO:g}×)"
            )
    if scaling is not None:
        if not scaling["same_machine"]:
            problems.append(
                "The national and small runs compared were measured on different machines; "
                "national ÷ small is unreliable."
            )
        for row in scaling["kinds"]:
            if row["target"] and row["ratio"] > SCALE_TARGET_RATIO:
                problems.append(
                    f"{row['label']}: p50 at national scale is {row['ratio']:.2f}× p50 at small "
                    f"scale (target ≤ {SCALE_TARGET_RATIO:g}×)"
                )
    return problems


def _verdict(kind: Kind, s: dict[str, Any]) -> str:
    if not kind.target:
        return "baseline"
    if s["non2xx"] or s.get("socket_errors") or s["ratio_p95"] > TARGET_RATIO:
        return "**missed**"
    return "met" if s["ratio_p95"] > GOAL_RATIO else "met (≤ goal)"


def _queries(q: dict[str, Any] | None) -> str:
    if not q:
        return "–"
    if q["min"] == q["max"]:
        return str(q["max"])
    return f"{q['median']:g} ({q['min']}–{q['max']})"


def markdown(data: dict[str, Any]) -> str:
    """The report (docs/benchmarks.md at national scale, bench/results/<scale>-latest.md)."""
    m, a = data["machine"], data["config"]
    kinds = [Kind(**k) for k in data["kinds"]]
    writes = [Write(**w) for w in data.get("writes", [])]
    s, ws, q = data["summary"], data.get("write_summary", {}), data["queries"]
    writer = data.get("writer", {})
    out = [
        "# Benchmarks",
        "",
        "Written by `bench/run` (bench/runner.py); do not edit by hand, run it again. Raw "
        f"figures, every SQL statement of the sampled requests included, are in "
        f"`bench/results/{a['scale']}-latest.json` on the machine that ran it.",
        "",
        "**What is measured.** For each key page kind, wrk rotates through at least "
        f"{MIN_OBJECTS} different objects, each paired with a person who may see it (at least "
        f"{MIN_PEOPLE} different people), with sessions of their own, while a background writer "
        f"makes about {a.get('writer_rate', 2):g} recorded changes a second through the services "
        "(absence notices, papers, answers to advice, profile edits), so nothing a cache keeps "
        "for a page survives for long. The write rounds post forms that each create a record.",
        "",
        f"**Targets:** every page kind's p95 ≤ {TARGET_RATIO:g}× the p95 of `/healthz` "
        f"(goal: {GOAL_RATIO:g}×), no answer but 2xx; p50 at national scale ≤ "
        f"{SCALE_TARGET_RATIO:g}× p50 at small scale; each write ≥ {WRITE_TARGET_RATIO:g}× "
        "`/healthz`'s requests per second, every post leaving its record.",
        "",
        "## Run",
        "",
        f"- Date: {data['date']}",
        f"- Scale: {a['scale']} (`python -m bench.generate --scale {a['scale']} --seed "
        f"{a['seed']}`; generated rows have no history, by design)",
        f"- Machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB memory, "
        f"Linux {m['kernel']}",
        f"- Software: Python {m['python']}, Django {m['django']}, PostgreSQL {m['postgresql']}, "
        f"gunicorn {m['gunicorn']} ({a.get('workers', WORKERS)} sync workers), {m['wrk']}",
        f"- Load: `wrk -t{a['threads']} -c{a['connections']}`, {a['duration']} s per run, "
        f"{a['rounds']} alternating round(s) (/healthz, then each page kind, then each write, "
        "in every round); wrk, gunicorn, PostgreSQL and the writer share the machine",
        f"- Background writer: {writer.get('made', 0)} recorded changes in "
        f"{writer.get('seconds', 0):.0f} s ({writer.get('rate', 0):.2f} a second; "
        + ", ".join(f"{n} {kind}" for kind, n in sorted(writer.get("by_kind", {}).items()))
        + f"), {writer.get('refused', 0)} refused and tried elsewhere, "
        f"{writer.get('errors', 0)} errors",
        f"- Other work on the machine: {m.get('busy_before', 0):.0%} of the CPUs busy before "
        f"the run; waited {m.get('waited_for_quiet_s', 0)} s in all for quiet",
        f"- Verdict: {'every target met' if not data['problems'] else 'see Problems below'}",
        "",
        "| Rows | Count |",
        "|---|---:|",
        *[f"| {key} | {n:,} |" for key, n in data["row_counts"].items()],
        "",
        "## Page kinds",
        "",
        "Medians across the rounds in which other work on the machine disturbed neither the "
        "run nor that round's /healthz run (all rounds if none was undisturbed). The ratio is "
        "each such round's p95 ÷ that round's /healthz p95, median across them. Non-2xx counts "
        "every round (a redirect counts: to the login page it means the session failed). "
        "Queries: per request on a cold visit (caches emptied, the person's first visit), "
        "median (range) over the sampled pairs.",
        "",
        "| Page kind | Example | Objects | People | p50 ms | p95 ms | p99 ms | req/s | non-2xx "
        "| p95 ÷ /healthz | Queries | Target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for kind in kinds:
        x = s[kind.key]
        out.append(
            f"| {kind.label} | `{kind.example}` | {kind.objects} | {kind.people} | "
            f"{x['p50_ms']:.1f} | {x['p95_ms']:.1f} | {x['p99_ms']:.1f} | {x['rps']:.0f} | "
            f"{x['non2xx'] + x.get('socket_errors', 0)} | {x['ratio_p95']:.1f}× | "
            f"{_queries(q.get(kind.key))} | {_verdict(kind, x)} |"
        )
    out += ["", *[f"- {kind.label}: {kind.note}" for kind in kinds if kind.note], ""]
    out += _writes_table(writes, ws)
    out += scaling_table(data.get("scaling"))
    out += _work_table(kinds, q)
    out += _rounds_table(kinds, writes, data["rounds"], s, a["rounds"])
    out += _method(a)
    if data["problems"]:
        out += ["", "## Problems", "", *[f"- {p}" for p in data["problems"]]]
    return "\n".join(out) + "\n"


def _writes_table(writes: list[Write], ws: dict[str, Any]) -> list[str]:
    out = [
        "## Writes",
        "",
        "Form posts as a browser sends them (session cookie, CSRF token, a fresh one-time form "
        "token), each to a different object, each valid and creating one record; every post "
        "is checked afterwards in the database. Requests per second are counted over the time "
        "the run was busy (a run may use up its objects before the end) and compared with that "
        "round's /healthz requests per second.",
        "",
        "| Write | Example | Objects | People | req/s | ÷ /healthz req/s | p50 ms | p95 ms "
        "| Posts | Records | Failed | Target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for write in writes:
        w = ws.get(write.key)
        if w is None:
            out.append(
                f"| {write.label} | `{write.example}` | {write.pairs} | {write.people} | "
                "– | – | – | – | – | – | – | not measured |"
            )
            continue
        ok = (
            not w["failed"]
            and not w["bad_answers"]
            and not w.get("socket_errors")
            and w["ratio_rps"] >= WRITE_TARGET_RATIO
        )
        out.append(
            f"| {write.label} | `{write.example}` | {write.pairs} | {write.people} | "
            f"{w['rps']:.1f} | {w['ratio_rps']:.2f}× | {w['p50_ms']:.1f} | {w['p95_ms']:.1f} | "
            f"{w['sent']} | {w['created']} | {w['failed'] + w['bad_answers']} | "
            f"{'met' if ok else '**missed**'} |"
        )
    out += ["", *[f"- {w.label}: {w.note}" for w in writes if w.note]]
    if any(w.get("exhausted") for w in ws.values()):
        out.append(
            "- A run that used up its objects stopped early; its rate is over the time it ran."
        )
    return [*out, ""]


def scaling_table(scaling: dict[str, Any] | None) -> list[str]:
    """The report's "National ÷ small" section (Markdown lines, ending with a blank line)."""
    out = ["## National ÷ small", ""]
    if scaling is None:
        return [
            *out,
            "No run at the other scale to compare with: run `bench/run --scale small` and "
            "`bench/run` on the same machine, and each report shows p50 at national scale ÷ p50 "
            f"at small scale (target ≤ {SCALE_TARGET_RATIO:g}× for every page kind).",
            "",
        ]
    out += [
        f"p50 of each page kind measured at both scales: national run of "
        f"{scaling['national_date']}, small run of {scaling['small_date']} "
        f"(`bench/results/<scale>-latest.json`). Target ≤ {SCALE_TARGET_RATIO:g}×.",
        "",
    ]
    if not scaling["same_machine"]:
        out += ["**The two runs were on different machines: the ratios are unreliable.**", ""]
    out += [
        "| Page kind | small p50 ms | national p50 ms | national ÷ small | Target |",
        "|---|---:|---:|---:|---|",
    ]
    for row in scaling["kinds"]:
        if not row["target"]:
            verdict = "–"
        elif row["ratio"] <= SCALE_TARGET_RATIO:
            verdict = "met"
        else:
            verdict = "**missed**"
        out.append(
            f"| {row['label']} | {row['small_p50_ms']:.1f} | {row['national_p50_ms']:.1f} | "
            f"{row['ratio']:.2f}× | {verdict} |"
        )
    return [*out, ""]


def _work_table(kinds: list[Kind], q: dict[str, Any]) -> list[str]:
    out = [
        "## Where the time goes (cold, in-process)",
        "",
        "Django's test Client in the benchmark process before the load starts, same database, "
        "DEBUG off, caches emptied before each request, each sampled pair visited once as its "
        "person; medians over the sample. In-process ms is the whole request through Django "
        "without HTTP or gunicorn; SQL ms the time in the database driver; template ms the "
        "time in `render()` (it includes the SQL of querysets the template evaluates); Python "
        "CPU ms this process's CPU time (not PostgreSQL's). Instances: model objects built.",
        "",
        "| Page kind | Sampled | Queries | SQL ms | Template ms | In-process ms | Python CPU ms "
        "| Instances | HTML KB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in kinds:
        x = q.get(kind.key)
        if not x:
            continue
        out.append(
            f"| {kind.label} | {x['samples']} | {_queries(x)} | {x['sql_ms']:.1f} | "
            f"{x['template_ms']:.1f} | {x['wall_ms']:.1f} | {x['cpu_ms']:.1f} | "
            f"{x['instances']} | {x['html_kb']:.1f} |"
        )
    return [*out, ""]


def _rounds_table(
    kinds: list[Kind],
    writes: list[Write],
    rounds: list[dict[str, dict[str, Any]]],
    s: dict[str, Any],
    n_rounds: int,
) -> list[str]:
    out = [
        "## Per round",
        "",
        "p95 in ms for pages, requests per second for writes; in brackets the share of the "
        "machine's CPU that other work (not gunicorn, PostgreSQL, wrk or the writer) used "
        f"during that run. More than {OTHER_CPU_WARNING:.0%} means the run was disturbed; "
        "struck through when the summary leaves it out.",
        "",
        "| Run | " + " | ".join(f"Round {i + 1}" for i in range(n_rounds)) + " |",
        "|---|" + "---:|" * n_rounds,
    ]
    for kind in kinds:
        used = s[kind.key]["rounds_used"]
        cells = []
        for n, r in enumerate(rounds):
            x = r[kind.key]
            value = f"{x['p95_ms']:.1f}"
            cells.append(
                f"{value if n + 1 in used else f'~~{value}~~'} ({x.get('other_cpu', 0):.0%})"
            )
        out.append(f"| {kind.label} | " + " | ".join(cells) + " |")
    for write in writes:
        cells = [
            f"{r[write.key]['busy_rps']:.1f} ({r[write.key].get('other_cpu', 0):.0%})"
            if write.key in r
            else "–"
            for r in rounds
        ]
        out.append(f"| {write.label} | " + " | ".join(cells) + " |")
    return [*out, ""]


def _method(a: dict[str, Any]) -> list[str]:
    return [
        "## Method",
        "",
        "- `bench/run` drops and creates the PostgreSQL database `medvirke_bench`, migrates, "
        "generates the data (`bench/generate/`), runs VACUUM ANALYZE and collectstatic, and "
        "starts gunicorn on 127.0.0.1 with production settings (`MEDVIRKE_DEBUG=0`, a random "
        "secret key, no HTTPS redirect, the MFA requirement off so sessions work without a "
        "TOTP step).",
        "- Pairs: for each page kind the runner lists objects (organisations, bodies, "
        "meetings, bodies and owners with their years, coordinators' scopes, search words, "
        "people of each role) and pairs each with a person who may see it, spreading the "
        "pairs over as many people as it can. Sessions are created directly (Django's "
        "`force_login`), one per person. `bench/rotate.lua` gives each wrk thread its share "
        "of the pairs and sends them in turn, again and again.",
        "- `/healthz` is requested without a cookie: the bare floor (middleware, no database, "
        "no template), so every ratio includes loading the session and the person.",
        "- The background writer (`bench/writer.py`, its own process) makes a recorded change "
        f"every {1 / a.get('writer_rate', 2):g} s for the whole of the measuring, through the "
        "services, each writing history in its transaction; a change a service refuses is "
        "tried on another object. Its objects are not the write rounds' objects.",
        "- Writes: each post's object (a member and an upcoming meeting; a piece of advice "
        "and a person who answers it; an open call, a coordinator and one of their approved "
        "representatives not yet nominated) is used once; afterwards the runner counts in "
        "the database the records the sent posts made. A post that left none failed.",
        "- Before every run the harness sends ten sequential `/healthz` requests, which "
        "return only once the backlog of the previous run is served.",
        "- Other work on the same machine distorts the figures: the harness counts the CPU "
        "other processes use during each run, waits for quiet before starting and before "
        "measuring a disturbed run again (`--retries`, `--wait-quiet`), and leaves rounds "
        "that stay disturbed out of the medians.",
        "- Quick run: `bench/run --scale small` (writes `bench/results/small-latest.*`, leaves "
        "this file alone); `bench/run --scale small --seconds 3 --rounds 1` to check it works. "
        "`bench/run --from-json FILE` summarises an earlier run again without measuring.",
    ]
