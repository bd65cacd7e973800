"""Generated councils and groups for the benchmark: `bench.generate` runs these steps after the
organisations' and the representatives' (see organisations.py).

National scale: 2,000 bodies spread over the generated organisations (a forum body for each
forum, a regional council per RHF, a trust council per HF first; then youth councils, user
groups, reference, project, working and steering groups, municipal and NAV user councils), their
seats by role, and 25,000 terms: about nine in ten seats are held now (some terms carried over
past their end, some ending within 90 days, a few starting later or not yet confirmed), and
the seats' earlier terms ended at their end or early (resigned, replaced, removed, died). A seat
never has two open terms. A few project and working groups have ended. Some vacant seats have an
open call for candidates, sent to user organisations, with nominations from their
coordinators.

Generated bodies are those owned by a generated organisation that have no history of their own:
every body made through the application has a history row from the moment it was created,
generated rows have none (they are bulk data, not anybody's changes).
"""

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone

from medvirke.accounts.models import User
from medvirke.bodies.models import Body, Call, Nomination, Seat, Term
from medvirke.core.models import AuditEvent
from medvirke.organisations.models import Organisation, StaffRole
from medvirke.representatives.models import ExperienceArea, Representative

from .organisations import ORG_EMAIL_SUFFIX, UNIT_TOPICS, Context, bulk
from .representatives import generated as generated_representatives

K = Organisation.Kind
B = Body.Kind
R = Seat.Role


@dataclass(frozen=True)
class BodyScale:
    bodies: int
    terms: int
    open_calls: int
    # Project, working and steering groups that have ended (their terms all ended with them).
    ended_share: float = 0.08


# Keyed by the organisations' scale names (`bench.generate --scale`).
SCALES: dict[str, BodyScale] = {
    "national": BodyScale(bodies=2_000, terms=25_000, open_calls=150),
    # The ten bodies of the small world are mostly forums and councils (every forum, RHF and HF
    # has one), bigger than the average body, so it needs more terms per body to be as full.
    "small": BodyScale(bodies=10, terms=200, open_calls=3),
}
# Most seats are held; the rest of the terms are the seats' earlier holders.
HELD_SHARE = 0.9
MAX_PAST_TERMS = 6


@dataclass(frozen=True)
class Shape:
    """Seats (leader, deputy leader, members, deputies, observers as (low, high)), term length
    choices, maximum years, level, ladder step weights (steps 1–4), public."""

    leader: int
    deputy_leader: int
    members: tuple[int, int]
    deputies: tuple[int, int]
    observers: tuple[int, int]
    term_years: tuple[int, ...]
    max_years: int
    level: str
    steps: tuple[int, int, int, int]
    public: float


SHAPES: dict[str, Shape] = {
    B.FORUM: Shape(1, 1, (16, 22), (4, 6), (2, 3), (2,), 6, "system", (0, 3, 6, 1), 1.0),
    B.REGIONAL_COUNCIL: Shape(1, 1, (8, 11), (3, 4), (0, 1), (2,), 6, "system", (0, 3, 6, 1), 1.0),
    B.TRUST_COUNCIL: Shape(1, 1, (6, 9), (2, 4), (0, 1), (2,), 6, "system", (0, 5, 4, 1), 1.0),
    B.USER_COUNCIL: Shape(1, 1, (4, 7), (2, 3), (0, 1), (2, 4), 8, "system", (1, 6, 3, 0), 1.0),
    B.YOUTH_COUNCIL: Shape(1, 1, (5, 8), (2, 3), (0, 0), (1, 2), 4, "system", (1, 5, 3, 1), 1.0),
    B.USER_GROUP: Shape(1, 0, (3, 6), (0, 2), (0, 0), (2,), 6, "service", (0, 4, 5, 1), 0.6),
    B.REFERENCE_GROUP: Shape(0, 0, (3, 6), (0, 2), (0, 0), (2,), 6, "service", (1, 7, 2, 0), 0.5),
    B.PROJECT_GROUP: Shape(1, 0, (2, 4), (0, 1), (0, 1), (1, 3), 4, "service", (0, 3, 6, 1), 0.5),
    B.WORKING_GROUP: Shape(1, 0, (2, 5), (0, 1), (0, 0), (1, 2), 4, "service", (0, 4, 5, 1), 0.5),
    B.STEERING_GROUP: Shape(1, 0, (1, 3), (0, 1), (0, 0), (2, 3), 6, "system", (0, 2, 7, 1), 0.6),
}
# What else each kind of organisation has, beyond the councils every forum, RHF and HF has.
EXTRA_BODIES: dict[str, list[str]] = {
    K.RHF: [B.YOUTH_COUNCIL, B.PROJECT_GROUP, B.PROJECT_GROUP, B.STEERING_GROUP],
    K.HF: [
        B.YOUTH_COUNCIL,
        B.WORKING_GROUP,
        B.WORKING_GROUP,
        B.PROJECT_GROUP,
        B.PROJECT_GROUP,
        B.PROJECT_GROUP,
        B.STEERING_GROUP,
        B.REFERENCE_GROUP,
    ],
    K.CLINIC: [B.USER_GROUP, B.REFERENCE_GROUP, B.PROJECT_GROUP],
    K.UNIT: [B.USER_GROUP, B.PROJECT_GROUP],
    K.MUNICIPALITY: [B.USER_COUNCIL, B.USER_COUNCIL, B.WORKING_GROUP],
    K.NAV_OFFICE: [B.USER_COUNCIL],
    K.FORUM: [B.WORKING_GROUP],
}
PROJECTS = [
    "Nytt akuttbygg",
    "Digital hjemmeoppfølging",
    "Pakkeforløp hjem",
    "Samvalg i poliklinikken",
    "Trygg utskrivning",
    "Felles pasientjournal",
    "Pasientreiser",
    "Ventetid og fristbrudd",
    "Pasientsikkerhet i overganger",
    "Videokonsultasjoner",
    "Nytt psykiatribygg",
    "Lærings- og mestringstilbud",
]
WORK_TOPICS = [
    "pasientinformasjon",
    "pårørendearbeid",
    "samvalg",
    "digitale tjenester",
    "overganger mellom sykehus og kommune",
    "likepersonsarbeid",
    "ventetider",
    "brukerundersøkelser",
    "opplæring av brukerrepresentanter",
    "tilgjengelighet",
]
MANDATES = {
    "system": "Utvalget gir råd til ledelsen om planlegging, utvikling og evaluering av "
    "tjenestene, og skal sikre at pasienters og pårørendes erfaringer blir brukt. Utvalget "
    "behandler ikke enkeltsaker.",
    "service": "Gruppen deltar i forbedringsarbeidet fra idé til evaluering og gir innspill "
    "til tjenestens rutiner, informasjon og tilbud.",
}
LADDER_WHY = {
    1: "Gruppen blir orientert om planene; den har ingen rådgivende rolle i mandatet.",
    2: "Mandatet sier at utvalget skal høres før beslutninger tas: konsultasjon.",
    3: "Mandatet gir rett til å delta i arbeidet fra start og å bli hørt før vedtak: "
    "medbestemmelse.",
    4: "Brukerne leder arbeidet og disponerer midlene selv: brukerstyring.",
}
PROFILES = [
    "Erfaring fra psykisk helsevern, gjerne som pårørende.",
    "Erfaring med kronisk sykdom og lange forløp.",
    "Ung brukerrepresentant (under 26 år) ønskes.",
    "Erfaring med rus og avhengighet.",
    "Kjennskap til kommunale helse- og omsorgstjenester.",
    "",
]
JUSTIFICATIONS = [
    "Lang erfaring som brukerrepresentant og likeperson.",
    "Egen erfaring som passer godt til profilen.",
    "Har fullført opplæringen for brukerrepresentanter.",
    "Godt kjent med tjenesten fra pårørendesiden.",
]
NOMINATION_STATUSES = [
    Nomination.Status.NOMINATED,
    Nomination.Status.WITHDRAWN,
    Nomination.Status.DECLINED,
]
END_REASONS = [
    (Term.EndReason.TERM_END, 78),
    (Term.EndReason.RESIGNED, 13),
    (Term.EndReason.REPLACED, 5),
    (Term.EndReason.REMOVED, 2),
    (Term.EndReason.DIED, 2),
]


@dataclass
class Generated:
    bodies: list[Body] = field(default_factory=list)
    seats: dict[int, list[Seat]] = field(default_factory=dict)  # body pk → seats
    staff: dict[int, list[User]] = field(default_factory=dict)  # body pk → secretariat
    current: dict[int, int] = field(default_factory=dict)  # seat pk → representative pk


KEY = __name__


def _generated(ctx: Context) -> Generated:
    result: Generated = ctx.shared[KEY]
    return result


def _name(ctx: Context, owner: Organisation, kind: str, variant: int) -> str:
    rng = ctx.rng
    place = owner.name.removesuffix(" kommune")
    match kind:
        case B.FORUM:
            return owner.name
        case B.REGIONAL_COUNCIL:
            return f"Regionalt brukerutvalg i {owner.name.removesuffix(' RHF')}"
        case B.TRUST_COUNCIL:
            return f"Brukerutvalget ved {owner.name}"
        case B.YOUTH_COUNCIL:
            return f"Ungdomsrådet ved {owner.name}"
        case B.USER_GROUP:
            return f"Brukergruppe – {owner.name}"
        case B.REFERENCE_GROUP:
            return f"Referansegruppe for {rng.choice(UNIT_TOPICS)}"
        case B.PROJECT_GROUP:
            return f"Prosjektgruppe: {rng.choice(PROJECTS)}"
        case B.WORKING_GROUP:
            return f"Arbeidsgruppe for {rng.choice(WORK_TOPICS)}"
        case B.STEERING_GROUP:
            code = "".join(rng.choice("ABDEFHKLMNPRSTV") for _i in range(4))
            return f"Styringsgruppe for forskningsprosjektet {code}-{rng.randint(18, 26)}"
        case B.USER_COUNCIL if owner.kind == K.MUNICIPALITY:
            if variant == 0:
                return f"Brukerrådet i {place} kommune"
            return f"Rådet for personer med funksjonsnedsettelse i {place} kommune"
    return f"Brukerutvalget ved {owner.name}"


def _secretariat_candidates(ctx: Context) -> Callable[[Organisation], list[User]]:
    """Secretariat staff for a body of `owner`: secretariat roles in the owner or the nearest
    organisation above it, else administrators there, else any generated secretariat."""
    people = {u.pk: u for u in ctx.users}
    by_org: dict[tuple[int, str], list[User]] = defaultdict(list)
    for role in ctx.roles:
        by_org[role.organisation_id, role.role].append(people[role.user_id])
    orgs = {o.pk: o for kind in ctx.orgs.values() for o in kind}
    anyone = [people[r.user_id] for r in ctx.roles if r.role == StaffRole.Role.SECRETARIAT]

    def candidates(owner: Organisation) -> list[User]:
        for role in (StaffRole.Role.SECRETARIAT, StaffRole.Role.ADMINISTRATOR):
            org: Organisation | None = owner
            while org is not None:
                if by_org.get((org.pk, role)):
                    return by_org[org.pk, role]
                org = orgs.get(org.parent_id or 0)
        return anyone or list(ctx.users[:1])

    return candidates


def gen_bodies(ctx: Context) -> None:
    """Bodies with their seats (by role and rank) and secretariat, in bulk."""
    rng = ctx.rng
    scale = SCALES[ctx.scale.name]
    today = timezone.localdate()
    out = Generated()
    ctx.shared[KEY] = out
    core: list[tuple[Organisation, str, int]] = [
        *[(o, B.FORUM, 0) for o in ctx.orgs[K.FORUM]],
        *[(o, B.REGIONAL_COUNCIL, 0) for o in ctx.orgs[K.RHF]],
        *[(o, B.TRUST_COUNCIL, 0) for o in ctx.orgs[K.HF]],
    ]
    pool = [
        (org, kind, variant)
        for org_kind, kinds in EXTRA_BODIES.items()
        for org in ctx.orgs[org_kind]
        for variant, kind in enumerate(kinds)
    ]
    rng.shuffle(pool)
    plan = (core + pool)[: scale.bodies]
    while len(plan) < scale.bodies:  # more bodies than the organisations naturally have
        plan.append((rng.choice(ctx.orgs[K.HF]), B.PROJECT_GROUP, 0))
    secretariat_for = _secretariat_candidates(ctx)
    objs, staff = [], []
    for owner, kind, variant in plan:
        shape = SHAPES[kind]
        step = rng.choices([1, 2, 3, 4], shape.steps)[0]
        ended = (
            kind in (B.PROJECT_GROUP, B.WORKING_GROUP, B.STEERING_GROUP)
            and rng.random() < scale.ended_share
        )
        objs.append(
            Body(
                name=_name(ctx, owner, kind, variant),
                kind=kind,
                owner_id=owner.pk,
                level=shape.level,
                ladder_step=step,
                ladder_justification=LADDER_WHY[step],
                mandate=MANDATES[shape.level],
                leader_seats=shape.leader,
                deputy_leader_seats=shape.deputy_leader,
                member_seats=rng.randint(*shape.members),
                deputy_seats=rng.randint(*shape.deputies),
                observer_seats=rng.randint(*shape.observers),
                term_years=rng.choice(shape.term_years),
                max_years=shape.max_years,
                deputies_step_in=rng.random() < 0.8,
                is_public=rng.random() < shape.public,
                ended_on=today - timedelta(days=rng.randint(30, 700)) if ended else None,
            )
        )
        candidates = secretariat_for(owner)
        count = 2 if kind in (B.FORUM, B.REGIONAL_COUNCIL, B.TRUST_COUNCIL) else 1
        staff.append(rng.sample(candidates, min(count, len(candidates))))
    out.bodies = bulk(objs)
    seats, links = [], []
    through: Any = Body.secretariat.through
    for body, people in zip(out.bodies, staff, strict=True):
        out.staff[body.pk] = people
        links += [through(body_id=body.pk, user_id=u.pk) for u in people]
        seats += [
            Seat(body_id=body.pk, role=role, rank=rank)
            for role, n in body.seat_counts().items()
            for rank in range(1, n + 1)
        ]
    bulk(links)
    for seat in bulk(seats):
        out.seats.setdefault(seat.body_id, []).append(seat)
    ctx.summary["bodies"] = len(out.bodies)
    for kind, n in sorted(Counter(b.kind for b in out.bodies).items()):
        ctx.summary[f"bodies.{kind}"] = n
    ctx.summary["bodies.ended"] = sum(1 for b in out.bodies if b.ended_on)
    ctx.summary["seats"] = len(seats)


def gen_terms(ctx: Context) -> None:
    """Each held seat's open term and every seat's earlier terms, newest first, backwards in
    time. Representatives who are busier than others (and approved by an organisation) are
    chosen more often; nobody holds two open seats in one body."""
    rng = ctx.rng
    scale = SCALES[ctx.scale.name]
    out = _generated(ctx)
    people = generated_representatives(ctx)
    today = timezone.localdate()
    now = timezone.now()

    reps = people.representatives
    weights = [
        min(rng.paretovariate(1.5), 20.0) * (1.0 if r.pk in people.approved_in else 0.1)
        for r in reps
    ]
    cumulative = list(itertools.accumulate(weights))

    seats = [(body, seat) for body in out.bodies for seat in out.seats.get(body.pk, [])]
    open_seats = [i for i, (body, _seat) in enumerate(seats) if body.ended_on is None]
    ended_seats = len(seats) - len(open_seats)
    held_count = min(round(len(open_seats) * HELD_SHARE), scale.terms - ended_seats)
    held = set(rng.sample(open_seats, max(0, held_count)))
    past = [0] * len(seats)
    remaining = scale.terms - len(held)
    for i, (body, _seat) in enumerate(seats):  # an ended body's seats had holders
        if body.ended_on is not None and remaining > 0:
            past[i], remaining = 1, remaining - 1
    if remaining > len(seats) * MAX_PAST_TERMS - sum(past):
        raise ValueError("more terms than the seats can hold")  # pragma: no cover
    while remaining > 0:
        i = rng.randrange(len(seats))
        if past[i] < MAX_PAST_TERMS:
            past[i], remaining = past[i] + 1, remaining - 1

    in_body: dict[int, set[int]] = defaultdict(set)  # body pk → representatives holding seats

    def pick(body: Body, open_term: bool) -> Representative:
        rep = rng.choices(reps, cum_weights=cumulative)[0]
        if open_term and rep.pk in in_body[body.pk]:
            for _attempt in range(10):
                rep = rng.choices(reps, cum_weights=cumulative)[0]
                if rep.pk not in in_body[body.pk]:
                    break
            else:  # a small world: the first one not in the body yet
                rep = next((r for r in reps if r.pk not in in_body[body.pk]), rep)
        if open_term:
            in_body[body.pk].add(rep.pk)
        return rep

    def term(body: Body, seat: Seat, rep: Representative, **dates: Any) -> Term:
        orgs = people.approved_in.get(rep.pk)
        return Term(
            seat_id=seat.pk,
            representative_id=rep.pk,
            nominated_by_id=orgs[0].pk if orgs and rng.random() < 0.92 else None,
            appointed_by_id=rng.choice(out.staff[body.pk]).pk,
            **dates,
        )

    terms: list[Term] = []
    for i, (body, seat) in enumerate(seats):
        days = body.term_years * 365
        newer: Representative | None = None
        if i in held:
            r = rng.random()
            if r < 0.04:  # expired without a successor: carried over
                starts = today - timedelta(days=days + rng.randint(1, 200))
            elif r < 0.06:  # appointed, starts later
                starts = today + timedelta(days=rng.randint(1, 60))
            else:
                starts = today - timedelta(days=rng.randint(0, days - 1))
            confirmed = None
            if rng.random() > (0.5 if starts > today else 0.03):
                confirmed = now - timedelta(days=max(0, (today - starts).days) + rng.randint(1, 20))
            newer = pick(body, open_term=True)
            terms.append(
                term(
                    body,
                    seat,
                    newer,
                    starts_on=starts,
                    ends_on=starts + timedelta(days=days),
                    confirmed_at=confirmed,
                )
            )
            anchor = min(starts, today)
        else:
            anchor = body.ended_on or today - timedelta(days=rng.randint(10, 400))
        for _k in range(past[i]):
            reason = rng.choices([r for r, _w in END_REASONS], [w for _r, w in END_REASONS])[0]
            ends = anchor
            if reason != Term.EndReason.TERM_END:  # ended early: the planned end was later
                ends = anchor + timedelta(days=rng.randint(30, days - 30))
            starts = ends - timedelta(days=days)
            again = newer is not None and reason == Term.EndReason.TERM_END
            rep = newer if again and newer and rng.random() < 0.35 else pick(body, False)
            terms.append(
                term(
                    body,
                    seat,
                    rep,
                    starts_on=starts,
                    ends_on=ends,
                    ended_on=anchor,
                    end_reason=reason,
                    confirmed_at=now - timedelta(days=(today - starts).days + rng.randint(1, 20)),
                )
            )
            newer = rep
            anchor = starts - timedelta(days=rng.randint(0, 45))
    # appointed_at is the time of generation (auto_now_add); history rows are not generated.
    terms = bulk(terms)
    for t in terms:
        if t.ended_on is None:
            out.current[t.seat_id] = t.representative_id
    ctx.summary["terms"] = len(terms)
    current = [t for t in terms if t.ended_on is None]
    ctx.summary["terms.current"] = len(current)
    ctx.summary["terms.current.carried_over"] = sum(1 for t in current if t.ends_on < today)
    ctx.summary["terms.current.ending_within_90_days"] = sum(
        1 for t in current if today <= t.ends_on <= today + timedelta(days=90)
    )
    ctx.summary["terms.ended"] = len(terms) - len(current)


def gen_calls(ctx: Context) -> None:
    """Open calls for vacant seats of active bodies, sent to user organisations (the bigger
    ones more often), with nominations of their approved members by their coordinators."""
    rng = ctx.rng
    scale = SCALES[ctx.scale.name]
    out = _generated(ctx)
    people = generated_representatives(ctx)
    today = timezone.localdate()
    vacant = [
        (body, [s for s in out.seats.get(body.pk, []) if s.pk not in out.current])
        for body in out.bodies
        if body.ended_on is None
    ]
    vacant = [(body, seats) for body, seats in vacant if seats]
    chosen = rng.sample(vacant, min(scale.open_calls, len(vacant)))
    branches: dict[int, list[Organisation]] = defaultdict(list)
    for branch in ctx.orgs[K.USER_ORG_BRANCH]:
        branches[branch.parent_id or 0].append(branch)
    members: dict[int, list[Representative]] = defaultdict(list)
    for rep in people.representatives:
        for org in people.approved_in.get(rep.pk, []):
            members[org.pk].append(rep)
    areas = list(ExperienceArea.objects.active().order_by("sort_order", "pk"))

    calls, recipients_of = [], []
    for body, seats in chosen:
        recipients: list[Organisation] = []
        for _i in range(rng.randint(2, 4)):
            org = rng.choices(people.user_orgs, people.user_org_weights)[0]
            if branches[org.pk] and rng.random() < 0.5:
                org = rng.choice(branches[org.pk])
            if org not in recipients:
                recipients.append(org)
        recipients_of.append((seats[: rng.randint(1, 3)], recipients))
        calls.append(
            Call(
                body_id=body.pk,
                deadline=today + timedelta(days=rng.randint(3, 45)),
                profile_wanted=rng.choice(PROFILES),
                opened_by_id=rng.choice(out.staff[body.pk]).pk,
            )
        )
    calls = bulk(calls)
    seat_links, recipient_links, area_links, nominations = [], [], [], []
    seat_through: Any = Call.seats.through
    recipient_through: Any = Call.recipients.through
    area_through: Any = Call.areas_wanted.through
    for call, (seats, recipients) in zip(calls, recipients_of, strict=True):
        seat_links += [seat_through(call_id=call.pk, seat_id=s.pk) for s in seats]
        recipient_links += [
            recipient_through(call_id=call.pk, organisation_id=o.pk) for o in recipients
        ]
        area_links += [
            area_through(call_id=call.pk, experiencearea_id=a.pk)
            for a in rng.sample(areas, min(len(areas), rng.randint(0, 2)))
        ]
        # Candidates: approved members of a recipient or of one of its branches.
        pool = [
            (rep, org)
            for recipient in recipients
            for org in [recipient, *branches[recipient.pk]]
            for rep in members[org.pk]
        ]
        nominated: list[int] = []
        for rep, org in rng.sample(pool, min(len(pool), rng.randint(0, 4))):
            coordinators = people.coordinators.get(org.pk)
            if rep.pk in nominated or not coordinators:
                continue
            nominated.append(rep.pk)
            status = rng.choices(NOMINATION_STATUSES, [80, 10, 10])[0]
            nominations.append(
                Nomination(
                    call_id=call.pk,
                    representative_id=rep.pk,
                    organisation_id=org.pk,
                    justification=rng.choice(JUSTIFICATIONS),
                    status=status,
                    decline_reason="Profilen passet ikke."
                    if status == Nomination.Status.DECLINED
                    else "",
                    nominated_by_id=rng.choice(coordinators).pk,
                )
            )
    bulk(seat_links)
    bulk(recipient_links)
    bulk(area_links)
    bulk(nominations)
    ctx.summary["calls.open"] = len(calls)
    ctx.summary["nominations"] = len(nominations)


STEPS = [gen_bodies, gen_terms, gen_calls]


def generated_bodies() -> Any:
    """Bodies of generated organisations that have no history of their own (see the module
    docstring)."""
    history = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Body),
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    return Body.objects.filter(owner__email__endswith=ORG_EMAIL_SUFFIX).exclude(Exists(history))


def counts() -> dict[str, int]:
    bodies = generated_bodies()
    return {
        "bodies": bodies.count(),
        "terms": Term.objects.filter(seat__body__in=bodies).count(),
    }
