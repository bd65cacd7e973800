from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .models import StaffRole

# Pages a person must reach before MFA is set up: MFA setup itself, logout, static files, and
# the public pages (open to everyone anyway). The operators' admin (/drift/) is not among them.
EXEMPT_PREFIXES = ("/konto/", "/static/", "/healthz", "/sprak/", "/offentlig/")


class RequireMFAForStaffMiddleware:
    """With MEDVIRKE_REQUIRE_MFA_FOR_STAFF on, every superuser, every `is_staff` user and
    everyone holding a staff role must set up TOTP before using anything else.

    Decided on every request from the person's current roles, never remembered in the session:
    a role granted in the middle of a session is challenged on the next request. It costs one
    query (two EXISTS), and only for a signed-in person outside the exempt pages.

    The admin's own login form (/drift/login/) is always sent to allauth's login instead, with
    the setting on or off: it signs a person in with the password alone and so would skip the
    TOTP step of anyone who has set one up.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == reverse("admin:login"):
            return redirect(
                reverse("account_login")
                + "?"
                + urlencode({"next": request.GET.get("next") or reverse("admin:index")})
            )
        if (
            settings.MEDVIRKE_REQUIRE_MFA_FOR_STAFF
            and request.user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and _must_set_up_totp(request.user)
        ):
            return redirect(reverse("mfa_activate_totp") + "?" + urlencode({"next": request.path}))
        return self.get_response(request)


def _must_set_up_totp(user: Any) -> bool:
    """True when the person needs MFA (operator, admin access or a staff role) and has no TOTP."""
    from allauth.mfa.models import Authenticator

    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            has_role=Exists(StaffRole.objects.filter(user=OuterRef("pk"))),
            has_totp=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
            ),
        )
        .values_list("is_superuser", "is_staff", "has_role", "has_totp")
        .first()
    )
    if row is None:
        return False
    is_superuser, is_staff, has_role, has_totp = row
    return bool((is_superuser or is_staff or has_role) and not has_totp)
