"""Generated meetings for benchmarks: `gen_data` runs this step after the bodies' (see
organisations/generator.py for the protocol).

National scale: 50,000 meetings over the generated bodies (councils and forums meet more often
than groups; an ended body's meetings stop before it ended), about two months apart, from some
years back to a few months ahead: upcoming ones planned (called when within three weeks), the
last few weeks' held with draft minutes, older ones with approved and published minutes. 400,000
cases on their agendas, numbered per body and year in meeting order ("Sak 12/26"), a few exempt
from public access. 150,000 pieces of advice in the advice and consultation cases of held
meetings, sent to the body's owner with a due date, most answered (followed, partly, not
followed, under consideration; some answers changed, some came after the due date), the rest
open and partly overdue. Attendance, papers, dissents and proposals are not generated.

Generated rows have no history rows: they are bulk data for measuring, not anybody's changes.
That is also how they are told apart from real ones: a meeting is generated if its body is
(bodies/generator.py), a generated person planned it and it has no history of its own; every
meeting planned through the application has a history row from the start, so `flush` never
deletes a real one, and a real case, paper or minutes under a generated meeting makes the flush
fail (PROTECT) with nothing changed.
"""

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import CharField, Exists, Model, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone

from medvirke.bodies import generator as bodies_generator
from medvirke.bodies.generator import generated_bodies
from medvirke.bodies.models import Body
from medvirke.core.models import AuditEvent
from medvirke.organisations.generator import UNIT_TOPICS, USER_EMAIL_SUFFIX, Context

from .models import Advice, AdviceResponse, AdviceStatus, Case, Meeting, Minutes
from .permissions import ANSWERING_ROLES


@dataclass(frozen=True)
class MeetingScale:
    meetings: int
    cases: int
    advice: int


# Keyed by the organisations' scale names (`gen_data --scale`).
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
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


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
    numbers: Counter[tuple[int, int]] = Counter()  # (body, year) → last case number
    summary: Counter[str] = Counter()
    for start in range(0, len(plan), CHUNK):
        meetings, minutes, cases, advice_list, responses = [], [], [], [], []
        case_meta: list[tuple[int, int]] = []  # (meeting index in chunk, case index in meeting)
        for m in range(start, min(start + CHUNK, len(plan))):
            body, day = plan[m]
            staff = bodies.staff[body.pk]
            starts = _local(day, rng.choice((9, 10, 12, 13)))
            ends = starts + timedelta(hours=rng.choice((2, 3, 4)))
            until = (day - today).days
            status = Meeting.Status.MINUTES_APPROVED
            if until >= 0:
                called = until <= CALLED_WITHIN_DAYS
                status = Meeting.Status.CALLED if called else Meeting.Status.PLANNED
            elif -until <= HELD_DRAFT_DAYS:
                status = Meeting.Status.HELD
            created = min(cap, starts - timedelta(days=rng.randint(60, 200)))
            meetings.append(
                Meeting(
                    body_id=body.pk,
                    title=f"Møte {day:%m/%Y}" if rng.random() < 0.5 else "",
                    starts_at=starts,
                    ends_at=ends,
                    place=rng.choice(PLACES),
                    status=status,
                    called_at=starts - timedelta(days=14)
                    if status != Meeting.Status.PLANNED
                    else None,
                    created_by_id=rng.choice(staff).pk,
                    created_at=created,
                )
            )
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
                cases.append(
                    Case(
                        body_id=body.pk,
                        year=day.year,
                        number=numbers[body.pk, day.year],
                        agenda_order=k + 1,
                        title=title,
                        description=rng.choice(DESCRIPTIONS),
                        kind=kind,
                        owner_unit_id=body.owner_id if advice_case else None,
                        is_public=not exempt,
                        exemption_basis=EXEMPTION if exempt else "",
                        phase=rng.choice(Case.Phase.values),
                        ladder_step=body.ladder_step,
                        no_individual_patient=True,
                        created_by_id=rng.choice(staff).pk,
                        created_at=created,
                    )
                )
                case_meta.append((m - start, k))
        with given_times(Meeting, "created_at"):
            meetings = insert(meetings)
        for meeting in meetings:
            if meeting.status not in (Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED):
                continue
            approved = meeting.status == Meeting.Status.MINUTES_APPROVED
            at = meeting.ends_at + timedelta(days=rng.randint(3, 14))
            minutes.append(
                Minutes(
                    meeting_id=meeting.pk,
                    status=Minutes.Status.PUBLISHED if approved else Minutes.Status.DRAFT,
                    text="Utvalget var beslutningsdyktig.",
                    approved_how=Minutes.ApprovedHow.CHAIR if approved else "",
                    approved_by_id=meeting.created_by_id if approved else None,
                    approved_at=at if approved else None,
                    published_at=at + timedelta(days=1) if approved else None,
                    updated_by_id=meeting.created_by_id,
                )
            )
        insert(minutes)
        for case, (i, _k) in zip(cases, case_meta, strict=True):
            case.meeting_id = meetings[i].pk
        with given_times(Case, "created_at"):
            cases = insert(cases)
        for case, (i, k) in zip(cases, case_meta, strict=True):
            if (start + i, k) not in advice_at:
                continue
            meeting = meetings[i]
            day = timezone.localdate(meeting.starts_at)
            due = day + timedelta(days=rng.choice((30, 42, 60, 90)))
            weights_for = DUE_STATUSES if due < today else NOT_YET_DUE_STATUSES
            statuses, odds = zip(*weights_for, strict=True)
            advice_status: str = rng.choices(statuses, odds)[0]
            advice_list.append(
                Advice(
                    case_id=case.pk,
                    text=rng.choice(ADVICE_TEXTS),
                    recipient_unit_id=case.owner_unit_id,
                    due_on=due,
                    status=advice_status,
                    created_by_id=case.created_by_id,
                    created_at=meeting.ends_at,
                )
            )
        with given_times(Advice, "created_at"):
            advice_list = insert(advice_list)
        for advice in advice_list:
            if advice.status == S.UNANSWERED:
                continue
            people = answering.get(advice.recipient_unit_id or 0) or [advice.created_by_id]
            given = advice.created_at.date()
            answers = [advice.status]
            if advice.status != S.UNDER_CONSIDERATION and rng.random() < CHANGED_SHARE:
                answers.insert(0, S.UNDER_CONSIDERATION)
            # The final answer by the due date or (some) after it; earlier ones before it.
            if rng.random() < LATE_SHARE:
                final = advice.due_on + timedelta(days=rng.randint(1, 60))
            else:
                final = given + timedelta(days=rng.randint(1, max(1, (advice.due_on - given).days)))
            for n, answer in enumerate(answers, start=1):
                day = given + (final - given) * n // len(answers)
                responded = min(cap, _local(day, 12))
                summary["advice.answered_late"] += int(responded.date() > advice.due_on)
                responses.append(
                    AdviceResponse(
                        advice_id=advice.pk,
                        status=answer,
                        reasoning=REASONINGS[answer],
                        responded_by_id=rng.choice(people),
                        responded_at=responded,
                    )
                )
        with given_times(AdviceResponse, "responded_at"):
            insert(responses)
        summary["meetings"] += len(meetings)
        summary["minutes"] += len(minutes)
        summary["cases"] += len(cases)
        summary["advice"] += len(advice_list)
        summary["advice.responses"] += len(responses)
        summary.update(f"meetings.{m.status}" for m in meetings)
        summary.update(f"advice.{a.status}" for a in advice_list)
        summary["advice.overdue"] += sum(
            1
            for a in advice_list
            if a.status in (S.UNANSWERED, S.UNDER_CONSIDERATION) and a.due_on < today
        )
    ctx.summary.update(sorted(summary.items()))


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


def _without_history(queryset: Any, model: type[Model]) -> Any:
    history = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    return queryset.exclude(Exists(history))


def counts() -> dict[str, int]:
    meetings = generated_meetings()
    return {
        "meetings": meetings.count(),
        "cases": Case.objects.filter(meeting__in=meetings).count(),
        "advice": Advice.objects.filter(case__meeting__in=meetings).count(),
    }


def flush() -> dict[str, int]:
    """The generated meetings and, below them, their generated minutes, cases, advice and
    answers, the lowest first. Anything real left under them is PROTECTed and makes the flush
    fail, with nothing changed."""
    meetings = generated_meetings()
    cases = _without_history(Case.objects.filter(meeting__in=meetings), Case)
    advice = _without_history(Advice.objects.filter(case__in=cases), Advice)
    deleted: Counter[str] = Counter()
    for queryset in (
        _without_history(AdviceResponse.objects.filter(advice__in=advice), AdviceResponse),
        advice,
        _without_history(Minutes.objects.filter(meeting__in=meetings), Minutes),
        cases,
        meetings,
    ):
        deleted.update(queryset.delete()[1])
    return dict(deleted)
