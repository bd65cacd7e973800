"""Builders for the portal tests: a public council with members who did and did not consent to
being named, and reading a page as text."""

import html
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import ngettext, override

from medvirke.bodies import services
from medvirke.bodies.models import Body, Seat, Term
from medvirke.bodies.tests.participation_support import candidate
from medvirke.representatives.models import Representative

TODAY = timezone.localdate()


def text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def make_council(world: Any, name: str = "Brukerutvalget i Testby HF", **kw: Any) -> Body:
    """A public trust council of Testby HF with three member seats and one deputy seat."""
    fields: dict[str, Any] = {
        "kind": Body.Kind.TRUST_COUNCIL,
        "owner": world.hf,
        "ladder_step": 2,
        "ladder_justification": "Rådgivende organ for direktøren",
        "mandate": "Gi råd til direktøren om tjenestene.\n\nMøtes seks ganger i året.",
        "leader_seats": 0,
        "deputy_leader_seats": 0,
        "member_seats": 3,
        "deputy_seats": 1,
        **kw,
    }
    return services.create_body(Body(name=name, **fields), by=world.administrator)


def seat(body: Body, role: str, rank: int = 1) -> Seat:
    return body.seats.get(role=role, rank=rank)


def member(
    world: Any,
    body: Body,
    name: str,
    *,
    consent: bool,
    role: str = Seat.Role.MEMBER,
    rank: int = 1,
    **term: Any,
) -> Term:
    """`name`, nominated by the world's user organisation, serving in the seat since today."""
    rep = candidate(world, name)
    Representative.objects.filter(pk=rep.pk).update(public_consent=consent)
    return Term.objects.create(
        seat=seat(body, role, rank),
        representative=rep,
        nominated_by=term.pop("nominated_by", world.user_org),
        starts_on=term.pop("starts_on", TODAY),
        ends_on=term.pop("ends_on", TODAY + timedelta(days=730)),
        appointed_by=world.secretary,
        **term,
    )


def council_with_members(world: Any, **kw: Any) -> Body:
    """A public council with Kari (consented, member 1), Per (consented, deputy 1) and Nils
    (did not consent, member 2)."""
    body = make_council(world, **kw)
    member(world, body, "Kari Nordmann", consent=True)
    member(world, body, "Per Hansen", consent=True, role=Seat.Role.DEPUTY)
    member(world, body, "Nils Skjult", consent=False, rank=2)
    return body


def unnamed_note(count: int, *, with_named: bool = True) -> str:
    """The sentence about members who are not named, as the page shows it (in Bokmål once the
    lead has translated it, in English until then)."""
    with override("nb"):
        if with_named:
            return ngettext(
                "%(counter)s further member is not named here.",
                "%(counter)s further members are not named here.",
                count,
            ) % {"counter": count}
        return ngettext(
            "%(counter)s member serves, but is not named here.",
            "%(counter)s members serve, but are not named here.",
            count,
        ) % {"counter": count}
