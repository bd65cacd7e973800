"""Forms for members of a body: propose a case for the agenda, and the optional message with
an absence notice sent from the e-mail link."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medvirke.bodies.models import Body

from ..services import contains_national_id

PATIENT_CASE_MESSAGE = _(
    "Councils do not handle cases about individual patients. Remove the national identity "
    "number and anything else that identifies a patient."
)


class BodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ProposeCaseForm(forms.Form):
    """A member's proposal for the agenda (001: "Spill inn saker til dagsordenen"). A case
    about one patient is refused at the field that identifies them."""

    body = BodyChoiceField(
        label=_("Council or group"),
        queryset=Body.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose the council or group.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        error_messages={"required": _("Write a short title for the case.")},
    )
    description = forms.CharField(
        label=_("What is the case about?"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Describe the case.")},
        help_text=_("Write about the service, not about any one patient."),
    )
    why = forms.CharField(
        label=_("Why should the body take it up?"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]

    def _no_patient(self, name: str) -> str:
        value = str(self.cleaned_data.get(name, "")).strip()
        if contains_national_id(value):
            raise forms.ValidationError(PATIENT_CASE_MESSAGE, code="individual_patient")
        return value

    def clean_title(self) -> str:
        return self._no_patient("title")

    def clean_description(self) -> str:
        return self._no_patient("description")

    def clean_why(self) -> str:
        return self._no_patient("why")

    def proposal_text(self) -> str:
        """The description the secretariat reads: what it is about, then why."""
        text = self.cleaned_data["description"]
        why = self.cleaned_data.get("why", "")
        if why:
            text += "\n\n" + gettext("Why the body should take it up:") + "\n" + why
        return str(text)


class AbsenceForm(forms.Form):
    reason = forms.CharField(
        label=_("Message to the secretariat"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("You do not have to give a reason."),
    )
