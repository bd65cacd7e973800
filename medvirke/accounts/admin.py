"""Read-only in the admin: accounts change through the pages and services, so every change
(roles, deactivation, superuser status, e-mail addresses, external logins) reaches the history.
allauth's own admins are replaced too: editing an e-mail address or an external login in the
admin would hand an account to someone else with no trace. Secrets (the password hash, TOTP
seeds, OIDC tokens and client secrets) are not shown."""

import importlib
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from medvirke.core.admin import ReadOnlyAdmin
from medvirke.core.history import record
from medvirke.core.models import AuditEvent

from .models import User


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff", "language"]
    exclude = ["password", "user_permissions", "groups"]


# medvirke.accounts comes before allauth and django.contrib.auth in INSTALLED_APPS, so the admin
# autodiscovery reaches this module first: import their admin modules now (autodiscovery then
# finds them imported and does not register twice), and replace what they registered.
importlib.import_module("django.contrib.auth.admin")
for module in ("account", "mfa", "socialaccount"):
    importlib.import_module(f"allauth.{module}.admin")

for model in (EmailAddress, SocialAccount, SocialToken, SocialApp, Group, Authenticator):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(EmailAddress)
class EmailAddressAdmin(ReadOnlyAdmin):
    list_display = ["email", "user", "primary", "verified"]
    list_filter = ["primary", "verified"]
    search_fields = ["email", "user__email", "user__full_name"]
    raw_id_fields = ["user"]


@admin.register(SocialAccount)
class SocialAccountAdmin(ReadOnlyAdmin):
    list_display = ["user", "provider", "uid", "last_login"]
    list_filter = ["provider"]
    search_fields = ["uid", "user__email"]
    raw_id_fields = ["user"]
    exclude = ["extra_data"]


@admin.register(SocialToken)
class SocialTokenAdmin(ReadOnlyAdmin):
    list_display = ["app", "account", "expires_at"]
    raw_id_fields = ["app", "account"]
    exclude = ["token", "token_secret"]


@admin.register(SocialApp)
class SocialAppAdmin(ReadOnlyAdmin):
    # The OpenID Connect providers are configured by environment (settings.OIDC_APPS).
    list_display = ["name", "provider", "provider_id"]
    exclude = ["secret", "key", "settings"]


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin):
    # Groups are unused: access follows staff roles, never Django permissions.
    list_display = ["name"]
    exclude = ["permissions"]


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdmin):
    """The one change the admin makes: removing a lost authenticator (docs/operations.md, after
    verifying the person's identity). The removal is written to the history, with who did it."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user"]
    exclude = ["data"]  # the TOTP seed and recovery codes

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_view_permission(request, obj)

    def _record_removal(self, request: HttpRequest, authenticator: Authenticator) -> None:
        record(
            actor=request.user,
            action=AuditEvent.Action.DELETED,
            obj=authenticator,
            parent=authenticator.user,
            changes={"type": [authenticator.type, None]},
            note="Removed in the admin",
        )

    def delete_model(self, request: HttpRequest, obj: Authenticator) -> None:
        with transaction.atomic():
            self._record_removal(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Authenticator]) -> None:
        with transaction.atomic():
            for authenticator in queryset.select_related("user"):
                self._record_removal(request, authenticator)
            super().delete_queryset(request, queryset)
