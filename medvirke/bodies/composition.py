"""A body's composition, computed from its current members, never typed in (BRIEF part 2:
"composition (diversity of groups, age, geography, minority, Sami, young users) is visible").

Experience areas are health data (GDPR art. 9): the composition shows them only as counts per
area across the members, to those who manage the body, and people who have not consented are
not counted. Two queries
whatever the size of the body."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from medvirke.representatives.models import ExperienceArea, Representative

from .models import Body, Seat, Term

# The seats that make up the body's members; deputies and observers are counted apart.
MEMBER_ROLES = (Seat.Role.LEADER, Seat.Role.DEPUTY_LEADER, Seat.Role.MEMBER)
# Trust and regional councils must cover somatic, mental health and TSB (Helse Vest guidelines).
AREA_RULE_KINDS = (Body.Kind.TRUST_COUNCIL, Body.Kind.REGIONAL_COUNCIL)
YOUNG_MAX_AGE = 25  # ungdomsråd practice, as Representative.is_young
OLDER_MIN_AGE = 67  # age of retirement; older people's organisations nominate


@dataclass(frozen=True)
class Note:
    level: str  # "warning" (a rule or guideline is not met) or "info" (worth a thought)
    message: str


@dataclass
class Composition:
    members: int = 0
    deputies: int = 0
    areas: list[tuple[Any, int, bool]] = field(default_factory=list)  # area, count, required
    areas_not_counted: int = 0
    genders: list[tuple[str, int]] = field(default_factory=list)
    ages: list[tuple[str, int]] = field(default_factory=list)
    municipalities: list[tuple[str, int]] = field(default_factory=list)
    nominating: list[tuple[str, int]] = field(default_factory=list)
    sami: int = 0
    minority: int = 0
    young: int = 0
    notes: list[Note] = field(default_factory=list)

    @property
    def warnings(self) -> list[Note]:
        return [n for n in self.notes if n.level == "warning"]

    @property
    def infos(self) -> list[Note]:
        return [n for n in self.notes if n.level == "info"]


def _age_group(person: Representative, today: date) -> str:
    age = person.age(today)
    if age is None:
        return str(_("Not given"))
    if age <= YOUNG_MAX_AGE:
        return str(_("Under 26"))
    if age < OLDER_MIN_AGE:
        return str(_("26–66"))
    return str(_("67 and over"))


def compose(body: Body, on: date | None = None) -> Composition:
    """Who sits in `body` today, counted by area, gender, age, place, language and nominator."""
    today = on or timezone.localdate()
    terms = list(
        Term.objects.current(today)
        .filter(seat__body=body, seat__retired_on__isnull=True)
        .exclude(seat__role=Seat.Role.OBSERVER)
        .select_related("seat", "representative__user", "representative__municipality")
        .select_related("nominated_by")
    )
    member_terms = [t for t in terms if t.seat.role in MEMBER_ROLES]
    people = list({t.representative_id: t.representative for t in member_terms}.values())
    result = Composition(
        members=len(people),
        deputies=len({t.representative_id for t in terms if t.seat.role == Seat.Role.DEPUTY}),
    )
    consenting = [p.pk for p in people if p.has_health_consent]
    result.areas_not_counted = len(people) - len(consenting)
    areas = ExperienceArea.objects.annotate(
        members=Count(
            "representatives", filter=Q(representatives__in=consenting or [0]), distinct=True
        )
    ).order_by("sort_order", "name_nb")
    result.areas = [
        (area, area.members, area.required_for_trust_councils)
        for area in areas
        if area.is_active or area.members
    ]

    genders = Counter(p.gender for p in people)
    result.genders = [
        (str(label), genders.get(value, 0))
        for value, label in Representative.Gender.choices
        if genders.get(value, 0)
        or value in (Representative.Gender.WOMAN, Representative.Gender.MAN)
    ]
    ages = Counter(_age_group(p, today) for p in people)
    order = [str(_("Under 26")), str(_("26–66")), str(_("67 and over")), str(_("Not given"))]
    result.ages = [
        (label, ages.get(label, 0)) for label in order if ages.get(label) or label in order[:3]
    ]
    places = Counter(p.municipality.name if p.municipality else "" for p in people)
    result.municipalities = sorted(
        ((name or str(_("Not given")), n) for name, n in places.items()),
        key=lambda item: (-item[1], item[0]),
    )
    nominators = Counter(
        {
            t.representative_id: (t.nominated_by.name if t.nominated_by else "")
            for t in member_terms
        }.values()
    )
    result.nominating = sorted(
        ((name or str(_("Not recorded")), n) for name, n in nominators.items()),
        key=lambda item: (-item[1], item[0]),
    )
    result.sami = sum(1 for p in people if p.is_sami_speaker)
    result.minority = sum(1 for p in people if p.minority_background)
    ages_now = [p.age(today) for p in people]
    result.young = sum(1 for age in ages_now if age is not None and age <= YOUNG_MAX_AGE)
    result.notes = _notes(body, result, genders, nominators, places)
    return result


def _notes(
    body: Body,
    result: Composition,
    genders: Counter[str],
    nominators: Counter[str],
    places: Counter[str],
) -> list[Note]:
    notes: list[Note] = []
    total = result.members
    if total == 0:
        return notes
    if body.kind in AREA_RULE_KINDS:
        for area, count, required in result.areas:
            if required and count == 0:
                notes.append(
                    Note(
                        "warning",
                        _(
                            "No member has experience with %(area)s, which trust and regional "
                            "user councils must cover."
                        )
                        % {"area": area},
                    )
                )
    if result.areas_not_counted:
        notes.append(
            Note(
                "info",
                ngettext(
                    "%(count)s member has not consented to storing experience areas and is "
                    "not counted by area.",
                    "%(count)s members have not consented to storing experience areas and are "
                    "not counted by area.",
                    result.areas_not_counted,
                )
                % {"count": result.areas_not_counted},
            )
        )
    # Likestillings- og diskrimineringsloven § 28: in public committees of four or more, each
    # gender at least 40 per cent; with two or three members, both genders represented.
    women, men = (
        genders.get(Representative.Gender.WOMAN, 0),
        genders.get(Representative.Gender.MAN, 0),
    )
    known = women + men
    if (known >= 4 and min(women, men) < 0.4 * known) or (2 <= known < 4 and not (women and men)):
        notes.append(
            Note(
                "warning",
                _(
                    "Gender balance: %(women)s women and %(men)s men. Each gender should make up "
                    "at least 40 per cent of the members (both genders when there are two or "
                    "three)."
                )
                % {"women": women, "men": men},
            )
        )
    if total >= 3 and nominators:
        name, count = nominators.most_common(1)[0]
        if name and count * 2 > total:
            notes.append(
                Note(
                    "warning",
                    ngettext(
                        "%(count)s of %(total)s member was nominated by %(org)s. Members "
                        "speak for all users; ask more organisations next time.",
                        "%(count)s of %(total)s members were nominated by %(org)s. Members "
                        "speak for all users; ask more organisations next time.",
                        total,
                    )
                    % {"count": count, "total": total, "org": name},
                )
            )
    if total >= 3 and len(places) == 1 and "" not in places:
        notes.append(
            Note(
                "info",
                _("All members live in %(place)s. Think of geography when seats are filled.")
                % {"place": next(iter(places))},
            )
        )
    if result.young == 0:
        notes.append(Note("info", _("No member is under 26.")))
    if result.sami == 0:
        notes.append(Note("info", _("No member speaks a Sami language.")))
    if result.minority == 0:
        notes.append(Note("info", _("No member has declared a minority or immigrant background.")))
    return notes
