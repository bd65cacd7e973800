"""Forms of the minutes pages (the editor, dissent, advice, sending, approving, correcting, a
member's comment) and of the influence ledger (an answer to advice)."""

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirke.core.forms import PLANNING, BoundedDateField

from ..models import AdviceResponse, Case, Meeting, Minutes

# How long the recipient has to answer advice, unless the secretariat says otherwise.
ANSWER_DAYS = 42


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = [("", "–"), *choices]


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def conclusion_field(case: Case) -> str:
    return f"conclusion_{case.pk}"


class MinutesTextForm(forms.Form):
    """The general notes and one conclusion per case; `version` is the optimistic lock."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("General notes"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who chaired, approval of the agenda, and anything not tied to one case."),
    )

    def __init__(self, *args: Any, cases: list[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cases = cases
        for case in cases:
            self.fields[conclusion_field(case)] = forms.CharField(
                label=_("Conclusion in case %(ref)s %(title)s")
                % {"ref": case.reference, "title": case.title},
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def conclusions(self) -> dict[int, str]:
        """Case pk → conclusion, for the cases given a text."""
        return {
            case.pk: self.cleaned_data[conclusion_field(case)]
            for case in self.cases
            if self.cleaned_data.get(conclusion_field(case), "").strip()
        }

    def conclusion_fields(self) -> list[tuple[Case, forms.BoundField]]:
        return [(case, self[conclusion_field(case)]) for case in self.cases]


class CorrectionForm(MinutesTextForm):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the new version; the approved version is kept."),
    )


class DissentForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Member"), coerce=int)
    text = forms.CharField(
        label=_("Dissent"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In the member's own words."),
    )

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        _choices(self, "person", [(p.pk, str(p)) for p in people])


class AdviceForm(forms.Form):
    text = forms.CharField(
        label=_("Advice"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    recipient_unit = forms.TypedChoiceField(
        label=_("Recipient (unit)"), coerce=int, required=False, empty_value=None
    )
    recipient_person = forms.TypedChoiceField(
        label=_("Recipient (person)"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Leave both recipients empty to send the advice to the case owner."),
    )
    due_on = BoundedDateField(label=_("Answer due"), widget=_date_widget(), date_range=PLANNING)

    def __init__(self, *args: Any, units: list[Any], people: list[Any], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"due_on": timezone.localdate() + timedelta(days=ANSWER_DAYS)})
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in units}
        self.people = {p.pk: p for p in people}
        _choices(self, "recipient_unit", [(u.pk, u.name) for u in units])
        _choices(self, "recipient_person", [(p.pk, str(p)) for p in people])


class SendForCommentsForm(forms.Form):
    comment_deadline = BoundedDateField(
        label=_("Comments by"),
        date_range=PLANNING,
        widget=_date_widget(),
        help_text=_("The members are told and may comment until this day."),
    )


class ApproveForm(forms.Form):
    how = forms.ChoiceField(
        label=_("Approved"), choices=Minutes.ApprovedHow.choices, widget=forms.RadioSelect
    )
    at_meeting = forms.TypedChoiceField(
        label=_("At the meeting"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Only when the minutes were approved at a later meeting."),
    )

    def __init__(self, *args: Any, meetings: list[Meeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meetings = {m.pk: m for m in meetings}
        _choices(self, "at_meeting", [(m.pk, str(m)) for m in meetings])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("how") == Minutes.ApprovedHow.MEETING and not data.get("at_meeting"):
            self.add_error("at_meeting", _("Choose the meeting that approved the minutes."))
        return data


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ResponseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Answer"), choices=AdviceResponse.Status.choices, widget=forms.RadioSelect
    )
    reasoning = forms.CharField(
        label=_("Reasoning"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The council and the representatives read this; say what is done and why."),
    )
