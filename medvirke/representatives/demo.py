"""Demo representatives: ~60 invented people with own experience, affiliated with the user
organisations named in the seeds, most with recorded health-data consent. Idempotent."""

import random
from datetime import date

from django.utils import timezone

from medvirke.core.demodata import demo_user
from medvirke.organisations.models import Organisation

from .models import Affiliation, EmploymentDeclaration, ExperienceArea, Representative

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


def load() -> list[tuple[str, str, str]]:
    rng = random.Random(2026)
    areas = list(ExperienceArea.objects.active())
    municipalities = list(Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY))
    branches = {o.name: o for o in Organisation.objects.filter(name__in=BRANCHES)}
    coordinator = branches["Kreftforeningen Midt-Norge"].staff_roles.first()
    by = coordinator.user if coordinator else None
    people = [PERSONA] + [
        (f"rep{i:02}@demo.medvirke.no", f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}")
        for i in range(1, COUNT)
    ]
    for index, (email, name) in enumerate(people):
        user = demo_user(email, name)
        representative, created = Representative.objects.get_or_create(
            user=user, defaults={"registered_by": by}
        )
        if not created:
            continue
        consent = index % 6 != 5  # a few have not consented: no health data for them
        representative.experience = rng.choice(list(Representative.Experience))
        representative.gender = rng.choice(["woman", "man", "woman", "man", "unspecified"])
        representative.birth_year = rng.randint(1948, 2004)
        representative.municipality = rng.choice(municipalities) if municipalities else None
        representative.languages = ["nb"] + (["se"] if index % 15 == 3 else [])
        representative.minority_background = True if index % 11 == 4 else None
        representative.public_consent = index % 4 != 0
        representative.hours_per_month = rng.choice([4, 8, 12, 20])
        if consent:
            representative.health_consent_at = timezone.now()
            representative.experience_description = (
                "Egen erfaring som pasient og pårørende over flere år."
            )
        representative.save()
        if consent and areas:
            representative.experience_areas.set(rng.sample(areas, k=rng.randint(1, 3)))
        branch_name = BRANCHES[index % len(BRANCHES)]
        if branch_name in branches:
            Affiliation.objects.get_or_create(
                representative=representative,
                organisation=branches[branch_name],
                defaults={
                    "status": Affiliation.Status.APPROVED,
                    "decided_by": by,
                    "decided_at": timezone.now(),
                },
            )
        if index == 7:  # employed by the trust: the conflict-of-interest warning in the demo
            employer = Organisation.objects.filter(name="St. Olavs Hospital HF").first()
            EmploymentDeclaration.objects.create(
                representative=representative,
                employer=employer,
                employer_name="St. Olavs Hospital HF",
                position="Erfaringskonsulent",
                starts_on=date(2022, 8, 1),
            )
    return [(PERSONA[0], PERSONA[1], "Brukerrepresentant (Kreftforeningen Midt-Norge)")]
