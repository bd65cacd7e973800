from typing import Any

from django.http import HttpRequest

from .models import Organisation


def current_organisation(request: HttpRequest) -> dict[str, Any]:
    """The organisations for the header's switcher (one query, only for logged-in people)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def load() -> list[Organisation]:
        return list(Organisation.objects.filter(staff_roles__user=user).distinct().order_by("name"))

    cache: dict[str, Any] = {}

    def my_organisations() -> list[Organisation]:
        if "orgs" not in cache:
            cache["orgs"] = load()
        return cache["orgs"]

    return {
        "my_organisations": my_organisations,
        "current_organisation_id": request.session.get("current_organisation"),
    }
