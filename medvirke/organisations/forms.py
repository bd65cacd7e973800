from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from medvirke.core.locking import VersionedModelForm

from .models import Invitation, Organisation, StaffRole

User = get_user_model()


class OrganisationForm(VersionedModelForm):
    # Wider than the stored 9 digits: people paste "983 658 725"; clean_org_number keeps digits.
    org_number = forms.CharField(
        label=Organisation._meta.get_field("org_number").verbose_name,
        help_text=Organisation._meta.get_field("org_number").help_text,
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "kind",
            "org_number",
            "email",
            "phone",
            "address",
            "website",
        ]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args: Any, allowed_kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed_kinds is not None:
            field = self.fields["kind"]
            field.choices = [c for c in field.choices if c[0] in allowed_kinds]  # type: ignore[attr-defined]

    def clean_org_number(self) -> str:
        # People paste "983 658 725" or "NO 983658725 MVA"; keep the digits.
        raw = self.cleaned_data.get("org_number", "")
        digits = "".join(ch for ch in raw if ch.isdigit())
        if raw and len(digits) != 9:
            raise forms.ValidationError(
                _("An organisation number has exactly 9 digits."), code="invalid_orgnr"
            )
        return digits

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        digits = phone.replace(" ", "").removeprefix("+")
        if phone and (not digits.isdigit() or not 8 <= len(digits) <= 15):
            raise forms.ValidationError(
                _("Enter a phone number with 8 to 15 digits, for example 22 00 00 00.")
            )
        return phone


# Which kinds may sit below which (a unit under a municipality, a branch under a user org ...).
CHILD_KINDS: dict[str, list[str]] = {  # values are Kind members (str subclasses)
    Organisation.Kind.RHF: [Organisation.Kind.HF, Organisation.Kind.FORUM],
    Organisation.Kind.HF: [
        Organisation.Kind.CLINIC,
        Organisation.Kind.DEPARTMENT,
        Organisation.Kind.UNIT,
        Organisation.Kind.FORUM,
    ],
    Organisation.Kind.CLINIC: [Organisation.Kind.DEPARTMENT, Organisation.Kind.UNIT],
    Organisation.Kind.DEPARTMENT: [Organisation.Kind.UNIT],
    Organisation.Kind.UNIT: [Organisation.Kind.UNIT],
    Organisation.Kind.MUNICIPALITY: [Organisation.Kind.UNIT, Organisation.Kind.FORUM],
    Organisation.Kind.NAV_OFFICE: [Organisation.Kind.UNIT],
    Organisation.Kind.USER_ORG: [Organisation.Kind.USER_ORG_BRANCH],
    Organisation.Kind.USER_ORG_BRANCH: [Organisation.Kind.USER_ORG_BRANCH],
    Organisation.Kind.FORUM: [],
    Organisation.Kind.OTHER: [Organisation.Kind.UNIT, Organisation.Kind.OTHER],
}
TOP_LEVEL_KINDS: list[str] = [
    Organisation.Kind.RHF,
    Organisation.Kind.MUNICIPALITY,
    Organisation.Kind.NAV_OFFICE,
    Organisation.Kind.USER_ORG,
    Organisation.Kind.FORUM,
    Organisation.Kind.OTHER,
]


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.Role.choices)
    message = forms.CharField(
        label=_("Message to the person"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, role = data.get("email", "").lower(), data.get("role")
        if not email or not role:
            return data
        if StaffRole.objects.filter(
            organisation=self.organisation, role=role, user__email__iexact=email
        ).exists():
            self.add_error(
                "email",
                _("This person already has this role in %(org)s.")
                % {"org": self.organisation.name},
            )
        elif (
            Invitation.objects.pending()
            .filter(organisation=self.organisation, role=role, email__iexact=email)
            .exists()
        ):
            self.add_error(
                "email",
                _(
                    "This person has already been invited to this role. "
                    "The invitation is waiting to be accepted."
                ),
            )
        return data


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            try:
                validate_password(p1, User(email=self.email, full_name=data.get("full_name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
