"""Generated representatives for the benchmark: `bench.generate` runs these steps after the
organisations' (see organisations.py for the steps and the generated-data marks).

National scale: 10,000 people with own experience as patient or relative, each a user with the
generated e-mail suffix, with a municipality, year of birth, gender and languages; about half
have given consent to store health data and have experience areas and a description. Each
belongs to a generated user organisation or one of its branches (a quarter to two), mostly
approved by that organisation's coordinator; some have declared an employment. User
organisations differ in size: the first ones (in a shuffled order) have many more members than
the last, as in real life.

Generated rows have no history or access-log rows: they are bulk data, not anybody's changes.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from medvirke.accounts.models import User
from medvirke.organisations.models import Organisation, StaffRole
from medvirke.representatives.models import (
    Affiliation,
    EmploymentDeclaration,
    ExperienceArea,
    Representative,
)

from .organisations import USER_EMAIL_SUFFIX, Context, bulk, new_people

K = Organisation.Kind
Status = Affiliation.Status


@dataclass(frozen=True)
class RepresentativeScale:
    representatives: int
    health_consent_share: float = 0.5
    second_affiliation_share: float = 0.25
    employment_share: float = 0.08


# Keyed by the organisations' scale names (`bench.generate --scale`).
SCALES: dict[str, RepresentativeScale] = {
    "national": RepresentativeScale(representatives=10_000),
    "small": RepresentativeScale(representatives=50),
}
# How strongly membership leans to the biggest user organisations: organisation number i (from 0)
# gets weight 1 / (i + 1) ** SIZE_SKEW.
SIZE_SKEW = 0.6

DIAGNOSES = [
    "diabetes",
    "hjertesvikt",
    "KOLS",
    "revmatisme",
    "MS",
    "epilepsi",
    "brystkreft",
    "tarmkreft",
    "schizofreni",
    "bipolar lidelse",
    "depresjon",
    "spiseforstyrrelser",
    "rusavhengighet",
    "slag",
    "kroniske smerter",
    "ME",
    "demens",
    "autisme",
]
SERVICES = [
    "akuttmottaket",
    "poliklinikken",
    "DPS",
    "hjemmesykepleien",
    "rehabiliteringen",
    "fastlegen og kommunen",
    "barne- og ungdomspsykiatrien",
    "sengeposten",
]
RELATIVES = ["mor", "far", "ektefelle", "sønn", "datter", "bror", "søster", "et barn"]
PATIENT_STORIES = [
    "Jeg har levd med {d} i {n} år og kjenner {s} fra innsiden.",
    "Egen erfaring som pasient med {d}; fulgt opp av både {s} og kommunen.",
    "Har gått gjennom behandling for {d} og er likeperson i organisasjonen.",
]
RELATIVE_STORIES = [
    "Pårørende til {r} med {d} gjennom {n} år, mye kontakt med {s}.",
    "Har fulgt {r} med {d} gjennom overgangene mellom sykehus og kommune.",
]
AVAILABILITY = [
    "Dagtid på hverdager.",
    "Helst ettermiddag og kveld.",
    "Digitale møter passer best.",
    "Kan reise i regionen en dag i måneden.",
    "",
]
POSITIONS = [
    "Sykepleier",
    "Helsefagarbeider",
    "Erfaringskonsulent",
    "Lege",
    "Saksbehandler",
    "Rådgiver",
    "Konsulent",
]
LEVELS = ["individual", "service", "system", "political"]
AGE_GROUPS = [(18, 25), (26, 45), (46, 66), (67, 88)]


@dataclass
class Generated:
    """What the bodies' generator needs from this step (all in generation order)."""

    representatives: list[Representative] = field(default_factory=list)
    # representative pk → organisations that approved them (primary first).
    approved_in: dict[int, list[Organisation]] = field(default_factory=dict)
    # organisation pk → its coordinators (a branch without its own: its organisation's).
    coordinators: dict[int, list[User]] = field(default_factory=dict)
    # User organisations (not branches) and their weights: how big each is.
    user_orgs: list[Organisation] = field(default_factory=list)
    user_org_weights: list[float] = field(default_factory=list)


KEY = __name__


def generated(ctx: Context) -> Generated:
    """This step's results, for the steps of the apps above."""
    result: Generated = ctx.shared[KEY]
    return result


def _coordinators(ctx: Context) -> dict[int, list[User]]:
    people = {u.pk: u for u in ctx.users}
    own: dict[int, list[User]] = defaultdict(list)
    for role in ctx.roles:
        if role.role == StaffRole.Role.COORDINATOR:
            own[role.organisation_id].append(people[role.user_id])
    result: dict[int, list[User]] = {}
    for org in ctx.orgs[K.USER_ORG] + ctx.orgs[K.USER_ORG_BRANCH]:
        result[org.pk] = own.get(org.pk) or own.get(org.parent_id or 0) or []
    return result


def _story(ctx: Context, experience: str) -> str:
    rng = ctx.rng
    values: dict[str, Any] = {
        "d": rng.choice(DIAGNOSES),
        "n": rng.randint(2, 30),
        "s": rng.choice(SERVICES),
        "r": rng.choice(RELATIVES),
    }
    parts = []
    if experience in (Representative.Experience.PATIENT, Representative.Experience.BOTH):
        parts.append(rng.choice(PATIENT_STORIES).format(**values))
    if experience in (Representative.Experience.RELATIVE, Representative.Experience.BOTH):
        parts.append(rng.choice(RELATIVE_STORIES).format(**values))
    return " ".join(parts)


def gen_representatives(ctx: Context) -> None:
    """People, their profiles, experience areas, affiliations and employments, in bulk."""
    rng = ctx.rng
    scale = SCALES[ctx.scale.name]
    today = timezone.localdate()
    now = timezone.now()
    out = Generated(coordinators=_coordinators(ctx))
    ctx.shared[KEY] = out
    out.user_orgs = list(ctx.orgs[K.USER_ORG])
    rng.shuffle(out.user_orgs)
    out.user_org_weights = [1 / (i + 1) ** SIZE_SKEW for i in range(len(out.user_orgs))]
    branches: dict[int, list[Organisation]] = defaultdict(list)
    for branch in ctx.orgs[K.USER_ORG_BRANCH]:
        branches[branch.parent_id or 0].append(branch)
    municipalities = ctx.orgs[K.MUNICIPALITY]
    employers = ctx.orgs[K.HF] + ctx.orgs[K.CLINIC] + municipalities + ctx.orgs[K.NAV_OFFICE]
    areas = list(ExperienceArea.objects.active().order_by("sort_order", "pk"))

    def pick_organisation(exclude: Organisation | None = None) -> Organisation:
        for _attempt in range(10):
            org = rng.choices(out.user_orgs, out.user_org_weights)[0]
            if branches[org.pk] and rng.random() < 0.75:
                org = rng.choice(branches[org.pk])
            if org != exclude:
                break
        return org

    people = new_people(ctx, scale.representatives, joined_within_days=1500)
    reps: list[Representative] = []
    # Per representative, in order: (organisation, status) of each affiliation, consent.
    plans: list[tuple[list[tuple[Organisation, str]], bool]] = []
    for user in people:
        orgs = [pick_organisation()]
        if rng.random() < scale.second_affiliation_share:
            orgs.append(pick_organisation(exclude=orgs[0]))
        statuses = [
            rng.choices([Status.APPROVED, Status.PENDING, Status.REJECTED], weights)[0]
            for weights in ([88, 8, 4], [70, 25, 5])[: len(orgs)]
        ]
        consent = rng.random() < scale.health_consent_share
        experience = rng.choices(list(Representative.Experience), [55, 25, 20])[0]
        age = rng.randint(*rng.choices(AGE_GROUPS, [8, 22, 45, 25])[0])
        languages = ["nn" if rng.random() < 0.1 else "nb"]
        if rng.random() < 0.03:
            languages.append(rng.choice(["se", "sma", "smj"]))
        if rng.random() < 0.08:
            languages.append("en")
        if rng.random() < 0.04:
            languages.append("other")
        coordinators = out.coordinators.get(orgs[0].pk) or []
        reps.append(
            Representative(
                user=user,
                experience=experience,
                experience_description=_story(ctx, experience) if consent else "",
                health_consent_at=now - timedelta(days=rng.randint(0, 1000)) if consent else None,
                municipality=rng.choice(municipalities) if rng.random() < 0.95 else None,
                birth_year=today.year - age,
                gender=rng.choices(list(Representative.Gender), [56, 40, 1, 3])[0],
                languages=languages,
                minority_background=rng.choices([True, False, None], [9, 40, 51])[0],
                availability=rng.choice(AVAILABILITY),
                wished_levels=rng.sample(LEVELS, rng.randint(1, 3)),
                hours_per_month=rng.choice([2, 4, 8, 12, 20, None]),
                public_consent=rng.random() < 0.7,
                registered_by=rng.choice(coordinators)
                if coordinators and rng.random() < 0.9
                else None,
            )
        )
        plans.append((list(zip(orgs, statuses, strict=True)), consent))
    out.representatives = reps = bulk(reps)

    area_links, wish_links, affiliations, employments = [], [], [], []
    area_through: Any = Representative.experience_areas.through
    wish_through: Any = Representative.wished_areas.through
    for rep, (memberships, consent) in zip(reps, plans, strict=True):
        if consent and areas:
            area_links += [
                area_through(representative_id=rep.pk, experiencearea_id=a.pk)
                for a in rng.sample(areas, rng.randint(1, 3))
            ]
        if areas and rng.random() < 0.6:
            wish_links += [
                wish_through(representative_id=rep.pk, experiencearea_id=a.pk)
                for a in rng.sample(areas, rng.randint(1, 3))
            ]
        for org, status in memberships:
            deciders = out.coordinators.get(org.pk) or []
            decided = status != Status.PENDING and bool(deciders)
            affiliations.append(
                Affiliation(
                    representative=rep,
                    organisation=org,
                    status=status if decided else Status.PENDING,
                    decided_by=rng.choice(deciders) if decided else None,
                    decided_at=now - timedelta(days=rng.randint(0, 900)) if decided else None,
                )
            )
            if decided and status == Status.APPROVED:
                out.approved_in.setdefault(rep.pk, []).append(org)
        if employers and rng.random() < scale.employment_share:
            employer = rng.choice(employers)
            starts = today - timedelta(days=rng.randint(200, 8000))
            ends: date | None = None
            if rng.random() < 0.4:
                ends = starts + timedelta(days=rng.randint(100, (today - starts).days + 400))
            employments.append(
                EmploymentDeclaration(
                    representative=rep,
                    employer=employer,
                    employer_name=employer.name,
                    position=rng.choice(POSITIONS),
                    starts_on=starts,
                    ends_on=ends,
                )
            )
    bulk(area_links)
    bulk(wish_links)
    bulk(affiliations)
    bulk(employments)
    ctx.summary.update(
        {
            "representatives": len(reps),
            "representatives.with_health_consent": sum(1 for _m, c in plans if c),
            "affiliations": len(affiliations),
            "affiliations.approved": sum(1 for a in affiliations if a.status == Status.APPROVED),
            "employment_declarations": len(employments),
        }
    )


STEPS = [gen_representatives]


def generated_representatives() -> Any:
    return Representative.objects.filter(user__email__endswith=USER_EMAIL_SUFFIX)


def counts() -> dict[str, int]:
    return {"representatives": generated_representatives().count()}
