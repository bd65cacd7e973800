from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .models import StaffRole

# Pages a person must reach before MFA is set up: MFA setup itself, logout, static files, and
# the public pages (open to everyone anyway).
EXEMPT_PREFIXES = ("/konto/", "/static/", "/healthz", "/sprak/", "/offentlig/")


class RequireMFAForStaffMiddleware:
    """With MEDVIRKE_REQUIRE_MFA_FOR_STAFF on, anyone holding a staff role must set up TOTP
    before using anything else. The answer is remembered in the session once it is yes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.MEDVIRKE_REQUIRE_MFA_FOR_STAFF
            and request.user.is_authenticated
            and not request.session.get("mfa_ok")
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            from allauth.mfa.models import Authenticator

            has_role = StaffRole.objects.for_user(request.user).exists()
            if (
                has_role
                and not Authenticator.objects.filter(
                    user=request.user, type=Authenticator.Type.TOTP
                ).exists()
            ):
                return redirect(reverse("mfa_activate_totp") + f"?next={request.path}")
            request.session["mfa_ok"] = True
        return self.get_response(request)
