"""Generated meetings for the benchmark: `bench.generate` runs this step after the bodies' (see
organisations.py).

National scale: 50,000 meetings over the generated bodies (councils and forums meet more often
than groups; an ended body's meetings stop before it ended), about two months apart, from some
years back to a few months ahead: upcoming ones planned (called when within three weeks), the
last few weeks' held with draft minutes, older ones with approved and published minutes. 400,000
cases on their agendas, numbered per body and year in meeting order ("Sak 12/26"), a few exempt
from public access. 150,000 pieces of advice in the advice and consultation cases of held
meetings, sent to the body's owner with a due date, most answered (followed, partly, not
followed, under consideration; some answers changed, some came after the due date), the rest
open and partly overdue. The held meetings have attendance: who was there, came late or left
early, who sent an absence notice and which deputy was called in (meetings_attendance.py).
Meetings of the last year have papers, the notice and most cases' papers, a few late
(meetings_papers.py; the files themselves are not stored). Dissents and proposals are not
generated.

Speed: the meetings go in with bulk_create, the big tables (cases, advice, answers, minutes,
attendance, absence notices, papers) as plain rows with ids given here (insert_rows). On a busy
two-core machine the national step took 39 s on SQLite and 77 s on PostgreSQL (bulk_create took
200 s on SQLite). With attendance (180,000 rows, 14,000 absence notices) and papers (118,000
rows) the whole national generation took 107 s on PostgreSQL on a quiet two-core machine (49 s
of Python CPU, 43 s before them).

Generated rows have no history rows: they are bulk data for measuring, not anybody's changes.
That is also how they are told apart from real ones: a meeting is generated if its body is
(bodies.py), a generated person planned it and it has no history of its own; every meeting
planned through the application has a history row from the start.
"""

import random
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection
from django.db.models import CharField, Exists, Model, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone

from medvirke.bodies.models import Body
from medvirke.core.models import AuditEvent
from medvirke.meetings.models import (
    AbsenceNotice,
    Advice,
    AdviceResponse,
    AdviceStatus,
    Attendance,
    Case,
    Meeting,
    Minutes,
    Paper,
)
from medvirke.meetings.permissions import ANSWERING_ROLES

from . import bodies as bodies_generator
from .bodies import generated_bodies
from .meetings_attendance import (
    ATTENDANCE_COLUMNS,
    NOTICE_COLUMNS,
    AttendanceRows,
    terms_by_body,
)
from .meetings_papers import COLUMNS as PAPER_COLUMNS
from .meetings_papers import PaperRows
from .organisations import UNIT_TOPICS, USER_EMAIL_SUFFIX, Context

Row = tuple[Any, ...]


@dataclass(frozen=True)
class MeetingScale:
    meetings: int
    cases: int
    advice: int


# Keyed by the organisations' scale names (`bench.generate --scale`).
SCALES: dict[str, MeetingScale] = {
    "national": MeetingScale(meetings=50_000, cases=400_000, advice=150_000),
    "small": MeetingScale(meetings=200, cases=1_500, advice=500),
}
B = Body.Kind
# How often a kind of body meets, relatively (councils and forums most).
MEETING_WEIGHT: dict[str, int] = {
    B.FORUM: 6,
    B.REGIONAL_COUNCIL: 8,
    B.TRUST_COUNCIL: 8,
    B.USER_COUNCIL: 6,
    B.YOUTH_COUNCIL: 5,
}
OTHER_WEIGHT = 3
INTERVAL_DAYS = (45, 75)  # between two meetings of a body
HELD_DRAFT_DAYS = 40  # held this recently: minutes still a draft
CALLED_WITHIN_DAYS = 21
# Meetings are created a few thousand at a time with their cases, advice and answers, so the
# national scale never holds 400,000 case objects in memory at once.
CHUNK = 2_000
LATE_SHARE = 0.2  # answers that came after the due date
CHANGED_SHARE = 0.2  # final answers with an earlier "under consideration"

S = AdviceStatus
# Advice whose due date has passed, and advice still within its time.
DUE_STATUSES = [
    (S.FOLLOWED, 40),
    (S.PARTLY_FOLLOWED, 22),
    (S.NOT_FOLLOWED, 13),
    (S.UNDER_CONSIDERATION, 10),
    (S.UNANSWERED, 15),
]
NOT_YET_DUE_STATUSES = [(S.UNANSWERED, 60), (S.UNDER_CONSIDERATION, 25), (S.FOLLOWED, 15)]

PLACES = [
    "Møterom 1",
    "Møterom Fjorden",
    "Administrasjonsbygget, 3. etasje",
    "Lærings- og mestringssenteret",
    "Digitalt møte (Teams)",
    "Kommunestyresalen",
]
SUBJECTS = [
    "Ventetider i {t}",
    "Pasientinformasjon om {t}",
    "Rutiner for individuell plan – {t}",
    "Nytt sykehusbygg: arealer for {t}",
    "Omlegging av tilbudet innen {t}",
    "Pakkeforløp for {t}",
    "Samvalg i behandlingen av {t}",
    "Brukerundersøkelse: {t}",
    "Digital hjemmeoppfølging – {t}",
    "Overganger mellom sykehus og kommune: {t}",
    "Pårørendes rolle i {t}",
    "Handlingsplan for {t}",
]
GENERAL = [
    "Årsmelding for utvalget",
    "Møteplan og arbeidsplan for neste år",
    "Orientering fra administrerende direktør",
    "Budsjett og økonomisk langtidsplan",
    "Opplæring av brukerrepresentanter",
    "Pasientreiser – erfaringer fra brukerne",
    "Høring: regional utviklingsplan",
    "Likepersonsarbeid i tjenesten",
    "Eventuelt",
]
DESCRIPTIONS = [
    "Administrasjonen orienterer og ber om utvalgets innspill før saken behandles videre.",
    "Utvalget bes om råd om hvordan pasienters og pårørendes erfaringer kan brukes i arbeidet.",
    "Saken er meldt opp av utvalget. Fagdirektøren deltar under behandlingen.",
    "Saksframlegg følger vedlagt. Utvalget drøfter saken og gir eventuelt råd.",
    "",
]
ADVICE_TEXTS = [
    "Utvalget anbefaler at brukere deltar i arbeidsgruppen fra start.",
    "Informasjonen skrives i klarspråk og testes av brukere før den tas i bruk.",
    "Tilbudet om fysisk oppmøte beholdes for pasienter som ikke kan bruke digitale løsninger.",
    "Pasienter med rett til individuell plan får tilbud om koordinator før utskrivning.",
    "Ventetiden oppgis i innkallingsbrevet og på nettsidene.",
    "Utvalget ber om å få saken tilbake til evaluering etter ett år.",
]
REASONINGS: dict[str, str] = {
    S.FOLLOWED: "Rådet er fulgt; endringen er innført.",
    S.PARTLY_FOLLOWED: "Rådet er delvis fulgt av kapasitetshensyn.",
    S.NOT_FOLLOWED: "Rådet er ikke fulgt; begrunnelsen er sendt utvalget.",
    S.UNDER_CONSIDERATION: "Rådet vurderes i det videre arbeidet.",
}
EXEMPTION = "Offentleglova § 23 første ledd (forhandlingsposisjon)"
EXEMPT_SHARE = 0.03


@contextmanager
def given_times(model: type[Model], *names: str) -> Iterator[None]:
    """Let bulk_create keep the times we set on auto_now_add fields (a ledger answered the
    moment it was generated would make every answer 'on time' and every meeting 'created
    today'). Only this command's process is affected, and only while it inserts."""
    fields: list[Any] = [model._meta.get_field(name) for name in names]
    saved = [f.auto_now_add for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in zip(fields, saved, strict=True):
            f.auto_now_add = value


def insert[T: Model](objs: Sequence[T]) -> list[T]:
    """bulk_create in the biggest batches the database takes (fewer round trips)."""
    if not objs:
        return []
    model: Any = type(objs[0])
    fields = len(model._meta.concrete_fields)
    limit = connection.features.max_query_params or 65_535
    return list(model.objects.bulk_create(objs, batch_size=max(1, min(5_000, limit // fields))))


def _local(day: date, hour: int) -> datetime:
    # The zone looked up once (make_aware asks the thread-local active zone every time).
    return datetime(day.year, day.month, day.day, hour, tzinfo=_zone())


@cache
def _zone() -> Any:
    return timezone.get_default_timezone()


def _exact(rng: Any, total: int, weights: list[float]) -> list[int]:
    """`total` split over len(weights) slots in proportion to the weights (exact sum)."""
    if not weights or total <= 0:
        return [0] * len(weights)
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    slots = [i for i, w in enumerate(weights) if w > 0]
    for i in rng.choices(slots, [weights[i] for i in slots], k=total - sum(counts)):
        counts[i] += 1
    return counts


def gen_meetings(ctx: Context) -> None:
    """Meetings with minutes, their cases, advice and answers, in chunks of CHUNK meetings."""
    rng = ctx.rng
    scale = SCALES[ctx.scale.name]
    bodies: bodies_generator.Generated = ctx.shared[bodies_generator.KEY]
    today = timezone.localdate()
    # Times in the past are at most yesterday noon (not "now", so the same seed gives the
    # same rows all day).
    cap = _local(today - timedelta(days=1), 12)
    active = [b for b in bodies.bodies if b.pk]
    if not active:
        return
    # Attendance draws from its own stream: the meetings and cases a seed gives stay the same
    # whatever the attendance rules.
    attendance_rng = random.Random(rng.getrandbits(64))
    terms = terms_by_body([b.pk for b in active])

    # Who answers advice sent to an organisation: its case handlers and administrators, else
    # the body's secretariat.
    answering: dict[int, list[int]] = {}
    for role in ctx.roles:
        if role.role in ANSWERING_ROLES:
            answering.setdefault(role.organisation_id, []).append(role.user_id)

    # 1. The meeting plan: how many per body, then each body's dates backwards from its next.
    weights = [float(MEETING_WEIGHT.get(b.kind, OTHER_WEIGHT)) for b in active]
    per_body = _exact(rng, scale.meetings, weights)
    plan: list[tuple[Body, date]] = []
    for body, n in zip(active, per_body, strict=True):
        if n == 0:
            continue
        last = (
            body.ended_on - timedelta(days=rng.randint(1, 30))
            if body.ended_on
            else today + timedelta(days=rng.randint(7, 120))
        )
        days = [last]
        for _i in range(n - 1):
            days.append(days[-1] - timedelta(days=rng.randint(*INTERVAL_DAYS)))
        plan += [(body, day) for day in reversed(days)]

    # 2. Cases per meeting (upcoming meetings have fewer so far) and which are advice cases.
    held = [day < today for _body, day in plan]
    case_counts = _exact(rng, scale.cases, [rng.uniform(4, 12) * (1.0 if h else 0.5) for h in held])
    eligible = [
        (m, k)
        for m, (n, h) in enumerate(zip(case_counts, held, strict=True))
        if h
        for k in range(n)
    ]
    advice_at = set(rng.sample(eligible, min(scale.advice, len(eligible))))

    topics = UNIT_TOPICS
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value
    phases = list(Case.Phase.values)
    generated_models: list[type[Model]] = [
        Minutes,
        Case,
        Advice,
        AdviceResponse,
        AbsenceNotice,
        Attendance,
        Paper,
    ]
    next_id = {model: first_free_id(model) for model in generated_models}
    numbers: Counter[tuple[int, int]] = Counter()  # (body, year) → last case number
    summary: Counter[str] = Counter()
    for start in range(0, len(plan), CHUNK):
        meetings = []
        for m in range(start, min(start + CHUNK, len(plan))):
            body, day = plan[m]
            starts = _local(day, rng.choice((9, 10, 12, 13)))
            until = (day - today).days
            status = Meeting.Status.MINUTES_APPROVED
            if until >= 0:
                called = until <= CALLED_WITHIN_DAYS
                status = Meeting.Status.CALLED if called else Meeting.Status.PLANNED
            elif -until <= HELD_DRAFT_DAYS:
                status = Meeting.Status.HELD
            meetings.append(
                Meeting(
                    body_id=body.pk,
                    title=f"Møte {day:%m/%Y}" if rng.random() < 0.5 else "",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=rng.choice((2, 3, 4))),
                    place=rng.choice(PLACES),
                    status=status,
                    called_at=starts - timedelta(days=14)
                    if status != Meeting.Status.PLANNED
                    else None,
                    created_by_id=rng.choice(bodies.staff[body.pk]).pk,
                    created_at=min(cap, starts - timedelta(days=rng.randint(60, 200))),
                )
            )
        with given_times(Meeting, "created_at"):
            meetings = insert(meetings)

        # The big tables as plain rows with their ids given here (bulk_create spent most of its
        # time building and preparing 400,000 model instances; see insert_rows).
        minutes: list[Row] = []
        cases: list[Row] = []
        advice: list[Row] = []
        answers: list[Row] = []
        present = AttendanceRows(attendance_rng, lambda model: _take(next_id, model))
        papers = PaperRows(attendance_rng, lambda model: _take(next_id, model), cap)
        for m, meeting in enumerate(meetings, start=start):
            body, day = plan[m]
            staff = bodies.staff[body.pk]
            held_here = meeting.status in (Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED)
            if held_here:
                present.add(meeting, day, terms.get(body.pk, []))
                approved = meeting.status == Meeting.Status.MINUTES_APPROVED
                at = meeting.ends_at + timedelta(days=rng.randint(3, 14))
                minutes.append(
                    (
                        _take(next_id, Minutes),
                        meeting.pk,
                        Minutes.Status.PUBLISHED if approved else Minutes.Status.DRAFT,
                        "Utvalget var beslutningsdyktig.",
                        Minutes.ApprovedHow.CHAIR if approved else "",
                        meeting.created_by_id if approved else None,
                        stamp(at) if approved else None,
                        stamp(at + timedelta(days=1)) if approved else None,
                        meeting.created_by_id,
                        stamp(at),
                        1,
                    )
                )
            created = stamp(meeting.created_at)
            agenda: list[int] = []
            for k in range(case_counts[m]):
                numbers[body.pk, day.year] += 1
                advice_case = (m, k) in advice_at
                if advice_case:
                    kind = Case.Kind.ADVICE if rng.random() < 0.7 else Case.Kind.CONSULTATION
                else:
                    kind = Case.Kind.ORIENTATION if rng.random() < 0.6 else Case.Kind.DISCUSSION
                exempt = rng.random() < EXEMPT_SHARE
                title = (
                    rng.choice(SUBJECTS).format(t=rng.choice(topics))
                    if rng.random() < 0.8
                    else rng.choice(GENERAL)
                )
                case_id = _take(next_id, Case)
                agenda.append(case_id)
                author = rng.choice(staff).pk
                cases.append(
                    (
                        case_id,
                        body.pk,
                        day.year,
                        numbers[body.pk, day.year],
                        meeting.pk,
                        k + 1,
                        title,
                        rng.choice(DESCRIPTIONS),
                        kind,
                        body.owner_id if advice_case else None,
                        None,
                        not exempt,
                        EXEMPTION if exempt else "",
                        rng.choice(phases),
                        body.ladder_step,
                        True,
                        author,
                        created,
                    )
                )
                if advice_case:
                    summary.update(
                        add_advice(
                            rng,
                            advice,
                            answers,
                            next_id,
                            case_id=case_id,
                            unit=body.owner_id,
                            author=author,
                            meeting=meeting,
                            day=day,
                            people=answering.get(body.owner_id) or [author],
                            today=today,
                            cap=cap,
                        )
                    )
            papers.add(meeting, agenda, [person.pk for person in staff])
        insert_rows(Minutes, MINUTES_COLUMNS, minutes)
        insert_rows(Case, CASE_COLUMNS, cases)
        insert_rows(Advice, ADVICE_COLUMNS, advice)
        insert_rows(AdviceResponse, RESPONSE_COLUMNS, answers)
        insert_rows(AbsenceNotice, NOTICE_COLUMNS, present.notices)
        insert_rows(Attendance, ATTENDANCE_COLUMNS, present.attendance)
        insert_rows(Paper, PAPER_COLUMNS, papers.rows)
        summary.update(present.summary)
        summary.update(papers.summary)
        summary["meetings"] += len(meetings)
        summary["minutes"] += len(minutes)
        summary["cases"] += len(cases)
        summary["advice"] += len(advice)
        summary["advice.responses"] += len(answers)
        summary.update(f"meetings.{m.status}" for m in meetings)
    reset_sequences(generated_models)
    ctx.summary.update(sorted(summary.items()))


MINUTES_COLUMNS = [
    "id",
    "meeting",
    "status",
    "text",
    "approved_how",
    "approved_by",
    "approved_at",
    "published_at",
    "updated_by",
    "updated_at",
    "version",
]
CASE_COLUMNS = [
    "id",
    "body",
    "year",
    "number",
    "meeting",
    "agenda_order",
    "title",
    "description",
    "kind",
    "owner_unit",
    "owner_person",
    "is_public",
    "exemption_basis",
    "phase",
    "ladder_step",
    "no_individual_patient",
    "created_by",
    "created_at",
]
ADVICE_COLUMNS = [
    "id",
    "case",
    "text",
    "recipient_unit",
    "recipient_person",
    "due_on",
    "status",
    "created_by",
    "created_at",
]
RESPONSE_COLUMNS = ["id", "advice", "status", "reasoning", "responded_by", "responded_at"]


def add_advice(
    rng: Any,
    advice: list[Row],
    answers: list[Row],
    next_id: dict[type[Model], int],
    *,
    case_id: int,
    unit: int,
    author: int,
    meeting: Meeting,
    day: date,
    people: list[int],
    today: date,
    cap: datetime,
) -> Counter[str]:
    """One piece of advice in an advice case, and its answers (appended to the rows)."""
    stamp = connection.ops.adapt_datetimefield_value
    day_value = connection.ops.adapt_datefield_value
    given = day
    due = given + timedelta(days=rng.choice((30, 42, 60, 90)))
    statuses, odds = zip(*(DUE_STATUSES if due < today else NOT_YET_DUE_STATUSES), strict=True)
    status: str = rng.choices(statuses, odds)[0]
    advice_id = _take(next_id, Advice)
    advice.append(
        (
            advice_id,
            case_id,
            rng.choice(ADVICE_TEXTS),
            unit,
            None,
            day_value(due),
            status,
            author,
            stamp(meeting.ends_at),
        )
    )
    counted: Counter[str] = Counter({f"advice.{status}": 1})
    if status in (S.UNANSWERED, S.UNDER_CONSIDERATION) and due < today:
        counted["advice.overdue"] += 1
    if status == S.UNANSWERED:
        return counted
    given_answers = [status]
    if status != S.UNDER_CONSIDERATION and rng.random() < CHANGED_SHARE:
        given_answers.insert(0, S.UNDER_CONSIDERATION)
    # The final answer by the due date or (some) after it; earlier ones before it.
    if rng.random() < LATE_SHARE:
        final = due + timedelta(days=rng.randint(1, 60))
    else:
        final = given + timedelta(days=rng.randint(1, max(1, (due - given).days)))
    for n, answer in enumerate(given_answers, start=1):
        responded = min(cap, _local(given + (final - given) * n // len(given_answers), 12))
        counted["advice.answered_late"] += int(responded.date() > due)
        answers.append(
            (
                _take(next_id, AdviceResponse),
                advice_id,
                answer,
                REASONINGS[answer],
                rng.choice(people),
                stamp(responded),
            )
        )
    return counted


def _take(next_id: dict[type[Model], int], model: type[Model]) -> int:
    value = next_id[model]
    next_id[model] = value + 1
    return value


def first_free_id(model: type[Model]) -> int:
    """The first id above every row of the table. PostgreSQL: the table is locked against
    other writers until the transaction ends, so nobody takes these ids meanwhile."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608 (our own table name)
        row = cursor.fetchone()
    return int(row[0] or 0) + 1


def insert_rows(model: type[Model], names: list[str], rows: list[Row]) -> None:
    """INSERT rows (already in database form, ids included) many to a statement. Much faster
    than bulk_create for hundreds of thousands of rows: no model instances, no per-field
    preparation; it bypasses save() and signals, which generated rows do not need."""
    if not rows:
        return
    quote = connection.ops.quote_name
    fields: list[Any] = [model._meta.get_field(n) for n in names]
    # Columns the apps add later with a default (a `version` for an optimistic lock, say) get
    # it here too, as bulk_create would give it, so the generator keeps up without edits.
    extra = [
        f
        for f in model._meta.concrete_fields
        if f.name not in names
        and not f.primary_key
        and not f.null
        and f.has_default()
        and not f.has_db_default()
    ]
    if extra:
        defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
        fields += extra
        names = [*names, *(f.name for f in extra)]
        rows = [(*row, *defaults) for row in rows]
    columns = ", ".join(quote(f.column) for f in fields)
    table = quote(model._meta.db_table)
    limit = connection.features.max_query_params or 65_535
    per = max(1, min(1_000, limit // len(names)))
    row_sql = "(" + ", ".join(["%s"] * len(names)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg parses a statement's placeholders in Python each time (18,000 of them
            # in a thousand-row statement took 80 % of the time); executemany parses one row's
            # statement once and pipelines the rows.
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {row_sql}", rows)  # noqa: S608
            return
        for i in range(0, len(rows), per):
            batch = rows[i : i + per]
            values = ", ".join([row_sql] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values}",  # noqa: S608 (our own names)
                [value for row in batch for value in row],
            )


def reset_sequences(models: list[type[Model]]) -> None:
    """After inserting ids ourselves: PostgreSQL's sequences move past them (SQLite needs
    nothing; it continues after the highest id)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


STEPS = [gen_meetings]


def generated_meetings() -> Any:
    """Meetings of generated bodies, planned by a generated person, with no history of their
    own (see the module docstring)."""
    history = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Meeting),
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    return Meeting.objects.filter(
        body__in=generated_bodies(), created_by__email__endswith=USER_EMAIL_SUFFIX
    ).exclude(Exists(history))


def counts() -> dict[str, int]:
    meetings = generated_meetings()
    return {
        "meetings": meetings.count(),
        "cases": Case.objects.filter(meeting__in=meetings).count(),
        "advice": Advice.objects.filter(case__meeting__in=meetings).count(),
        "attendance": Attendance.objects.filter(meeting__in=meetings).count(),
    }
