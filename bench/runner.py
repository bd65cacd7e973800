# ruff: noqa: S603, S607 -- running fixed commands (no shell) is what this harness is for.
"""The benchmark harness behind `bench/run` (see `bench/run --help`).

1. Installs Debian's wrk if it is missing (apt-get update only when the install fails).
2. Drops and creates the PostgreSQL database `medvirke_bench` (127.0.0.1:5432, user postgres),
   migrates it and runs `python -m bench.generate --scale <scale> --seed <seed>`.
3. Runs collectstatic (into bench/results/staticfiles) and starts gunicorn with 2 workers on
   127.0.0.1 with production settings (DEBUG off, manifest static files, random secret key).
4. Logs in by creating sessions directly and gives wrk the session cookie: as a generated
   administrator of the HF with the most staff for the organisation pages and that HF's
   influence ledger, as the secretariat of the biggest generated body for its page, as the
   secretariat of the HF's busiest body (most cases) for its latest held meeting and its
   ledger, and as a coordinator of the generated user organisation with the most
   representatives for the coordinator's overview and the representative search (each Page may
   name its own person).
5. Runs wrk in alternating rounds: /healthz, then each page, again and again, so slow drift of
   the machine affects all pages alike. bench/report.lua prints p50/p95/p99, requests/s and the
   number of non-2xx responses (a 3xx counts: a redirect to login means the cookie failed).
6. Counts SQL queries per page with Django's test Client and CaptureQueriesContext against the
   same database, as the same person as each page's wrk run.
7. Writes bench/results/<scale>-latest.json and .md; at national scale also docs/benchmarks.md.
   When the other scale's JSON is there too, the report compares p50 at national scale with p50
   at small scale for the pages measured in both (target ≤ 1.5× for the council, meeting and
   ledger pages): run
   `bench/run --scale small` first, then `bench/run`, on the same machine.

Only the gunicorn process this script started is stopped at exit (also on Ctrl-C or SIGTERM).
"""

import argparse
import atexit
import datetime as dt
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
LUA = BENCH / "report.lua"
DB_NAME = "medvirke_bench"
PG_URL = "postgres://postgres@127.0.0.1:5432"
TARGET_RATIO = 6.0
# Pages with `scale_target`: p50 at national scale ÷ p50 at small scale at most this.
SCALE_TARGET_RATIO = 1.5
SEARCH_TERM = "dal"
# A surname ending common at every scale: the small world's biggest user organisation has 19
# representatives and "sen" finds some of them, so both scales' pages show and log health data
# ("berg" found none at small scale, which made national ÷ small compare a page that writes the
# access log with one that does not).
REPRESENTATIVE_SEARCH_TERM = "sen"
WORKERS = 2


@dataclass
class Page:
    key: str
    label: str
    path: str
    # Subject to the target (p95 ≤ TARGET_RATIO × /healthz p95).
    target: bool = True
    # /healthz is measured without the session cookie: it is the bare framework floor.
    cookie: bool = True
    note: str = ""
    # Whose session the page is measured with; None: the run's person (Targets.user_id).
    user_id: int | None = None
    user_email: str = ""
    # Subject to the scaling target (national p50 ≤ SCALE_TARGET_RATIO × small p50).
    scale_target: bool = False


@dataclass
class Targets:
    user_id: int
    user_email: str
    hf_id: int
    hf_name: str
    hf_clinics: int
    hf_units: int
    hf_staff: int
    municipality_id: int
    municipality_name: str
    municipality_staff: int
    search_matches: int
    # The biggest generated body and a person of its secretariat.
    body_id: int
    body_name: str
    body_seats: int
    body_terms: int
    body_user_id: int
    body_user_email: str
    # The generated user organisation with the most representatives and its coordinator.
    user_org_id: int
    user_org_name: str
    user_org_representatives: int
    user_org_current_terms: int
    coordinator_user_id: int
    coordinator_email: str
    representative_search_matches: int
    # The HF's body with the most cases, its latest held meeting and a person of its
    # secretariat; the ledgers show the meeting's year.
    ledger_body_id: int
    ledger_body_name: str
    ledger_user_id: int
    ledger_user_email: str
    ledger_year: int
    ledger_body_cases: int
    ledger_body_advice: int
    ledger_owner_bodies: int
    ledger_owner_cases: int
    ledger_owner_advice: int
    meeting_id: int
    meeting_date: str
    meeting_cases: int
    meeting_papers: int
    meeting_follow_ups: int


@dataclass
class PageSummary:
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rps: float
    non2xx: int
    ratio_p95: float
    # The rounds (from 1) the medians are taken over, and their ratios.
    rounds_used: list[int] = field(default_factory=list)
    rounds_ratio: list[float] = field(default_factory=list)
    # Highest share of the machine's CPU used by other work during one of this page's runs.
    max_other_cpu: float = 0.0


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:5.0f} s] {message}", flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--scale", choices=["small", "national"], default="national")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="seconds per page per round")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (-c)")
    parser.add_argument("--port", type=int, default=8765, help="first port to try")
    parser.add_argument(
        "--wait-quiet",
        type=int,
        default=600,
        metavar="SECONDS",
        help="in all, wait at most this long for other work on the machine to stop (before "
        "starting and before measuring a disturbed page again; 0: never wait)",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        help="measure a page again (after waiting for quiet) when other work used more than "
        "10%% of the CPU during its run",
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
    return parser.parse_args(argv)


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


# --- In-process Django: targets, session, query counts ----------------------------------------


def django_setup() -> None:
    import django

    django.setup()


def choose_targets() -> Targets:
    from django.db.models import Count

    from bench.generate.organisations import ORG_EMAIL_SUFFIX
    from medvirke.organisations.models import Organisation, StaffRole

    generated = Organisation.objects.filter(email__endswith=ORG_EMAIL_SUFFIX).annotate(
        n_staff=Count("staff_roles", distinct=True), n_children=Count("children", distinct=True)
    )
    hf = generated.filter(kind=Organisation.Kind.HF).order_by("-n_staff", "-n_children", "pk")[0]
    admin = (
        StaffRole.objects.filter(organisation=hf, role=StaffRole.Role.ADMINISTRATOR)
        .select_related("user")
        .order_by("user__email")[0]
        .user
    )
    municipality = generated.filter(kind=Organisation.Kind.MUNICIPALITY).order_by("-n_staff", "pk")[
        0
    ]
    body, body_user = biggest_body()
    user_org, coordinator, scope = biggest_user_organisation()
    ledger = ledger_targets(hf)
    return Targets(
        user_id=admin.pk,
        user_email=admin.email,
        hf_id=hf.pk,
        hf_name=hf.name,
        hf_clinics=hf.n_children,  # type: ignore[attr-defined]
        hf_units=Organisation.objects.filter(parent__parent=hf).count(),
        hf_staff=hf.n_staff,  # type: ignore[attr-defined]
        municipality_id=municipality.pk,
        municipality_name=municipality.name,
        municipality_staff=municipality.n_staff,  # type: ignore[attr-defined]
        search_matches=Organisation.objects.search(SEARCH_TERM).count(),
        body_id=body.pk,
        body_name=body.name,
        body_seats=body.n_seats,  # type: ignore[attr-defined]
        body_terms=body.n_terms,  # type: ignore[attr-defined]
        body_user_id=body_user.pk,
        body_user_email=body_user.email,
        user_org_id=user_org.pk,
        user_org_name=user_org.name,
        user_org_representatives=user_org.n_representatives,  # type: ignore[attr-defined]
        user_org_current_terms=represented_terms(scope),
        coordinator_user_id=coordinator.pk,
        coordinator_email=coordinator.email,
        representative_search_matches=representatives_in(scope)
        .search(REPRESENTATIVE_SEARCH_TERM)
        .distinct()
        .count(),
        **ledger,
    )


def ledger_targets(hf: Any) -> dict[str, Any]:
    """The generated body owned by the HF with the most cases, its latest held meeting (with
    the papers a recent meeting has), the first person (by e-mail) of its secretariat, and the
    size of the figures both ledgers count in that meeting's year."""
    from django.db.models import Count
    from django.utils import timezone

    from bench.generate.bodies import generated_bodies
    from medvirke.meetings.models import Advice, Case, Meeting
    from medvirke.meetings.services import follow_up_items
    from medvirke.organisations.models import ANCESTOR_DEPTH

    body = (
        generated_bodies()
        .filter(owner=hf)
        .annotate(n_cases=Count("cases"))
        .order_by("-n_cases", "pk")[0]
    )
    meeting = (
        Meeting.objects.filter(
            body=body,
            status__in=[Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED],
            starts_at__lt=timezone.now(),
        )
        .annotate(n_cases=Count("cases", distinct=True), n_papers=Count("papers", distinct=True))
        .order_by("-starts_at")[0]
    )
    year = timezone.localtime(meeting.starts_at).year
    person = body.secretariat.order_by("email")[0]
    under_hf = Case.objects.none()
    path = "body__owner"
    for _level in range(ANCESTOR_DEPTH + 1):
        under_hf |= Case.objects.filter(**{f"{path}_id": hf.pk})
        path += "__parent"
    owner_cases = Case.objects.filter(pk__in=under_hf.values("pk"), year=year)
    return {
        "ledger_body_id": body.pk,
        "ledger_body_name": body.name,
        "ledger_user_id": person.pk,
        "ledger_user_email": person.email,
        "ledger_year": year,
        "ledger_body_cases": Case.objects.filter(body=body, year=year).count(),
        "ledger_body_advice": Advice.objects.filter(case__body=body, case__year=year).count(),
        "ledger_owner_bodies": owner_cases.values("body").distinct().count(),
        "ledger_owner_cases": owner_cases.count(),
        "ledger_owner_advice": Advice.objects.filter(case__in=owner_cases).count(),
        "meeting_id": meeting.pk,
        "meeting_date": f"{timezone.localtime(meeting.starts_at):%d.%m.%Y}",
        "meeting_cases": meeting.n_cases,  # type: ignore[attr-defined]
        "meeting_papers": meeting.n_papers,  # type: ignore[attr-defined]
        "meeting_follow_ups": follow_up_items(body, exclude_meeting=meeting).count(),
    }


def biggest_body() -> tuple[Any, Any]:
    """The generated body with the most seats (then terms), and the first person (by e-mail)
    of its secretariat."""
    from django.db.models import Count

    from bench.generate.bodies import generated_bodies

    body = (
        generated_bodies()
        .annotate(
            n_seats=Count("seats", distinct=True), n_terms=Count("seats__terms", distinct=True)
        )
        .order_by("-n_seats", "-n_terms", "pk")[0]
    )
    return body, body.secretariat.order_by("email")[0]


def representatives_in(scope: list[int]) -> Any:
    from medvirke.representatives.models import Affiliation, Representative

    return Representative.objects.active().filter(
        affiliations__organisation_id__in=scope, affiliations__status=Affiliation.Status.APPROVED
    )


def represented_terms(scope: list[int]) -> int:
    """Open terms the coordinator's overview lists (as its view selects them)."""
    from django.db.models import Q

    from medvirke.bodies.models import Term
    from medvirke.representatives.models import Affiliation

    ours = Q(representative__affiliations__organisation_id__in=scope) & Q(
        representative__affiliations__status=Affiliation.Status.APPROVED
    )
    return (
        Term.objects.filter(ended_on__isnull=True)
        .filter(Q(nominated_by_id__in=scope) | ours)
        .distinct()
        .count()
    )


def biggest_user_organisation() -> tuple[Any, Any, list[int]]:
    """The generated user organisation with the most approved representatives (its branches
    included), its first coordinator (by e-mail), and the organisations that coordinator sees."""
    from bench.generate.organisations import ORG_EMAIL_SUFFIX
    from medvirke.organisations.models import Organisation, StaffRole
    from medvirke.representatives.permissions import coordinator_organisation_ids

    best: tuple[int, int, Any, Any, list[int]] | None = None
    for org in Organisation.objects.filter(
        kind=Organisation.Kind.USER_ORG, email__endswith=ORG_EMAIL_SUFFIX
    ).order_by("pk"):
        role = (
            StaffRole.objects.filter(organisation=org, role=StaffRole.Role.COORDINATOR)
            .select_related("user")
            .order_by("user__email")
            .first()
        )
        if role is None:
            continue
        scope = coordinator_organisation_ids(role.user)
        count = representatives_in(scope).distinct().count()
        if best is None or (count, -org.pk) > (best[0], best[1]):
            best = (count, -org.pk, org, role.user, scope)
    if best is None:
        raise SystemExit("no generated user organisation with a coordinator; run bench.generate")
    count, _pk, org, user, scope = best
    org.n_representatives = count
    return org, user, scope


def build_pages(t: Targets) -> list[Page]:
    from django.urls import reverse

    return [
        Page("healthz", "/healthz (baseline)", "/healthz", target=False, cookie=False),
        Page("dashboard", "Dashboard", "/", target=False),
        Page("tree", "Tree: specialist health service", "/organisasjoner/"),
        Page("tree_municipalities", "Tree: municipalities", "/organisasjoner/?gruppe=kommuner"),
        Page("tree_nav", "Tree: NAV offices", "/organisasjoner/?gruppe=nav"),
        Page(
            "tree_user_orgs",
            "Tree: user organisations",
            "/organisasjoner/?gruppe=organisasjoner",
        ),
        Page(
            "search",
            f"Search “{SEARCH_TERM}”",
            f"/organisasjoner/?q={SEARCH_TERM}",
            note=f"{t.search_matches} matches, 50 per page",
        ),
        Page(
            "hf",
            "HF page",
            f"/organisasjoner/{t.hf_id}/",
            note=f"{t.hf_name}: {t.hf_clinics} clinics, {t.hf_units} units below them, "
            f"{t.hf_staff} staff roles",
        ),
        Page(
            "municipality",
            "Municipality page",
            f"/organisasjoner/{t.municipality_id}/",
            note=f"{t.municipality_name}: {t.municipality_staff} staff roles (not visible "
            "to the HF administrator)",
        ),
        Page(
            "body",
            "Body page (secretariat)",
            reverse("body_detail", args=[t.body_id]),
            user_id=t.body_user_id,
            user_email=t.body_user_email,
            scale_target=True,
            note=f"{t.body_name}: {t.body_seats} seats, {t.body_terms} terms; as "
            f"{t.body_user_email}, its secretariat",
        ),
        Page(
            "representation",
            "Coordinator: where we are represented",
            reverse("participation_representation"),
            user_id=t.coordinator_user_id,
            user_email=t.coordinator_email,
            scale_target=True,
            note=f"{t.user_org_name}: {t.user_org_representatives} approved representatives, "
            f"{t.user_org_current_terms} open terms listed; as {t.coordinator_email}, its "
            "coordinator",
        ),
        Page(
            "representative_search",
            f"Representatives: search “{REPRESENTATIVE_SEARCH_TERM}”",
            f"{reverse('representative_list')}?q={REPRESENTATIVE_SEARCH_TERM}",
            user_id=t.coordinator_user_id,
            user_email=t.coordinator_email,
            scale_target=True,
            note=f"{t.representative_search_matches} matches among {t.user_org_name}'s "
            f"representatives, 50 per page; as {t.coordinator_email}",
        ),
        Page(
            "meeting",
            "Meeting page (secretariat)",
            reverse("meeting_detail", args=[t.meeting_id]),
            user_id=t.ledger_user_id,
            user_email=t.ledger_user_email,
            scale_target=True,
            note=f"{t.ledger_body_name}, meeting {t.meeting_date}: {t.meeting_cases} cases, "
            f"{t.meeting_papers} papers, {t.meeting_follow_ups} pieces of advice to follow up; "
            f"as {t.ledger_user_email}, its secretariat",
        ),
        Page(
            "ledger_body",
            "Influence ledger: council",
            f"{reverse('ledger_body', args=[t.ledger_body_id])}?aar={t.ledger_year}",
            user_id=t.ledger_user_id,
            user_email=t.ledger_user_email,
            scale_target=True,
            note=f"{t.ledger_body_name}, {t.ledger_year}: {t.ledger_body_cases} cases, "
            f"{t.ledger_body_advice} pieces of advice; as {t.ledger_user_email}",
        ),
        Page(
            "ledger_owner",
            "Influence ledger: HF",
            f"{reverse('ledger_owner', args=[t.hf_id])}?aar={t.ledger_year}",
            scale_target=True,
            note=f"{t.hf_name}, {t.ledger_year}: {t.ledger_owner_bodies} councils and groups "
            f"with cases, {t.ledger_owner_cases} cases, {t.ledger_owner_advice} pieces of "
            f"advice; as {t.user_email}, its administrator",
        ),
    ]


def logged_in_client(user_id: int) -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(get_user_model().objects.get(pk=user_id))
    return client


def session_cookie(user_id: int) -> tuple[str, str]:
    from django.conf import settings

    client = logged_in_client(user_id)
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


def page_cookies(pages: list[Page], user_id: int) -> dict[str, str]:
    """The Cookie header per page key: one session per person ("" for pages sent without)."""
    sessions: dict[int, str] = {}
    cookies: dict[str, str] = {}
    for page in pages:
        if not page.cookie:
            cookies[page.key] = ""
            continue
        person = page.user_id or user_id
        if person not in sessions:
            name, value = session_cookie(person)
            sessions[person] = f"{name}={value}"
        cookies[page.key] = sessions[person]
    return cookies


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


def measure_queries(pages: list[Page], user_id: int, repeat: int = 5) -> dict[str, Any]:
    """Per page: SQL query count, SQL time and wall time in this process (median of `repeat`),
    as the page's person (`user_id` for pages that name none). Measured with the whole-page
    cache off, so the figures are the view's own work (as in the query-count tests); the
    queries of a repeat visit with it on (as gunicorn serves under wrk) come separately."""
    from django.test.utils import override_settings

    with override_settings(MEDVIRKE_PAGE_CACHE=False):
        measured = _measure_views(pages, user_id, repeat)
    cached = _repeat_visit_queries(pages, user_id)
    for key, count in cached.items():
        measured[key]["cached_queries"] = count
    return measured


def _repeat_visit_queries(pages: list[Page], user_id: int) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients: dict[int, Any] = {}
    counts: dict[str, int] = {}
    for page in pages:
        person = page.user_id or user_id
        if page.cookie and person not in clients:
            clients[person] = logged_in_client(person)
        client = clients[person] if page.cookie else Client(SERVER_NAME="127.0.0.1")
        client.get(page.path)
        with CaptureQueriesContext(connection) as ctx:
            client.get(page.path)
        counts[page.key] = len(ctx.captured_queries)
    return counts


def _measure_views(pages: list[Page], user_id: int, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients: dict[int, Any] = {}
    anonymous = Client(SERVER_NAME="127.0.0.1")
    measured: dict[str, Any] = {}
    for page in pages:
        person = page.user_id or user_id
        if page.cookie and person not in clients:
            clients[person] = logged_in_client(person)
        client = clients[person] if page.cookie else anonymous
        client.get(page.path)  # warm up: template compilation, caches
        walls, sql_ms, cpus = [], [], []
        queries: list[dict[str, str]] = []
        times: list[float] = []
        status, size = 0, 0
        for _i in range(repeat):
            timer = QueryTimer()
            with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(page.path)
                walls.append((time.perf_counter() - started) * 1000)
                cpus.append((time.process_time() - cpu_started) * 1000)
            sql_ms.append(sum(timer.times) * 1000)
            queries = ctx.captured_queries
            times = timer.times
            status, size = response.status_code, len(response.content)
        renders = []
        for _i in range(repeat):
            with Probe() as probe:
                client.get(page.path)
            renders.append(probe.render_s * 1000)
        measured[page.key] = {
            "status": status,
            "template_ms": round(statistics.median(renders), 2),
            "url_tags": probe.url_tags,
            "model_instances": probe.instances,
            "queries": len(queries),
            "sql_ms": round(statistics.median(sql_ms), 2),
            "wall_ms": round(statistics.median(walls), 2),
            # CPU time of this process only (Python: ORM, templates), not PostgreSQL's.
            "cpu_ms": round(statistics.median(cpus), 2),
            "html_kb": round(size / 1024, 1),
            "sql": [
                {"sql": q["sql"][:4000], "ms": round(seconds * 1000, 3)}
                for q, seconds in zip(queries, times, strict=False)
            ],
        }
        log(
            f"  {page.label:<36} {len(queries):>3} queries "
            f"{measured[page.key]['sql_ms']:>7.2f} ms SQL {measured[page.key]['wall_ms']:>7.2f} ms "
            f"total {measured[page.key]['template_ms']:>7.2f} ms template "
            f"{probe.url_tags:>4} url tags {probe.instances:>4} instances  HTTP {status}"
        )
    return measured


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
        info["postgresql"] = cursor.fetchone()[0]  # type: ignore[index]
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
    benchmark's (gunicorn and its workers, PostgreSQL, wrk, this script). High values mean the
    figures are disturbed."""

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


def settle(port: int, page: Page, cookie: str) -> None:
    """Before a run: let the server finish what the previous run left behind, then warm this
    page. wrk stops with up to -c requests still queued in gunicorn's backlog, and the workers
    answer them after wrk has gone; behind a one-second page that is several seconds of work,
    which the next run (often /healthz) would otherwise measure as its own tail. Sequential
    requests return only once the backlog ahead of them is served. The page's own requests
    then fill the per-worker caches (tree index, page layout, fragments) so a run measures the
    steady state, as the query-count tests do."""
    for _ in range(SETTLE_REQUESTS):
        http_get(port, "/healthz")
    for _ in range(SETTLE_REQUESTS):
        http_get(port, page.path, cookie if page.cookie else None)


def run_wrk(
    args: argparse.Namespace, server: "Gunicorn", page: Page, cookie: str
) -> dict[str, Any]:
    assert server.proc is not None
    port = server.port
    settle(port, page, cookie)
    cmd = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
    ]
    if page.cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(f"http://127.0.0.1:{port}{page.path}")
    with CpuMeter(server.proc.pid) as meter:
        done = subprocess.run(
            cmd, capture_output=True, text=True, check=True, timeout=args.duration + 60
        )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            result: dict[str, Any] = json.loads(line.removeprefix("BENCH_RESULT "))
            result["machine_busy"] = round(meter.busy_share, 3)
            result["other_cpu"] = round(meter.other_share, 3)
            return result
    raise RuntimeError(f"no BENCH_RESULT from wrk:\n{done.stdout}\n{done.stderr}")


# --- Summary and report -----------------------------------------------------------------------


OTHER_CPU_WARNING = 0.10


def is_clean(run: dict[str, Any]) -> bool:
    return bool(run.get("other_cpu", 0.0) <= OTHER_CPU_WARNING)


def summarise(pages: list[Page], rounds: list[dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Medians across the rounds in which neither the page's run nor that round's /healthz run
    was disturbed by other work (all rounds when there is no such round). The ratio is taken
    per round against that round's /healthz. Non-2xx responses are counted in every round."""
    summary: dict[str, Any] = {}
    for page in pages:
        used = [
            n for n, r in enumerate(rounds) if is_clean(r[page.key]) and is_clean(r["healthz"])
        ] or list(range(len(rounds)))
        runs = [rounds[n][page.key] for n in used]
        ratios = [rounds[n][page.key]["p95_ms"] / rounds[n]["healthz"]["p95_ms"] for n in used]
        summary[page.key] = asdict(
            PageSummary(
                p50_ms=statistics.median(x["p50_ms"] for x in runs),
                p95_ms=statistics.median(x["p95_ms"] for x in runs),
                p99_ms=statistics.median(x["p99_ms"] for x in runs),
                rps=statistics.median(x["rps"] for x in runs),
                non2xx=sum(r[page.key]["non2xx"] for r in rounds),
                ratio_p95=statistics.median(ratios),
                rounds_used=[n + 1 for n in used],
                rounds_ratio=[round(x, 2) for x in ratios],
                max_other_cpu=max(
                    max(x.get("other_cpu", 0.0), rounds[n]["healthz"].get("other_cpu", 0.0))
                    for n, x in zip(used, runs, strict=True)
                ),
            )
        )
    return summary


def compare_scales(
    national: dict[str, Any], small: dict[str, Any], pages: list[Page]
) -> dict[str, Any]:
    """p50 at national scale ÷ p50 at small scale for the pages (by key) in both runs."""
    rows = []
    for page in pages:
        big, little = national["summary"].get(page.key), small["summary"].get(page.key)
        if big is None or little is None:
            continue
        rows.append(
            {
                "key": page.key,
                "label": page.label,
                "small_p50_ms": little["p50_ms"],
                "national_p50_ms": big["p50_ms"],
                "ratio": big["p50_ms"] / max(little["p50_ms"], 1e-9),
                "target": page.scale_target,
            }
        )

    def machine(run: dict[str, Any]) -> tuple[Any, ...]:
        m = run.get("machine", {})
        return m.get("cpu_model"), m.get("nproc"), m.get("memory_gib")

    return {
        "national_date": national.get("date", "?"),
        "small_date": small.get("date", "?"),
        "same_machine": machine(national) == machine(small),
        "pages": rows,
    }


def scaling_for(
    data: dict[str, Any], pages: list[Page], results: Path = RESULTS
) -> dict[str, Any] | None:
    """The national ÷ small comparison when the other scale's latest JSON is in `results`."""
    scale = data["config"]["scale"]
    other_scale = {"national": "small", "small": "national"}.get(scale)
    other_path = results / f"{other_scale}-latest.json"
    if other_scale is None or not other_path.exists():
        return None
    other = json.loads(other_path.read_text())
    if "summary" not in other:
        return None
    national, small = (data, other) if scale == "national" else (other, data)
    return compare_scales(national, small, pages)


def verdicts(
    pages: list[Page], summary: dict[str, Any], scaling: dict[str, Any] | None = None
) -> list[str]:
    problems = []
    disturbed = max(summary[page.key]["max_other_cpu"] for page in pages)
    if disturbed > OTHER_CPU_WARNING:
        problems.append(
            f"Some pages had no undisturbed round: other work used up to {disturbed:.0%} of the "
            "machine's CPU during a run counted; those figures are unreliable."
        )
    for page in pages:
        s = summary[page.key]
        if s["non2xx"]:
            problems.append(f"{page.label}: {s['non2xx']} non-2xx responses")
        if page.target and s["ratio_p95"] > TARGET_RATIO:
            problems.append(
                f"{page.label}: p95 is {s['ratio_p95']:.1f}× /healthz (target ≤ {TARGET_RATIO:g}×)"
            )
    if scaling is not None:
        if not scaling["same_machine"]:
            problems.append(
                "The national and small runs compared were measured on different machines; "
                "national ÷ small is unreliable."
            )
        for row in scaling["pages"]:
            if row["target"] and row["ratio"] > SCALE_TARGET_RATIO:
                problems.append(
                    f"{row['label']}: p50 at national scale is {row['ratio']:.1f}× p50 at small "
                    f"scale (target ≤ {SCALE_TARGET_RATIO:g}×)"
                )
    return problems


def markdown(data: dict[str, Any], pages: list[Page]) -> str:
    m, a, t = data["machine"], data["config"], data["targets"]
    s, q = data["summary"], data["queries"]
    rows = data["row_counts"]
    out = [
        "# Benchmarks",
        "",
        "Written by `bench/run` (see `bench/runner.py`); do not edit by hand, run it again. "
        "Raw figures, including every SQL statement per page, are in "
        f"`bench/results/{a['scale']}-latest.json` on the machine that ran it.",
        "",
        f"**Target:** the organisation tree, the organisation pages, a council's page, a "
        "meeting page, the influence ledger of a council and of an HF, the coordinator's "
        f"overview and the representative search answer with p95 ≤ {TARGET_RATIO:g} × the p95 "
        "of `/healthz`, and no response is anything but 2xx; the council, meeting and ledger "
        f"pages' p50 at national scale is at most {SCALE_TARGET_RATIO:g} × their p50 at small "
        "scale.",
        "",
        "## Run",
        "",
        f"- Date: {data['date']}",
        f"- Machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB memory, "
        f"Linux {m['kernel']}",
        f"- Software: Python {m['python']}, Django {m['django']}, PostgreSQL {m['postgresql']}, "
        f"gunicorn {m['gunicorn']} ({WORKERS} sync workers), {m['wrk']}",
        f"- Load: `wrk -t{a['threads']} -c{a['connections']}`, {a['duration']} s per page, "
        f"{a['rounds']} alternating rounds (/healthz, then each page, in every round); "
        "wrk, gunicorn and PostgreSQL share the machine",
        f"- Data: `python -m bench.generate --scale {a['scale']} --seed {a['seed']}`; logged in as "
        f"{t['user_email']}, administrator of {t['hf_name']}, unless a page's note (below the "
        "latency table) names another person",
        f"- Other work on the machine: {m['busy_before']:.0%} of the CPUs busy before the "
        f"run; waited {m.get('waited_for_quiet_s', 0)} s in all for quiet",
        f"- Verdict: {'all pages meet the target' if not data['problems'] else 'see below'}",
        "",
        "| Rows | Count |",
        "|---|---:|",
        *[f"| {key} | {n:,} |" for key, n in rows.items()],
        "",
        "## Latency and throughput",
        "",
        "Medians across the rounds in which other work on the machine disturbed neither the "
        "page's run nor that round's /healthz run (see the per-round table; all rounds if none "
        "was undisturbed). The ratio is each such round's page p95 ÷ that round's /healthz p95, "
        "median across those rounds. Non-2xx is the total over all rounds (3xx included).",
        "",
        "| Page | Path | p50 ms | p95 ms | p99 ms | req/s | non-2xx | p95 ÷ /healthz | Rounds "
        "| Target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for page in pages:
        x = s[page.key]
        if page.key == "healthz":
            verdict = "baseline"
        elif not page.target:
            verdict = "–"
        elif x["ratio_p95"] <= TARGET_RATIO and not x["non2xx"]:
            verdict = "met"
        else:
            verdict = "**missed**"
        out.append(
            f"| {page.label} | `{page.path}` | {x['p50_ms']:.1f} | {x['p95_ms']:.1f} | "
            f"{x['p99_ms']:.1f} | {x['rps']:.0f} | {x['non2xx']} | {x['ratio_p95']:.1f}× | "
            f"{', '.join(map(str, x['rounds_used']))} | {verdict} |"
        )
    out += [
        "",
        *[f"- {page.label}: {page.note}" for page in pages if page.note],
        "",
        *scaling_table(data.get("scaling")),
        "## SQL queries and work per page",
        "",
        "Django's test Client in the benchmark process, same database and same logged-in "
        "person, DEBUG off; medians of 5 requests after one warm-up. In-process ms is the "
        "whole request through Django without HTTP or gunicorn, Python CPU ms the CPU time this "
        "process spent on it (not PostgreSQL's; less sensitive to other load); template ms the "
        "time in "
        "`render()` (it includes the SQL of querysets the template evaluates). `{% url %}` "
        "counts the reversals while rendering, instances the model objects built. These are "
        "the view's own figures, with the whole-page cache (`core/pagecache.py`) off; "
        "*Repeat visit* is the queries of the same person's next visit with it on, which is "
        "what gunicorn serves under wrk above (the page's stamp unchanged).",
        "",
        "| Page | Queries | Repeat visit | SQL ms | In-process ms | Python CPU ms | Template ms "
        "| `{% url %}` | Instances | HTML KB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in pages:
        x = q[page.key]
        out.append(
            f"| {page.label} | {x['queries']} | {x.get('cached_queries', '–')} | "
            f"{x['sql_ms']:.1f} | {x['wall_ms']:.1f} | "
            f"{x['cpu_ms']:.1f} | {x['template_ms']:.1f} | {x['url_tags']} | "
            f"{x['model_instances']} | {x['html_kb']:.1f} |"
        )
    out += [
        "",
        "## p95 per round (ms)",
        "",
        "In brackets: the share of the machine's CPU that other work (not gunicorn, "
        "PostgreSQL or wrk) used during that run; more than "
        f"{OTHER_CPU_WARNING:.0%} means the run was disturbed, and it is struck through when "
        "the summary above leaves it out.",
        "",
        "| Page | " + " | ".join(f"Round {i + 1}" for i in range(a["rounds"])) + " |",
        "|---|" + "---:|" * a["rounds"],
    ]
    for page in pages:
        used = s[page.key]["rounds_used"]
        cells = [
            f"{r[page.key]['p95_ms']:.1f} ({r[page.key].get('other_cpu', 0):.0%})"
            if n + 1 in used
            else f"~~{r[page.key]['p95_ms']:.1f}~~ ({r[page.key].get('other_cpu', 0):.0%})"
            for n, r in enumerate(data["rounds"])
        ]
        out.append(f"| {page.label} | " + " | ".join(cells) + " |")
    out += [
        "",
        "## Method",
        "",
        "- `bench/run` recreates the database `medvirke_bench`, migrates, generates the data, "
        "runs collectstatic and starts gunicorn with production settings (`MEDVIRKE_DEBUG=0`, "
        "a random secret key, no HTTPS redirect, MFA requirement off so the session works "
        "without a TOTP step).",
        "- The session is created directly (Django's `force_login`), and wrk sends its cookie. "
        "`/healthz` is requested without the cookie: it is the bare floor (middleware, no "
        "database, no template), so every page's ratio includes loading the session and "
        "the person.",
        "- Before every run the harness sends ten sequential `/healthz` requests (they return "
        "only once the backlog the previous run left in gunicorn is served: wrk stops with up "
        "to -c requests queued, and behind a slow page that is seconds of work the next run "
        "would count as its own tail) and ten requests to the page itself (per-worker caches "
        "warm, the steady state the query-count tests also measure).",
        "- `bench/report.lua` counts every response that is not 2xx in each wrk thread; wrk "
        "itself only counts 4xx and 5xx.",
        "- Other work on the same machine (tests, builds) distorts the figures. The harness "
        "counts the CPU that processes other than gunicorn, PostgreSQL and wrk use during each "
        "run, waits for quiet before starting, measures a disturbed page again after waiting "
        "(`--retries`, within one waiting budget, `--wait-quiet`), and leaves rounds that stay "
        "disturbed out of the medians.",
        "- Quick run: `bench/run --scale small` (writes `bench/results/small-latest.*`, "
        "leaves this file alone). `bench/run --from-json FILE` summarises an earlier run again "
        "without measuring.",
        "- Pages may be measured as different people: each person gets their own session, "
        "created the same way; the SQL counts use the same person as wrk.",
        "- National ÷ small compares this run with the latest run at the other scale found in "
        "`bench/results/`; run both on the same quiet machine, small first.",
    ]
    if data["problems"]:
        out += ["", "## Problems", "", *[f"- {p}" for p in data["problems"]]]
    return "\n".join(out) + "\n"


def scaling_table(scaling: dict[str, Any] | None) -> list[str]:
    """The report's "National ÷ small" section (Markdown lines, ending with a blank line)."""
    out = ["## National ÷ small", ""]
    if scaling is None:
        return [
            *out,
            "No run at the other scale to compare with: run `bench/run --scale small` and "
            "`bench/run` on the same machine, and each report shows p50 at national scale ÷ p50 "
            f"at small scale (target ≤ {SCALE_TARGET_RATIO:g}× for the council, meeting and "
            "ledger pages).",
            "",
        ]
    out += [
        f"p50 of each page measured at both scales: national run of {scaling['national_date']}, "
        f"small run of {scaling['small_date']} (`bench/results/<scale>-latest.json`). The "
        "council, meeting and ledger pages must not grow with the country: target ≤ "
        f"{SCALE_TARGET_RATIO:g}× for the pages marked.",
        "",
    ]
    if not scaling["same_machine"]:
        out += ["**The two runs were on different machines: the ratios are unreliable.**", ""]
    out += [
        "| Page | small p50 ms | national p50 ms | national ÷ small | Target |",
        "|---|---:|---:|---:|---|",
    ]
    for row in scaling["pages"]:
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


# --- Main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    write_docs = args.docs if args.docs is not None else args.scale == "national"
    if args.from_json:
        earlier: dict[str, Any] = json.loads(Path(args.from_json).read_text())
        if args.docs is None:
            write_docs = earlier["config"]["scale"] == "national"
        ok = write_reports(earlier, [Page(**p) for p in earlier["pages"]], write_docs)
        return 0 if ok else 1
    # SIGTERM/SIGHUP exit through Python so atexit stops gunicorn (Ctrl-C does so already).
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
    started = time.monotonic()
    RESULTS.mkdir(parents=True, exist_ok=True)
    ensure_wrk()
    os.environ.update(bench_env())
    prepare(args)

    django_setup()
    from django.db import connections

    targets = choose_targets()
    pages = build_pages(targets)
    cookies = page_cookies(pages, targets.user_id)
    log("counting SQL queries per page (test Client, same database and person)")
    queries = measure_queries(pages, targets.user_id)
    counts = row_counts()
    info = machine()
    connections.close_all()

    wait_quiet = QuietWait(args.wait_quiet)
    busy_before = wait_quiet()
    server = Gunicorn(free_port(args.port), RESULTS / f"gunicorn-{args.scale}.log")
    server.start()
    try:
        for page in pages:  # fail fast if the cookie does not work; also warms both workers
            for _i in range(2 * WORKERS):
                status, location = http_get(server.port, page.path, cookies[page.key] or None)
                if status != 200:
                    raise SystemExit(
                        f"{page.path} answered {status} {location} before the "
                        "benchmark; see " + str(server.log_path)
                    )
        rounds: list[dict[str, dict[str, Any]]] = []
        for n in range(args.rounds):
            this_round: dict[str, dict[str, Any]] = {}
            for page in pages:
                for attempt in range(args.retries + 1):
                    result = this_round[page.key] = run_wrk(args, server, page, cookies[page.key])
                    result["attempts"] = attempt + 1
                    if (
                        result["other_cpu"] <= OTHER_CPU_WARNING
                        or attempt == args.retries
                        or not wait_quiet.remaining
                    ):
                        break
                    log(
                        f"round {n + 1}/{args.rounds} {page.label:<36} disturbed (other work "
                        f"used {result['other_cpu']:.0%} CPU); waiting, then measuring again"
                    )
                    wait_quiet()
                log(
                    f"round {n + 1}/{args.rounds} {page.label:<36} p50 {result['p50_ms']:7.1f} "
                    f"p95 {result['p95_ms']:7.1f} ms {result['rps']:7.1f} req/s "
                    f"non-2xx {result['non2xx']}  other CPU {result['other_cpu']:.0%}"
                )
            rounds.append(this_round)
    finally:
        server.stop()

    data: dict[str, Any] = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "config": {
            "scale": args.scale,
            "seed": args.seed,
            "rounds": args.rounds,
            "duration": args.duration,
            "threads": args.threads,
            "connections": args.connections,
            "workers": WORKERS,
            "target_ratio": TARGET_RATIO,
        },
        "machine": {
            **info,
            "busy_before": round(busy_before, 3),
            "waited_for_quiet_s": round(wait_quiet.waited),
        },
        "row_counts": counts,
        "targets": asdict(targets),
        "pages": [asdict(p) for p in pages],
        "queries": queries,
        "rounds": rounds,
    }
    ok = write_reports(data, pages, write_docs)
    log(f"done in {time.monotonic() - started:.0f} s")
    return 0 if ok else 1


def write_reports(data: dict[str, Any], pages: list[Page], write_docs: bool) -> bool:
    """Summarise, write the JSON and the Markdown report; False when a page had non-2xx."""
    summary = data["summary"] = summarise(pages, data["rounds"])
    data["scaling"] = scaling_for(data, pages)
    data["problems"] = verdicts(pages, summary, data["scaling"])
    queries = data["queries"]
    json_path = RESULTS / f"{data['config']['scale']}-latest.json"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    report = markdown(data, pages)
    (RESULTS / f"{data['config']['scale']}-latest.md").write_text(report)
    if write_docs:
        DOCS.parent.mkdir(exist_ok=True)
        DOCS.write_text(report)
    log(
        f"wrote {json_path.relative_to(ROOT)}"
        + (f" and {DOCS.relative_to(ROOT)}" if write_docs else "")
    )
    for page in pages:
        x = summary[page.key]
        log(
            f"  {page.label:<36} p95 {x['p95_ms']:7.1f} ms  {x['ratio_p95']:5.1f}× /healthz  "
            f"{queries[page.key]['queries']:>3} queries  non-2xx {x['non2xx']}"
        )
    for problem in data["problems"]:
        log(f"PROBLEM: {problem}")
    return not any(summary[p.key]["non2xx"] for p in pages)


if __name__ == "__main__":
    sys.exit(main())
