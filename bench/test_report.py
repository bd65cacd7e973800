"""The benchmark's arithmetic and report, on invented figures (no server, no database)."""

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.runner import (
    SCALE_TARGET_RATIO,
    TARGET_RATIO,
    Page,
    compare_scales,
    markdown,
    scaling_for,
    scaling_table,
    summarise,
    verdicts,
)

PAGES = [
    Page("healthz", "/healthz (baseline)", "/healthz", target=False, cookie=False),
    Page("tree", "Tree", "/organisasjoner/"),
    Page("hf", "HF page", "/organisasjoner/1/", note="Testby HF"),
]


def run(p95: float, non2xx: int = 0, other: float = 0.0) -> dict[str, Any]:
    return {
        "p50_ms": p95 / 2,
        "p95_ms": p95,
        "p99_ms": p95 * 1.5,
        "rps": 100.0,
        "non2xx": non2xx,
        "other_cpu": other,
    }


ROUNDS = [
    {"healthz": run(10), "tree": run(50), "hf": run(80)},
    {"healthz": run(20), "tree": run(60), "hf": run(100, non2xx=2)},
    {"healthz": run(10), "tree": run(70), "hf": run(70, non2xx=1, other=0.3)},
]


def test_ratio_is_the_median_of_per_round_ratios() -> None:
    summary = summarise(PAGES, ROUNDS)

    assert summary["tree"]["rounds_ratio"] == [5.0, 3.0, 7.0]
    assert summary["tree"]["ratio_p95"] == 5.0
    assert summary["tree"]["p95_ms"] == 60
    assert summary["healthz"]["ratio_p95"] == 1.0


def test_disturbed_runs_are_left_out_but_their_failures_count() -> None:
    summary = summarise(PAGES, ROUNDS)

    assert summary["hf"]["rounds_used"] == [1, 2]
    assert summary["hf"]["ratio_p95"] == 6.5  # median of 8.0 and 5.0
    assert summary["hf"]["non2xx"] == 3
    assert summary["tree"]["rounds_used"] == [1, 2, 3]


def test_a_disturbed_baseline_leaves_out_the_whole_round() -> None:
    rounds = [dict(r) for r in ROUNDS]
    rounds[0]["healthz"] = run(10, other=0.5)

    assert summarise(PAGES, rounds)["tree"]["rounds_used"] == [2, 3]


def test_verdicts_name_failures_misses_and_disturbance() -> None:
    problems = verdicts(PAGES, summarise(PAGES, ROUNDS))

    assert any("HF page: 3 non-2xx" in p for p in problems)
    assert any(f"HF page: p95 is 6.5× /healthz (target ≤ {TARGET_RATIO:g}×)" in p for p in problems)
    assert not any(p.startswith("Tree") for p in problems)
    assert not any("no undisturbed round" in p for p in problems)

    every_round_disturbed = [{k: {**v, "other_cpu": 0.4} for k, v in r.items()} for r in ROUNDS]
    problems = verdicts(PAGES, summarise(PAGES, every_round_disturbed))
    assert any("no undisturbed round" in p and "40%" in p for p in problems)


def test_markdown_has_the_tables() -> None:
    summary = summarise(PAGES, ROUNDS)
    query = {
        "queries": 5,
        "cached_queries": 3,
        "sql_ms": 1.0,
        "wall_ms": 9.0,
        "template_ms": 4.0,
        "url_tags": 3,
        "model_instances": 7,
        "html_kb": 2.0,
        "cpu_ms": 6.0,
    }
    data = {
        "date": "2026-01-01T00:00:00+01:00",
        "config": {
            "scale": "small",
            "seed": 1,
            "rounds": 3,
            "duration": 8,
            "threads": 2,
            "connections": 8,
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
        "targets": {"user_email": "a@gen.medvirke.test", "hf_name": "Testby HF"},
        "row_counts": {"organisations": 10, "users": 5},
        "summary": summary,
        "queries": {page.key: query for page in PAGES},
        "rounds": ROUNDS,
        "problems": verdicts(PAGES, summary),
    }

    text = markdown(data, PAGES)

    assert (
        "| Tree | `/organisasjoner/` | 30.0 | 60.0 | 90.0 | 100 | 0 | 5.0× | 1, 2, 3 | met |"
        in text
    )
    assert "| HF page | 80.0 (0%) | 100.0 (0%) | ~~70.0~~ (30%) |" in text
    assert "| HF page | `/organisasjoner/1/` |" in text and "**missed**" in text
    assert "| Tree | 5 | 3 | 1.0 | 9.0 | 6.0 | 4.0 | 3 | 7 | 2.0 |" in text
    assert "- HF page: Testby HF" in text
    assert "## Problems" in text
    assert "## National ÷ small" in text and "No run at the other scale" in text


# --- National ÷ small -------------------------------------------------------------------------

SCALE_PAGES = [
    *PAGES,
    Page("body", "Body page", "/utvalg/1/", user_id=7, scale_target=True),
    Page("search", "Representatives", "/representanter/?q=berg", user_id=8, scale_target=True),
]


def result(scale: str, p50: dict[str, float], cpu: str = "Test CPU") -> dict[str, Any]:
    return {
        "date": f"2026-01-0{1 if scale == 'small' else 2}T00:00:00+01:00",
        "config": {"scale": scale},
        "machine": {"cpu_model": cpu, "nproc": 2, "memory_gib": 4.0},
        "summary": {key: {"p50_ms": ms} for key, ms in p50.items()},
    }


def test_national_over_small_is_p50_of_the_pages_in_both_runs() -> None:
    national = result("national", {"healthz": 2.0, "tree": 30.0, "body": 12.0, "search": 20.0})
    small = result("small", {"healthz": 2.0, "tree": 10.0, "body": 10.0, "search": 10.0})

    scaling = compare_scales(national, small, SCALE_PAGES)

    rows = {row["key"]: row for row in scaling["pages"]}
    assert list(rows) == ["healthz", "tree", "body", "search"]  # "hf" is in neither
    assert rows["body"]["ratio"] == 1.2 and rows["body"]["target"]
    assert rows["tree"]["ratio"] == 3.0 and not rows["tree"]["target"]
    assert scaling["same_machine"]
    problems = verdicts(PAGES, summarise(PAGES, ROUNDS), scaling)
    assert any(
        p.startswith("Representatives: p50 at national scale is 2.0× p50 at small scale")
        and f"≤ {SCALE_TARGET_RATIO:g}×" in p
        for p in problems
    )
    assert not any(p.startswith(("Body page:", "Tree:")) for p in problems)

    text = "\n".join(scaling_table(scaling))
    assert "## National ÷ small" in text
    assert "| Body page | 10.0 | 12.0 | 1.20× | met |" in text
    assert "| Representatives | 10.0 | 20.0 | 2.00× | **missed** |" in text
    assert "| Tree | 10.0 | 30.0 | 3.00× | – |" in text
    assert "different machines" not in text


def test_runs_on_different_machines_are_flagged() -> None:
    scaling = compare_scales(
        result("national", {"body": 10.0}), result("small", {"body": 10.0}, cpu="Other CPU"), PAGES
    )

    assert not scaling["same_machine"]
    assert "different machines" in "\n".join(scaling_table(scaling))
    problems = verdicts(PAGES, summarise(PAGES, ROUNDS), scaling)
    assert any("different machines" in p for p in problems)


def test_the_other_scales_latest_run_is_found_in_the_results(tmp_path: Path) -> None:
    national = result("national", {"body": 15.0})
    assert scaling_for(national, SCALE_PAGES, tmp_path) is None
    assert "No run at the other scale" in "\n".join(scaling_table(None))

    (tmp_path / "small-latest.json").write_text(json.dumps(result("small", {"body": 10.0})))
    scaling = scaling_for(national, SCALE_PAGES, tmp_path)
    assert scaling is not None and scaling["pages"][0]["ratio"] == 1.5
    # From the small run's side the comparison is the same way round.
    (tmp_path / "national-latest.json").write_text(json.dumps(national))
    small = result("small", {"body": 10.0})
    scaling = scaling_for(small, SCALE_PAGES, tmp_path)
    assert scaling is not None and scaling["pages"][0]["national_p50_ms"] == 15.0


def test_pages_from_an_older_json_still_load() -> None:
    old: dict[str, Any] = {"key": "tree", "label": "Tree", "path": "/", "target": True, "note": ""}

    page = Page(**old)

    assert page.user_id is None and not page.scale_target
    assert Page(**asdict(SCALE_PAGES[-1])) == SCALE_PAGES[-1]
