"""What the page layout shows about the logged-in person: the role-aware menu entries, the
organisation switcher and the unread count. Lives in the top app because the menu links to every
app's pages.

All of it comes from one cached summary (core/layout.py): no query at all while the person's
`layout_version` is unchanged, three small queries when it has changed.
"""

from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject

from medvirke.core.layout import cached_layout
from medvirke.core.models import Notification
from medvirke.organisations.models import StaffRole
from medvirke.representatives.models import Representative


def summary_for(user: Any) -> dict[str, Any]:
    roles = list(
        StaffRole.objects.for_user(user)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
        .only("role", "organisation__name")
    )
    organisations: dict[int, dict[str, Any]] = {}
    for role in roles:
        organisations.setdefault(
            role.organisation_id, {"pk": role.organisation_id, "name": role.organisation.name}
        )
    return {
        "menu": {
            "staff": bool(roles),
            "coordinator": any(r.role == StaffRole.Role.COORDINATOR for r in roles),
            "representative": Representative.objects.filter(user=user).exists(),
        },
        "organisations": list(organisations.values()),
        "unread": Notification.objects.for_user(user).unread().count(),
    }


# The header's links, reversed once per process (and script prefix) instead of on every page.
NAV_NAMES = (
    "dashboard",
    "organisation_tree",
    "body_list",
    "representative_list",
    "participation_calls",
    "participation_representation",
    "participation_engagements",
    "profile",
    "my_representative",
    "notifications",
    "mfa_index",
    "account_change_password",
    "account_logout",
    "account_login",
    "switch_organisation",
    "set_language",
    "portal_home",
    "my_meetings",
    "advice_follow_up",
)
_nav: dict[str, dict[str, str]] = {}


def nav_urls() -> dict[str, str]:
    prefix = get_script_prefix()
    if prefix not in _nav:
        _nav[prefix] = {name: reverse(name) for name in NAV_NAMES}
    return _nav[prefix]


def layout(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    here = {"nav": nav_urls(), "current_view": match.url_name if match else ""}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return here
    summary = SimpleLazyObject(lambda: cached_layout(user, lambda: summary_for(user)))
    return {
        **here,
        "menu": SimpleLazyObject(lambda: summary["menu"]),
        "my_organisations": lambda: summary["organisations"],
        "unread_notifications": lambda: summary["unread"],
        "current_organisation_id": request.session.get("current_organisation"),
    }
