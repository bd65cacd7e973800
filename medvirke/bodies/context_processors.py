"""The main menu's role-aware entries. Lives in the top app because it links to every app's
pages; each lookup runs only if the template asks for it."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from medvirke.organisations.models import StaffRole
from medvirke.representatives.models import Representative


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def menu() -> dict[str, bool]:
        roles = set(StaffRole.objects.for_user(user).values_list("role", flat=True))
        return {
            "staff": bool(roles),
            "coordinator": StaffRole.Role.COORDINATOR in roles,
            "representative": Representative.objects.filter(user=user).exists(),
        }

    return {"menu": SimpleLazyObject(menu)}
