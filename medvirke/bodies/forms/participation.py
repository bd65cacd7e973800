"""Forms for the organisations' and representatives' side of appointments: nominate, resign,
ask to be deleted."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medvirke.core.forms import BoundedDateField
from medvirke.organisations.models import Organisation
from medvirke.representatives.models import Affiliation, Representative

from ..models import Body

CONFIRM_REQUIRED = _("Tick the box to confirm.")


class CandidateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.display_name} ({obj.user.email})"


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class NominateForm(forms.Form):
    """Nominate one of the organisation's approved representatives to a call, or invite a new
    candidate (registered with the organisation and invited to choose a password) and
    nominate them in the same step. The override reason appears once the nomination has raised
    a warning (employment in the owner, time served past the maximum) and is then required."""

    EXISTING = "existing"
    NEW = "new"

    organisation = forms.ModelChoiceField(
        label=_("Nominate on behalf of"), queryset=Organisation.objects.none(), empty_label=None
    )
    candidate_kind = forms.ChoiceField(
        label=_("Who do you nominate?"),
        choices=[
            (EXISTING, _("One of our approved representatives")),
            (NEW, _("A new candidate, invited now")),
        ],
        initial=EXISTING,
        # Not required: a form posted without it (an older page) nominates from the list.
        required=False,
        widget=forms.RadioSelect,
    )
    # The candidate, or the new candidate's name and address, are required depending on the
    # choice above (full_clean); they are marked required, since each is within its choice.
    representative = CandidateChoiceField(
        label=_("Candidate"),
        queryset=Representative.objects.none(),
        help_text=_("Representatives your organisation has approved."),
        error_messages={"required": _("Choose a candidate.")},
    )
    new_full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={"required": _("Write the new candidate's full name.")},
    )
    new_email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={"required": _("Write the new candidate's e-mail address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("The person gets an e-mail with a link to choose a password."),
    )
    new_phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    new_municipality = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY, ended_on__isnull=True
        ).order_by("name"),
        required=False,
        empty_label=_("Not stated"),
        help_text=_("Where the person lives."),
    )
    justification = forms.CharField(
        label=_("Justification"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Why this person fits the profile the body asks for: experience, knowledge, "
            "availability. The secretariat reads it."
        ),
    )

    NEW_FIELDS = ("new_full_name", "new_email", "new_phone", "new_municipality")

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        needs_override: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.warnings: list[Any] = []
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if len(organisations) == 1:
            org_field.initial = organisations[0].pk
            org_field.widget = forms.HiddenInput()
        rep_field = self.fields["representative"]
        assert isinstance(rep_field, forms.ModelChoiceField)
        rep_field.queryset = (
            Representative.objects.active()
            .filter(
                affiliations__organisation__in=organisations,
                affiliations__status=Affiliation.Status.APPROVED,
            )
            .select_related("user")
            .distinct()
            .order_by("user__full_name", "pk")
        )
        # Without approved representatives, inviting someone new is the only way.
        self.has_approved = rep_field.queryset.exists()
        if not self.has_approved:
            del self.fields["representative"]
            self.fields["candidate_kind"].initial = self.NEW
            self.fields["candidate_kind"].widget = forms.HiddenInput()
        if needs_override:
            self.fields["override_reason"] = forms.CharField(
                label=_("Reason for nominating despite the warning"),
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Recorded with the nomination and shown to the secretariat."),
            )

    def chosen_kind(self) -> str:
        if not self.has_approved:
            return self.NEW
        return self.data.get(self.add_prefix("candidate_kind")) or self.EXISTING

    @property
    def invites_new(self) -> bool:
        return self.chosen_kind() == self.NEW

    def existing_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("representative",) if name in self.fields]

    def new_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.NEW_FIELDS]

    def full_clean(self) -> None:
        """Validate only the chosen way of naming the candidate: the other group's fields are
        not required for this round (and are marked required again for the page)."""
        kind = self.chosen_kind()
        needed = {
            "representative": kind == self.EXISTING,
            "new_full_name": kind == self.NEW,
            "new_email": kind == self.NEW,
            # A new candidate is asked to join first and nominated later, with a justification.
            "justification": kind == self.EXISTING,
        }
        present = {name: flag for name, flag in needed.items() if name in self.fields}
        for name, flag in present.items():
            self.fields[name].required = flag
        try:
            super().full_clean()
        finally:
            for name in present:
                self.fields[name].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["candidate_kind"] = self.chosen_kind()
        organisation, email = data.get("organisation"), data.get("new_email")
        if (
            self.invites_new
            and organisation is not None
            and email
            and already_registered(email, organisation)
        ):
            self.add_error("new_email", already_registered_message(organisation))
        return data


def already_registered(email: str, organisation: Organisation) -> bool:
    return Affiliation.objects.filter(
        organisation=organisation, representative__user__email__iexact=email.strip()
    ).exists()


def already_registered_message(organisation: Organisation) -> str:
    return str(
        _(
            "This e-mail address belongs to someone already registered with %(org)s. "
            "Choose them among our approved representatives instead."
        )
        % {"org": organisation.name}
    )


class ResignForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I am stepping down from this seat before the term ends"),
        error_messages={"required": CONFIRM_REQUIRED},
    )
    message = forms.CharField(
        label=_("Message to the secretariat and your organisation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example when you leave, or whether you can help find someone to take over. "
            "It is sent with the notice, not stored in the history."
        ),
    )


class DeletionRequestForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I ask to have my personal data deleted"),
        error_messages={"required": CONFIRM_REQUIRED},
    )


class RepresentationFilterForm(forms.Form):
    """Filters on "Where are we represented?" (GET; invalid values are ignored)."""

    q = forms.CharField(
        label=_("Search by body, owner or representative"), max_length=100, required=False
    )
    kind = forms.ChoiceField(label=_("Kind of body"), required=False)
    ends_before = BoundedDateField(
        label=_("Term ends before"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *Body.Kind.choices]  # type: ignore[attr-defined]
        self.fields["q"].widget.input_type = "search"
        for field in self.fields.values():
            field.widget.attrs["class"] = "ds-input"
