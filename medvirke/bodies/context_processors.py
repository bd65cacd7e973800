"""What the page layout shows about the logged-in person: the role-aware menu entries, the
organisation switcher and the unread count. Lives in the top app because the menu links to every
app's pages.

All of it comes from one query per request, run the first time a template asks for any of it
(pages without the header, such as a redirect or a file, pay nothing): the person's row joined
to their roles and organisations, with the representative profile and the unread count as
subqueries. Computed fresh on every request, so a new role or notification shows at once.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject

from medvirke.core.models import Notification
from medvirke.organisations.models import StaffRole
from medvirke.representatives.models import Representative


def summary_for(user: Any) -> dict[str, Any]:
    """The menu flags, the person's organisations (by name) and the unread count, in one query:
    a row per role (or one row without roles) carries the person-wide values too."""
    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        get_user_model()
        ._default_manager.filter(pk=user.pk)
        .annotate(
            is_representative=Exists(Representative.objects.filter(user=OuterRef("pk"))),
            unread=Coalesce(Subquery(unread), 0),
        )
        .order_by("staff_roles__organisation__name", "staff_roles__organisation_id")
        .values_list(
            "is_representative",
            "unread",
            "staff_roles__role",
            "staff_roles__organisation_id",
            "staff_roles__organisation__name",
        )
    )
    representative, unread_count = False, 0
    roles: set[str] = set()
    organisations: dict[int, dict[str, Any]] = {}
    for is_rep, count, role, org_id, org_name in rows:
        representative, unread_count = is_rep, count
        if role is not None:
            roles.add(role)
            organisations.setdefault(org_id, {"pk": org_id, "name": org_name})
    return {
        "menu": {
            "staff": bool(roles),
            "coordinator": StaffRole.Role.COORDINATOR in roles,
            "representative": representative,
        },
        "organisations": list(organisations.values()),
        "unread": unread_count,
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
    summary = SimpleLazyObject(lambda: summary_for(user))
    return {
        **here,
        "menu": SimpleLazyObject(lambda: summary["menu"]),
        "my_organisations": lambda: summary["organisations"],
        "unread_notifications": lambda: summary["unread"],
        "current_organisation_id": request.session.get("current_organisation"),
    }
