"""Queries and time per request on a cold visit, in the benchmark process (Django's test
Client, the same database, DEBUG off): for a sample of each page kind's pairs, every cache
emptied before the request and each pair visited once, as its person. These are the figures
the query-count tests should see: what a first visit costs, not a cache hit."""

import statistics
import time
from typing import Any

from bench.log import log
from bench.pairs import PageKind, Pair, sample


class QueryTimer:
    """An execute wrapper that times each query precisely (Django's own log rounds to 1 ms)."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.times.append(time.perf_counter() - started)


class Probe:
    """For one request: how many {% url %} tags were reversed, how many model instances were
    built, and the time spent in template rendering (which includes the SQL of querysets that
    the template evaluates lazily). Patches this process only, never gunicorn."""

    def __enter__(self) -> "Probe":
        import django.urls
        from django.db.models.signals import post_init
        from django.template.backends import django as backend

        self.url_tags = 0
        self.instances = 0
        self.render_s = 0.0
        # The {% url %} tag imports reverse from django.urls each time it renders.
        original_reverse = self._reverse = django.urls.reverse
        original_render = self._render = backend.Template.render

        def reverse(*args: Any, **kwargs: Any) -> Any:
            self.url_tags += 1
            return original_reverse(*args, **kwargs)

        def render(template: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original_render(template, *args, **kwargs)
            finally:
                self.render_s += time.perf_counter() - started

        setattr(django.urls, "reverse", reverse)  # noqa: B010
        setattr(backend.Template, "render", render)  # noqa: B010
        post_init.connect(self._count, weak=False, dispatch_uid="bench-probe")
        return self

    def _count(self, **kwargs: Any) -> None:
        self.instances += 1

    def __exit__(self, *exc: object) -> None:
        import django.urls
        from django.db.models.signals import post_init
        from django.template.backends import django as backend

        setattr(django.urls, "reverse", self._reverse)  # noqa: B010
        setattr(backend.Template, "render", self._render)  # noqa: B010
        post_init.disconnect(dispatch_uid="bench-probe")


def logged_in_client(user_id: int) -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(get_user_model().objects.get(pk=user_id))
    return client


def session_cookies(user_ids: set[int]) -> dict[int, str]:
    """A session of their own for each person, created directly (Django's force_login), as
    the Cookie header wrk sends."""
    from django.conf import settings

    cookies = {}
    for user_id in sorted(user_ids):
        client = logged_in_client(user_id)
        cookies[user_id] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def clear_caches() -> None:
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()


def cold_visit(pair: Pair) -> dict[str, Any]:
    """One cold request as the pair's person: queries, SQL, template and wall time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in_client(pair.user_id)
    clear_caches()
    timer = QueryTimer()
    with (
        Probe() as probe,
        CaptureQueriesContext(connection) as ctx,
        connection.execute_wrapper(timer),
    ):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(pair.path)
        wall = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu_started) * 1000
    return {
        "path": pair.path,
        "user_id": pair.user_id,
        "status": response.status_code,
        "queries": len(ctx.captured_queries),
        "sql_ms": sum(timer.times) * 1000,
        "wall_ms": wall,
        "cpu_ms": cpu,
        "template_ms": probe.render_s * 1000,
        "instances": probe.instances,
        "html_kb": len(response.content) / 1024,
        "sql": [
            {"sql": q["sql"][:4000], "ms": round(seconds * 1000, 3)}
            for q, seconds in zip(ctx.captured_queries, timer.times, strict=False)
        ],
    }


def cold_queries(kinds: list[PageKind], per_kind: int = 5) -> dict[str, Any]:
    """Per page kind: the sampled pairs' cold figures (medians, and the queries' range).
    Raises if a sampled pair does not answer 200: its person should be allowed to see it."""
    measured: dict[str, Any] = {}
    for page_kind in kinds:
        chosen = sample(page_kind.pairs, per_kind)
        if not chosen:
            continue
        cold_visit(chosen[-1])  # compiles the templates (the cached loader keeps them)
        visits = [cold_visit(pair) for pair in chosen]
        refused = [v for v in visits if v["status"] != 200]
        if refused:
            raise SystemExit(
                f"{page_kind.kind.label}: {refused[0]['path']} answered {refused[0]['status']} "
                f"to user {refused[0]['user_id']}, who should be allowed to see it "
                "(bench/pairs.py)"
            )
        counts = [v["queries"] for v in visits]
        slowest = max(visits, key=lambda v: v["wall_ms"])
        measured[page_kind.kind.key] = {
            "samples": len(visits),
            "median": statistics.median(counts),
            "min": min(counts),
            "max": max(counts),
            **{
                key: round(statistics.median(v[key] for v in visits), 2)
                for key in ("sql_ms", "wall_ms", "cpu_ms", "template_ms", "html_kb")
            },
            "instances": int(statistics.median(v["instances"] for v in visits)),
            "slowest": {k: v for k, v in slowest.items()},
        }
        m = measured[page_kind.kind.key]
        log(
            f"  {page_kind.kind.label:<40} {m['median']:>5g} queries ({m['min']}–{m['max']}) "
            f"{m['sql_ms']:>7.2f} ms SQL {m['wall_ms']:>7.2f} ms in-process "
            f"{m['template_ms']:>7.2f} ms template {m['instances']:>5} instances"
        )
    return measured
