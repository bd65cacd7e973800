"""Two-factor forms: a TOTP code counts once (issue 11, point 12).

allauth marks a code used when it signs a person in (`TOTP.validate_code` adds a key to the
default cache, which is shared by all workers, settings.CACHES), so the same code cannot sign
in twice. Activating an authenticator checks the code without marking it, so the code just
typed to activate would sign in again within its 30 seconds; `ActivateTOTPForm` marks it.
When a code is refused because it was used, the person is told so (and to wait for the next
code) instead of being told it is wrong. Wired in through settings.MFA_FORMS.
"""

from typing import Any

from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
from allauth.mfa.utils import decrypt
from django import forms
from django.utils.translation import gettext_lazy as _

CODE_ALREADY_USED = _(
    "This code has already been used. Wait until your authenticator app shows a new code, "
    "then enter that one."
)


def _used_code_marker(user: Any) -> TOTP:
    # allauth's own used-code record (key per person and code, kept for the code's window), so
    # a code spent here is refused by allauth's login check and the other way round.
    return TOTP(Authenticator(user_id=user.pk, type=Authenticator.Type.TOTP))


class ActivateTOTPForm(AllauthActivateTOTPForm):
    """allauth's activation form, which also spends the code it accepts."""

    def clean_code(self) -> str:
        code: str = super().clean_code()
        if not _used_code_marker(self.user)._mark_code_used(code):
            raise forms.ValidationError(CODE_ALREADY_USED, code="code_already_used")
        return code


class _RefusedAsUsedMixin:
    """On a refused code, say "already used" when it is the person's current valid code."""

    user: Any

    def clean_code(self) -> str:
        try:
            return super().clean_code()  # type: ignore[misc]
        except forms.ValidationError as error:
            if error.code == "incorrect_code" and self._is_current_code(
                self.cleaned_data.get("code", "")  # type: ignore[attr-defined]
            ):
                raise forms.ValidationError(CODE_ALREADY_USED, code="code_already_used") from None
            raise

    def _is_current_code(self, code: str) -> bool:
        for authenticator in Authenticator.objects.filter(
            user=self.user, type=Authenticator.Type.TOTP
        ):
            if validate_totp_code(decrypt(authenticator.data["secret"]), code):
                return True
        return False


class AuthenticateForm(_RefusedAsUsedMixin, AllauthAuthenticateForm):
    """The code step of the login."""


class ReauthenticateForm(_RefusedAsUsedMixin, AllauthReauthenticateForm):
    """The code asked for again before a sensitive change."""
