"""Shared by the secretariat's pages: breadcrumbs, seat labels, counts, and
the seat rows (seat, open term, flags, open calls) that the body page, the call form and the
call page all show."""

from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Case,
    F,
    Func,
    IntegerField,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from medvirke.organisations.models import Organisation, StaffRole
from medvirke.organisations.permissions import roles_in

from ... import permissions
from ...models import Body, Call, Seat, Term

PAGE_SIZE = 50
EXPIRING_DAYS = 90
CALL_DAYS = 21
ROLES = [
    Seat.Role.LEADER,
    Seat.Role.DEPUTY_LEADER,
    Seat.Role.MEMBER,
    Seat.Role.DEPUTY,
    Seat.Role.OBSERVER,
]
ROLE_ORDER = Case(
    *[When(role=role, then=Value(i)) for i, role in enumerate(ROLES)], output_field=IntegerField()
)
RECIPIENT_KINDS = [
    Organisation.Kind.FORUM,
    Organisation.Kind.USER_ORG,
    Organisation.Kind.USER_ORG_BRANCH,
]


# --- helpers ---------------------------------------------------------------------------------


def trail(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [
        {"label": label, "url": url}
        for label, url in [(_("Councils and groups"), reverse("body_list")), *items]
    ]


def body_trail(body: Body) -> list[dict[str, str]]:
    return trail((body.name, reverse("body_detail", args=[body.pk])))


def seat_label(seat: Seat) -> str:
    """ "Member 3", "Deputy 1"; a sole leader is just "Leader"."""
    if seat.role in (Seat.Role.LEADER, Seat.Role.DEPUTY_LEADER) and seat.rank == 1:
        return str(seat.get_role_display())
    return f"{seat.get_role_display()} {seat.rank}"


def count_of(queryset: QuerySet[Any]) -> Coalesce:
    """COUNT(*) of a correlated subquery, as an annotation."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def role_organisation_paths(user: Any) -> dict[int, str]:
    """{id: path} of the organisations where `user` holds a role (one query)."""
    return dict(
        StaffRole.objects.for_user(user)
        .values_list("organisation_id", "organisation__path")
        .distinct()
    )


def may_create_in(user: Any, organisation: Organisation) -> bool:
    # Same rule as permissions.can_manage, for a body not yet made: administrators and
    # secretariat staff of the organisation or above.
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or roles_in(user, organisation) & permissions.MANAGER_ROLES)


def manager_organisations(user: Any) -> list[Organisation]:
    """Organisations where `user` may create bodies: where they are administrator or
    secretariat, and the units below."""
    if user.is_superuser:
        organisations = Organisation.objects.exclude(
            kind__in=[Organisation.Kind.USER_ORG, Organisation.Kind.USER_ORG_BRANCH]
        )
    else:
        roots = list(
            StaffRole.objects.for_user(user)
            .filter(role__in=permissions.MANAGER_ROLES)
            .values_list("organisation__path", flat=True)
        )
        if not roots:
            return []
        organisations = Organisation.objects.below(*roots)
    return list(organisations.active().select_related("parent").order_by("name"))


def seat_rows(body: Body, today: date) -> list[dict[str, Any]]:
    """Each seat in use with its open term (if any), flags and open calls: three queries."""
    seats = list(
        body.seats.filter(retired_on__isnull=True)
        .annotate(role_order=ROLE_ORDER)
        .order_by("role_order", "rank")
        .prefetch_related(
            Prefetch(
                "calls", queryset=Call.objects.open().order_by("deadline"), to_attr="open_calls"
            )
        )
    )
    terms = {
        t.seat_id: t
        for t in Term.objects.filter(seat__in=seats, ended_on__isnull=True).select_related(
            "representative__user", "nominated_by"
        )
    }
    rows = []
    for seat in seats:
        term = terms.get(seat.pk)
        rows.append(
            {
                "seat": seat,
                "label": seat_label(seat),
                "term": term,
                "carried_over": bool(term and term.ends_on < today),
                "expiring": bool(
                    term and today <= term.ends_on <= today + timedelta(days=EXPIRING_DAYS)
                ),
                "starts_later": bool(term and term.starts_on > today),
                "open_calls": seat.open_calls,
            }
        )
    return rows


def seat_choice_label(row: dict[str, Any]) -> str:
    term = row["term"]
    if term is None:
        return _("%(seat)s – vacant") % {"seat": row["label"]}
    return _("%(seat)s – held by %(person)s until %(date)s") % {
        "seat": row["label"],
        "person": term.representative,
        "date": term.ends_on.strftime("%d.%m.%Y"),
    }
