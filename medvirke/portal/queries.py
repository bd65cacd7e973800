"""What the public pages may show, as read-only queries.

Everything the portal reads goes through here, so the rules for the public face are in one
place: only active bodies marked public, only the name, seat, nominating organisation and term
of members who consented, never anything else about a person, and a fixed number of queries
per page whatever the number of rows.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from medvirke.bodies.models import Body, BodyQuerySet, Call, CallQuerySet, Seat, Term
from medvirke.organisations.models import Organisation, OrganisationQuerySet

# Leader first, observers last: the order a council's members are usually listed in.
ROLE_ORDER: list[str] = [
    Seat.Role.LEADER,
    Seat.Role.DEPUTY_LEADER,
    Seat.Role.MEMBER,
    Seat.Role.DEPUTY,
    Seat.Role.OBSERVER,
]
DIRECTORY_KINDS: list[str] = [Organisation.Kind.USER_ORG]
BRANCH_KINDS: list[str] = [Organisation.Kind.USER_ORG_BRANCH]


@dataclass(frozen=True)
class PublicMember:
    """All the portal ever knows about a member: nothing else reaches the template."""

    name: str
    role: str
    nominated_by: str
    starts_on: date
    ends_on: date


def public_bodies() -> BodyQuerySet:
    return Body.objects.active().public()


def listed_bodies(text: str | None, kind: str | None, owner: int | None) -> BodyQuerySet:
    bodies = public_bodies().select_related("owner")
    if text:
        bodies = bodies.filter(name__icontains=text.strip())
    if kind:
        bodies = bodies.filter(kind=kind)
    if owner:
        bodies = bodies.filter(owner_id=owner)
    return bodies.order_by("owner__name", "name", "pk")


def body_owners() -> list[Organisation]:
    """Organisations that own at least one public, active body (the owner filter's choices)."""
    owners = public_bodies().values("owner_id")
    return list(Organisation.objects.filter(pk__in=owners).order_by("name"))


def public_body(pk: int) -> Body:
    """The body if it is public and active; 404 otherwise, for everybody (the portal is the
    public face, so staff see there only what an outsider sees)."""
    return get_object_or_404(public_bodies().select_related("owner"), pk=pk)


def public_members(body: Body, today: date) -> tuple[list[PublicMember], int]:
    """The members who may be named (name, seat, nominating organisation, term) and how many
    others serve: two queries. Only the named members' few fields are read from the database."""
    serving = Term.objects.current(today).filter(seat__body=body, seat__retired_on__isnull=True)
    rows = serving.publicly_named().values_list(
        "representative__user__full_name",
        "seat__role",
        "seat__rank",
        "nominated_by__name",
        "starts_on",
        "ends_on",
    )
    members = []
    for name, role, rank, nominated_by, starts_on, ends_on in sorted(
        rows, key=lambda r: (ROLE_ORDER.index(r[1]), r[2], r[0])
    ):
        label = str(Seat.Role(role).label)
        if role == Seat.Role.DEPUTY:
            # Deputies step in in rank order, so the rank says something; for others it does not.
            label = f"{label} {rank}"
        members.append(PublicMember(name, label, nominated_by or "", starts_on, ends_on))
    return members, serving.count() - len(members)


def open_calls() -> CallQuerySet:
    """Open calls on public, active bodies, with what a visitor needs to see (no nominees)."""
    return (
        Call.objects.open()
        .on_public_bodies()
        .select_related("body__owner")
        .prefetch_related(
            Prefetch("seats", queryset=Seat.objects.order_by("role", "rank")),
            "areas_wanted",
            Prefetch("recipients", queryset=Organisation.objects.order_by("name")),
        )
        .order_by("deadline", "body__name", "pk")
    )


def body_calls(body: Body) -> list[Call]:
    """The body's open calls with their seats (for the council's page: deadline and seats)."""
    return list(
        Call.objects.open()
        .filter(body=body)
        .prefetch_related(Prefetch("seats", queryset=Seat.objects.order_by("role", "rank")))
        .order_by("deadline", "pk")
    )


def seats_sought(call: Call) -> list[tuple[str, int]]:
    """("Member", 2), ("Deputy", 1): the roles a call seeks, in the usual order (from the
    prefetched seats)."""
    counts: dict[str, int] = {}
    for seat in call.seats.all():
        counts[seat.role] = counts.get(seat.role, 0) + 1
    return [(str(Seat.Role(role).label), counts[role]) for role in ROLE_ORDER if role in counts]


def user_organisations(text: str | None) -> OrganisationQuerySet:
    """Active user organisations with their active branches; `text` matches the name or short
    name of the organisation or of one of its branches."""
    branches = Organisation.objects.active().of_kinds(BRANCH_KINDS).order_by("name")
    organisations = Organisation.objects.active().of_kinds(DIRECTORY_KINDS)
    if text and (text := text.strip()):
        matching_branch = branches.filter(parent=OuterRef("pk")).filter(
            Q(name__icontains=text) | Q(short_name__icontains=text)
        )
        organisations = organisations.filter(
            Q(name__icontains=text) | Q(short_name__icontains=text) | Exists(matching_branch)
        )
    return organisations.prefetch_related(
        Prefetch("children", queryset=branches, to_attr="branches")
    ).order_by("name", "pk")
