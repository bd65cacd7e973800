"""allauth adapters: who may sign up, how mail is sent, and which external logins count."""

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest
from django.shortcuts import render

from .oidc.levels import level_is_sufficient, lowest_requested, requested_levels

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join through an invitation to a role (or, later, as a representative invited
        # by a coordinator); there is no open registration.
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        # An ID-porten/HelseID/Feide login connects to an existing, invited account only.
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        """Refuse an external login (or connecting one) made at a lower assurance level than
        the app's `_ACR_VALUES` ask for.

        The level is asked for in the authorization request, which travels through the
        person's browser and can be edited there; only the `acr` in the ID token, which
        Medvirke fetched from the provider itself, says what the login was really made with.
        """
        app = getattr(sociallogin.provider, "app", None)
        app_settings = getattr(app, "settings", None) or {}
        requested = requested_levels(app_settings)
        if not requested:
            return
        claims = (sociallogin.account.extra_data or {}).get("id_token") or {}
        if level_is_sufficient(app_settings, claims):
            return
        ordered = list(app_settings.get("acr_levels") or ())
        logger.warning(
            "external login refused: provider %s returned acr %r, %s asked for",
            getattr(app, "provider_id", "?"),
            claims.get("acr"),
            " ".join(requested),
        )
        raise ImmediateHttpResponse(
            render(
                request,
                "accounts/oidc_level_refused.html",
                {
                    "provider_name": getattr(app, "name", ""),
                    "level": claims.get("acr") or "",
                    "required": lowest_requested(requested, ordered),
                },
                status=403,
            )
        )
