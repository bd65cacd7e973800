"""Who may do what with bodies, calls, nominations and terms."""

from typing import Any

from django.db.models import Q

from medvirke.representatives.models import Representative

from .models import Body


def is_handling_secretariat(user: Any, representative: Representative) -> bool:
    """Secretariat staff of a body where the person is nominated or holds or held a term."""
    return (
        Body.objects.filter(secretariat=user)
        .filter(
            Q(seats__terms__representative=representative)
            | Q(calls__nominations__representative=representative)
        )
        .exists()
    )
