"""Forms for the organisations' and representatives' side of appointments: nominate, resign,
ask to be deleted."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medvirke.organisations.models import Organisation
from medvirke.representatives.models import Affiliation, Representative

CONFIRM_REQUIRED = _("Tick the box to confirm.")


class CandidateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.display_name} ({obj.user.email})"


class NominateForm(forms.Form):
    """Nominate one of the organisation's approved representatives to a call. The override
    reason appears once the nomination has raised a warning (employment in the owner, time
    served past the maximum) and is then required."""

    organisation = forms.ModelChoiceField(
        label=_("Nominate on behalf of"), queryset=Organisation.objects.none(), empty_label=None
    )
    representative = CandidateChoiceField(
        label=_("Candidate"),
        queryset=Representative.objects.none(),
        help_text=_("Representatives your organisation has approved."),
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
        if needs_override:
            self.fields["override_reason"] = forms.CharField(
                label=_("Reason for nominating despite the warning"),
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Recorded with the nomination and shown to the secretariat."),
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
