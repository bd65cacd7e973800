"""Who belongs to a body's meetings: the current terms and their holders, the seats that vote,
the staff roles that answer advice, and the quorum. Reads only; the models, the permissions and
every service import them from here, so no service needs another for them."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model

from medvirke.bodies.models import Body, Seat, Term, TermQuerySet
from medvirke.organisations.models import StaffRole

# Seats whose holders count towards the quorum and whose absence calls in a deputy.
VOTING_ROLES = (Seat.Role.LEADER, Seat.Role.DEPUTY_LEADER, Seat.Role.MEMBER)

# Staff roles in a unit that may answer advice sent to the unit: the case handler / unit
# manager (saksbehandler/enhetsleder). Not administrators: they manage the council (and grant
# roles), and answering for the service is the service's job (access follows the job).
ANSWERING_ROLES = {StaffRole.Role.CASE_HANDLER}


def member_terms(body: Body | int, on: date | None = None) -> TermQuerySet:
    """Current terms in the body (every role, deputies included), on a day or today."""
    return Term.objects.current(on).filter(seat__body=body, seat__retired_on__isnull=True)


def members_of(body: Body | int, on: date | None = None) -> list[Any]:
    """The people holding a current term in the body (deputies and observers included)."""
    terms = member_terms(body, on).values("representative__user_id")
    return list(get_user_model().objects.filter(pk__in=terms, is_active=True))


@dataclass(frozen=True)
class Quorum:
    """More than half of the voting seats present (Meeting.quorum)."""

    members: int
    present: int

    @property
    def needed(self) -> int:
        return self.members // 2 + 1

    @property
    def reached(self) -> bool:
        return self.members > 0 and self.present >= self.needed
