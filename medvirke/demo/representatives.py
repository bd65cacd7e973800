"""Demo representatives: 60 invented people with own experience, affiliated with the user
organisations named in the seeds, most with recorded health-data consent.

Each joins the way a person really does (representatives/services_joining.py): their
organisation's coordinator asks them to join, and the person accepts, which makes their profile
and the approved affiliation. The person then fills in their own profile, gives consent to store
health data (most of them) and declares an employment (one of them), each through the
representatives' services, so the history shows who did what. Loading again skips everyone who
already has a profile.
"""

import random
from datetime import date
from typing import Any

from django.urls import reverse

from medvirke.core.models import Notification
from medvirke.organisations.models import Organisation, StaffRole
from medvirke.representatives import services, services_joining
from medvirke.representatives.models import (
    EmploymentDeclaration,
    ExperienceArea,
    Representative,
)

from .people import Login, demo_user

FIRST = [
    "Anne",
    "Bjørn",
    "Cecilie",
    "Dag",
    "Elin",
    "Frode",
    "Guro",
    "Håkon",
    "Ida",
    "Jon",
    "Kristin",
    "Lars",
    "Mette",
    "Nils",
    "Oda",
    "Petter",
    "Ragnhild",
    "Sindre",
    "Tone",
    "Unni",
    "Vegard",
    "Wenche",
    "Yngve",
    "Åse",
    "Amir",
    "Fatima",
    "Marit",
    "Ánde",
    "Sunniva",
    "Tobias",
]
LAST = [
    "Aasen",
    "Berge",
    "Dahl",
    "Eriksen",
    "Fjeld",
    "Gundersen",
    "Holm",
    "Iversen",
    "Johansen",
    "Knutsen",
    "Lund",
    "Moen",
    "Nilsen",
    "Olsen",
    "Pedersen",
    "Rønning",
    "Sara",
    "Strand",
    "Tangen",
    "Vik",
    "Ali",
    "Haugen",
    "Bakke",
    "Solheim",
]
BRANCHES = [
    "Kreftforeningen Midt-Norge",
    "FFO Trøndelag",
    "Mental Helse Trøndelag",
    "LPP Trøndelag",
    "RIO Midt-Norge",
    "Pensjonistforbundet Trøndelag",
    "Kreftforeningen Vest",
    "FFO Vestland",
    "Mental Helse Vestland",
]
# The representative persona who logs in to confirm an appointment and see engagements.
PERSONA = ("representant@demo.medvirke.no", "Randi Brukerstemme")
COUNT = 60


def load() -> list[Login]:
    """Register the demo representatives (after the organisations); returns the persona's
    login."""
    rng = random.Random(2026)
    areas = list(ExperienceArea.objects.active())
    municipalities = list(Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY))
    branches = {o.name: o for o in Organisation.objects.filter(name__in=BRANCHES)}
    coordinators = _coordinators(branches.values())
    # Most branches have no demo coordinator: the Kreftforeningen coordinator asks for them,
    # as one person who sets up the demo would.
    fallback = coordinators.get(branches["Kreftforeningen Midt-Norge"].pk)
    employer = Organisation.objects.filter(name="St. Olavs Hospital HF").first()
    people = [PERSONA] + [
        (f"rep{i:02}@demo.medvirke.no", f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}")
        for i in range(1, COUNT)
    ]
    for index, (email, name) in enumerate(people):
        user = demo_user(email, name)
        if Representative.objects.filter(user=user).exists():
            continue
        branch = branches.get(BRANCHES[index % len(BRANCHES)])
        by = coordinators.get(branch.pk, fallback) if branch else None
        if branch is None or by is None:
            continue
        representative = _join(
            user,
            name,
            branch,
            by=by,
            municipality=rng.choice(municipalities) if municipalities else None,
        )
        _fill_in_profile(representative, index, rng, areas)
        if index == 7 and employer is not None:
            # Employed by the trust: the conflict-of-interest warning in the demo.
            services.save_employment(
                EmploymentDeclaration(
                    representative=representative,
                    employer=employer,
                    employer_name=employer.name,
                    position="Erfaringskonsulent",
                    starts_on=date(2022, 8, 1),
                ),
                by=user,
            )
    return [(PERSONA[0], PERSONA[1], "Brukerrepresentant (Kreftforeningen Midt-Norge)")]


def _coordinators(branches: Any) -> dict[int, Any]:
    """The first demo coordinator of each branch that has one."""
    found: dict[int, Any] = {}
    for role in (
        StaffRole.objects.filter(organisation__in=list(branches), role=StaffRole.Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
    ):
        found.setdefault(role.organisation_id, role.user)
    return found


def _join(
    user: Any, name: str, branch: Organisation, *, by: Any, municipality: Organisation | None
) -> Representative:
    """The coordinator asks; the person accepts (and has read the notification that asked)."""
    join_request, _new = services_joining.request_to_join(
        email=user.email, full_name=name, organisation=branch, by=by, municipality=municipality
    )
    services_joining.accept_join_request(join_request, by=user)
    Notification.objects.for_user(user).filter(url=reverse("join_requests")).mark_read()
    return Representative.objects.get(user=user)


def _fill_in_profile(
    representative: Representative, index: int, rng: random.Random, areas: list[ExperienceArea]
) -> None:
    """What the person writes about themselves; health data only with their consent."""
    user = representative.user
    consent = index % 6 != 5  # a few have not consented: no health data for them
    if consent:
        services.give_health_consent(representative, by=user)
    representative.experience = rng.choice(list(Representative.Experience))
    representative.gender = rng.choice(["woman", "man", "woman", "man", "unspecified"])
    representative.birth_year = rng.randint(1948, 2004)
    representative.languages = ["nb"] + (["se"] if index % 15 == 3 else [])
    representative.minority_background = True if index % 11 == 4 else None
    representative.public_consent = index % 4 != 0
    representative.hours_per_month = rng.choice([4, 8, 12, 20])
    chosen: list[ExperienceArea] | None = None
    if consent:
        representative.experience_description = (
            "Egen erfaring som pasient og pårørende over flere år."
        )
        chosen = rng.sample(areas, k=rng.randint(1, 3)) if areas else None
    services.save_profile(representative, areas=chosen, by=user)
