"""The benchmark's arithmetic, verdicts and report, on invented figures (no server, no
database)."""

import json
from pathlib import Path
from typing import Any

from bench.report import (
    MIN_OBJECTS,
    SCALE_TARGET_RATIO,
    TARGET_RATIO,
    WRITE_TARGET_RATIO,
    Kind,
    Write,
    compare_scales,
    markdown,
    scaling_for,
    scaling_table,
    summarise,
    summarise_writes,
    verdicts,
)

KINDS = [
    Kind("healthz", "/healthz (baseline)", "/healthz", 1, 0, 1, target=False),
    Kind("tree", "Tree", "/organisasjoner/", objects=300, people=80, pairs=300),
    Kind("body", "Body page", "/utvalg/1/", objects=250, people=60, pairs=250, note="bodies"),
]
WRITES = [Write("absence", "Absence notice", "/moter/mine/1/forfall/", pairs=900, people=300)]


def run(p95: float, non2xx: int = 0, other: float = 0.0, rps: float = 100.0) -> dict[str, Any]:
    return {
        "p50_ms": p95 / 2,
        "p95_ms": p95,
        "p99_ms": p95 * 1.5,
        "rps": rps,
        "non2xx": non2xx,
        "other_cpu": other,
        "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0},
    }


def write_run(busy_rps: float, sent: int, created: int, other: float = 0.0) -> dict[str, Any]:
    return {
        **run(50, other=other, rps=busy_rps / 2),
        "busy_rps": busy_rps,
        "sent": sent,
        "created": created,
        "exhausted_threads": 0,
    }


ROUNDS = [
    {
        "healthz": run(10, rps=1000),
        "tree": run(50),
        "body": run(80),
        "absence": write_run(200, 90, 90),
    },
    {
        "healthz": run(20, rps=800),
        "tree": run(60),
        "body": run(120, non2xx=2),
        "absence": write_run(160, 80, 79),
    },
    {
        "healthz": run(10, rps=1000),
        "tree": run(70),
        "body": run(70, non2xx=1, other=0.3),
        "absence": write_run(300, 95, 95, other=0.5),
    },
]


def test_the_ratio_is_the_median_of_each_rounds_ratio_to_its_own_healthz() -> None:
    summary = summarise(KINDS, ROUNDS)

    assert summary["tree"]["rounds_ratio"] == [5.0, 3.0, 7.0]
    assert summary["tree"]["ratio_p95"] == 5.0
    assert summary["tree"]["p95_ms"] == 60
    assert summary["healthz"]["ratio_p95"] == 1.0


def test_disturbed_runs_are_left_out_but_their_failures_count() -> None:
    summary = summarise(KINDS, ROUNDS)

    assert summary["body"]["rounds_used"] == [1, 2]
    assert summary["body"]["ratio_p95"] == 7.0  # median of 8.0 and 6.0
    assert summary["body"]["non2xx"] == 3
    assert summary["tree"]["rounds_used"] == [1, 2, 3]


def test_a_disturbed_baseline_leaves_out_the_whole_round() -> None:
    rounds = [dict(r) for r in ROUNDS]
    rounds[0]["healthz"] = run(10, other=0.5)

    assert summarise(KINDS, rounds)["tree"]["rounds_used"] == [2, 3]


def test_a_write_is_its_busy_rate_over_healthz_and_every_post_must_leave_its_record() -> None:
    w = summarise_writes(WRITES, ROUNDS)["absence"]

    assert w["rounds_used"] == [1, 2]  # round 3 was disturbed
    assert w["rps"] == 180.0 and w["ratio_rps"] == 0.2  # median of 0.2 and 0.2
    assert (w["sent"], w["created"], w["failed"]) == (265, 264, 1)


def test_verdicts_name_every_miss() -> None:
    rounds = [dict(r) for r in ROUNDS]
    rounds[0] = {**rounds[0], "tree": run(120)}  # 12× /healthz
    summary = summarise(KINDS, rounds)
    few = [KINDS[0], KINDS[1], Kind("body", "Body page", "/utvalg/1/", objects=12, people=3)]

    problems = verdicts(few, summary, WRITES, summarise_writes(WRITES, rounds))

    assert any("Body page: 3 answers that were not 2xx" in p for p in problems)
    assert any(f"(at least {MIN_OBJECTS} and 50 wanted)" in p for p in problems)
    assert any("Absence notice: 1 of 265 posts left no record" in p for p in problems)
    assert not any(p.startswith("Tree") for p in problems)  # 6.0×: within the target


def test_a_page_kind_at_the_target_passes_and_above_it_misses() -> None:
    at = [{**r, "tree": run(r["healthz"]["p95_ms"] * TARGET_RATIO)} for r in ROUNDS]
    above = [{**r, "tree": run(r["healthz"]["p95_ms"] * 12)} for r in ROUNDS]

    assert not any(p.startswith("Tree") for p in verdicts(KINDS, summarise(KINDS, at)))
    assert any(
        p.startswith(f"Tree: p95 is 12.0× /healthz (target ≤ {TARGET_RATIO:g}×)")
        for p in verdicts(KINDS, summarise(KINDS, above))
    )


def test_a_small_world_is_not_held_to_the_minimum_of_objects() -> None:
    few = [KINDS[0], Kind("tree", "Tree", "/", objects=12, people=3)]
    summary = summarise(few, ROUNDS)

    assert any("objects" in p for p in verdicts(few, summary, scale="national"))
    assert not any("objects" in p for p in verdicts(few, summary, scale="small"))


def test_a_slow_write_misses_its_target() -> None:
    rounds = [{**r, "absence": write_run(100, 10, 10)} for r in ROUNDS]  # 0.1× /healthz

    problems = verdicts(KINDS, summarise(KINDS, rounds), WRITES, summarise_writes(WRITES, rounds))

    assert any(
        f"Absence notice: 0.10× /healthz requests per second (target ≥ {WRITE_TARGET_RATIO:g}×)"
        in p
        for p in problems
    )


def data(**extra: Any) -> dict[str, Any]:
    summary = summarise(KINDS, ROUNDS)
    write_summary = summarise_writes(WRITES, ROUNDS)
    query = {
        "samples": 5,
        "median": 7,
        "min": 6,
        "max": 9,
        "sql_ms": 1.0,
        "wall_ms": 9.0,
        "cpu_ms": 6.0,
        "template_ms": 4.0,
        "instances": 12,
        "html_kb": 2.0,
    }
    return {
        "format": 2,
        "date": "2026-01-01T00:00:00+01:00",
        "config": {
            "scale": "national",
            "seed": 1,
            "rounds": 3,
            "duration": 8,
            "threads": 2,
            "connections": 8,
            "writer_rate": 2.0,
        },
        "machine": {
            "nproc": 2,
            "cpu_model": "Test CPU",
            "memory_gib": 4.0,
            "kernel": "6.1",
            "python": "3.12",
            "django": "6.1",
            "postgresql": "15",
            "gunicorn": "23",
            "wrk": "wrk 4.1.0",
            "busy_before": 0.02,
        },
        "row_counts": {"organisations": 10, "users": 5},
        "kinds": [k.__dict__ for k in KINDS],
        "writes": [w.__dict__ for w in WRITES],
        "summary": summary,
        "write_summary": write_summary,
        "queries": {"tree": query, "body": {**query, "min": 7, "max": 7}},
        "writer": {"made": 1200, "seconds": 600, "rate": 2.0, "by_kind": {"papers": 300}},
        "rounds": ROUNDS,
        "problems": verdicts(KINDS, summary, WRITES, write_summary),
        **extra,
    }


def test_the_report_has_the_tables() -> None:
    text = markdown(data())

    assert (
        "| Tree | `/organisasjoner/` | 300 | 80 | 30.0 | 60.0 | 90.0 | 100 | 0 | 5.0× "
        "| 7 (6–9) | met (≤ goal) |" in text
    )
    assert "| Body page | `/utvalg/1/` | 250 | 60 |" in text and "**missed**" in text
    assert "| Absence notice | `/moter/mine/1/forfall/` | 900 | 300 | 180.0 | 0.20× |" in text
    assert "| 265 | 264 | 1 | **missed** |" in text
    assert "| Body page | 80.0 (0%) | 120.0 (0%) | ~~70.0~~ (30%) |" in text
    assert "| Tree | 5 | 7 (6–9) | 1.0 | 4.0 | 9.0 | 6.0 | 12 | 2.0 |" in text
    assert "1200 recorded changes in 600 s (2.00 a second; 300 papers)" in text
    assert "- Body page: bodies" in text
    assert "## Problems" in text
    assert "## National ÷ small" in text and "No run at the other scale" in text


# --- National ÷ small -------------------------------------------------------------------------


def result(scale: str, p50: dict[str, float], cpu: str = "Test CPU") -> dict[str, Any]:
    return {
        "format": 2,
        "date": f"2026-01-0{1 if scale == 'small' else 2}T00:00:00+01:00",
        "config": {"scale": scale},
        "machine": {"cpu_model": cpu, "nproc": 2, "memory_gib": 4.0},
        "summary": {key: {"p50_ms": ms} for key, ms in p50.items()},
    }


def test_national_over_small_is_p50_of_the_kinds_in_both_runs() -> None:
    national = result("national", {"healthz": 2.0, "tree": 30.0, "body": 12.0})
    small = result("small", {"healthz": 2.0, "tree": 10.0, "body": 10.0})

    scaling = compare_scales(national, small, KINDS)

    rows = {row["key"]: row for row in scaling["kinds"]}
    assert rows["body"]["ratio"] == 1.2 and rows["body"]["target"]
    assert rows["tree"]["ratio"] == 3.0 and not rows["healthz"]["target"]
    assert scaling["same_machine"]
    problems = verdicts(KINDS, summarise(KINDS, ROUNDS), scaling=scaling)
    assert any(
        p.startswith("Tree: p50 at national scale is 3.00× p50 at small scale")
        and f"≤ {SCALE_TARGET_RATIO:g}×" in p
        for p in problems
    )
    text = "\n".join(scaling_table(scaling))
    assert "| Body page | 10.0 | 12.0 | 1.20× | met |" in text
    assert "| Tree | 10.0 | 30.0 | 3.00× | **missed** |" in text
    assert "| /healthz (baseline) | 2.0 | 2.0 | 1.00× | – |" in text


def test_runs_on_different_machines_are_flagged() -> None:
    scaling = compare_scales(
        result("national", {"body": 10.0}), result("small", {"body": 10.0}, cpu="Other"), KINDS
    )

    assert not scaling["same_machine"]
    assert "different machines" in "\n".join(scaling_table(scaling))


def test_the_other_scales_latest_run_of_the_same_format_is_found(tmp_path: Path) -> None:
    national = result("national", {"body": 15.0})
    assert scaling_for(national, KINDS, tmp_path) is None

    old = {**result("small", {"body": 10.0}), "format": 1}
    (tmp_path / "small-latest.json").write_text(json.dumps(old))
    assert scaling_for(national, KINDS, tmp_path) is None  # the one-URL benchmark's figures

    (tmp_path / "small-latest.json").write_text(json.dumps(result("small", {"body": 10.0})))
    scaling = scaling_for(national, KINDS, tmp_path)
    assert scaling is not None and scaling["kinds"][0]["ratio"] == 1.5
    (tmp_path / "national-latest.json").write_text(json.dumps(national))
    scaling = scaling_for(result("small", {"body": 10.0}), KINDS, tmp_path)
    assert scaling is not None and scaling["kinds"][0]["national_p50_ms"] == 15.0
