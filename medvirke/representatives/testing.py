"""Test and demo set-up for representatives: a person registered with an organisation the way it
really happens, in two acts — the coordinator asks (services_joining.request_to_join) and the
person accepts (accept_join_request). There is no shortcut in the services that approves a
person without their own act; this helper only saves tests from spelling out both steps."""

from typing import Any

from medvirke.organisations.models import Organisation

from . import services_joining
from .models import Representative


def register_candidate(
    *,
    email: str,
    full_name: str,
    organisation: Organisation,
    by: Any,
    phone: str = "",
    municipality: Organisation | None = None,
) -> Representative:
    """`by` (a coordinator) asks the person with `email` to join `organisation`, and the person
    accepts: returns their representative profile, approved in `organisation`. A new address
    gets an account without a password (and the invitation to choose one), as in real use."""
    join_request, _created = services_joining.request_to_join(
        email=email,
        full_name=full_name,
        organisation=organisation,
        by=by,
        phone=phone,
        municipality=municipality,
    )
    services_joining.accept_join_request(join_request, by=join_request.user)
    return Representative.objects.select_related("user").get(user_id=join_request.user_id)
