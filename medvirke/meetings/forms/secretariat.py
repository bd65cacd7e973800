"""Forms of the secretariat's meeting pages: a meeting, a case, a paper, answering a case
proposal, and one row of the attendance sheet. Service checks (no patient cases, the
exemption basis, the file's type and size) come back as errors next to their fields."""

from datetime import datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from medvirke.bodies.models import Body
from medvirke.core.forms import PLANNING, BoundedDatesFormMixin, BoundedDateTimeField
from medvirke.core.locking import VersionField

from .. import services
from ..models import Case, CaseProposal, Meeting, Paper
from ..validators import ALLOWED_NAMES, max_upload_bytes, validate_upload

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_DEADLINE_DAYS = 60


def _label(model: Any, name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)


def _datetime_field(label: Any) -> forms.DateTimeField:
    return BoundedDateTimeField(
        label=label,
        date_range=PLANNING,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


def _time_field(label: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class MeetingForm(BoundedDatesFormMixin, forms.Form):
    title = forms.CharField(
        label=_label(Meeting, "title"),
        max_length=200,
        required=False,
        help_text=_("For example “Budget meeting”. The body and date are shown anyway."),
    )
    starts_at = _datetime_field(_label(Meeting, "starts_at"))
    ends_at = _datetime_field(_label(Meeting, "ends_at"))
    place = forms.CharField(label=_label(Meeting, "place"), max_length=300, required=False)
    video_link = forms.URLField(
        label=_label(Meeting, "video_link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("For members who join by video. Give a place, a link or both."),
    )
    paper_deadline_days = forms.IntegerField(
        label=_label(Meeting, "paper_deadline_days"),
        min_value=0,
        max_value=MAX_DEADLINE_DAYS,
        help_text=_("Papers published later than this are flagged as late on the agenda."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A meeting must end after it starts."))
        return data

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        return {
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "place": meeting.place,
            "video_link": meeting.video_link,
            "paper_deadline_days": meeting.paper_deadline_days,
            "version": meeting.version,
        }


class MeetingEditForm(MeetingForm):
    """Changing a planned meeting, under the optimistic lock (core/locking.py)."""

    version = VersionField()


class CaseForm(forms.Form):
    # The optimistic lock when editing (core/locking.py); empty and unused on the new-case form.
    version = VersionField()
    title = forms.CharField(label=_label(Case, "title"), max_length=300)
    description = forms.CharField(
        label=_label(Case, "description"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    kind = forms.ChoiceField(label=_label(Case, "kind"), choices=Case.Kind.choices)
    owner_unit = forms.TypedChoiceField(
        label=_label(Case, "owner_unit"), coerce=int, empty_value=None, required=False
    )
    owner_person = forms.TypedChoiceField(
        label=_label(Case, "owner_person"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("The case owner answers the council's advice."),
    )
    exempt = forms.BooleanField(label=_("Exempt from public access"), required=False)
    exemption_basis = forms.CharField(
        label=_label(Case, "exemption_basis"),
        max_length=300,
        required=False,
        help_text=_("Required for an exempt case, for example “offl. § 14 første ledd”."),
    )
    phase = forms.ChoiceField(label=_label(Case, "phase"), choices=Case.Phase.choices)
    ladder_step = forms.TypedChoiceField(
        label=_label(Case, "ladder_step"), coerce=int, choices=Body.LadderStep.choices
    )
    no_individual_patient = forms.BooleanField(
        label=_("The case is not about an individual patient"),
        required=False,
        help_text=_(
            "Councils give advice on services, never on one patient's treatment. Leave out "
            "names, national identity numbers and anything else that identifies a patient."
        ),
    )

    def __init__(
        self,
        *args: Any,
        units: list[tuple[int, str]],
        people: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].choices = [("", _("No unit")), *units]  # type: ignore[attr-defined]
        self.fields["owner_person"].choices = [("", _("No person")), *people]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            services.check_not_patient_case(
                data.get("title", ""),
                data.get("description", ""),
                bool(data.get("no_individual_patient")),
            )
        except ValidationError as exc:
            self.add_error(None, exc)
        if data.get("exempt") and not (data.get("exemption_basis") or "").strip():
            self.add_error("exemption_basis", _("Give the legal basis for exempting the case."))
        return data

    def case_fields(self) -> dict[str, Any]:
        """The cleaned data as keyword arguments for services.add_case / update_case."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "kind": data["kind"],
            "is_public": not data["exempt"],
            "exemption_basis": data["exemption_basis"] if data["exempt"] else "",
            "phase": data["phase"],
            "ladder_step": data["ladder_step"],
            "no_individual_patient": data["no_individual_patient"],
        }

    @classmethod
    def initial_for(cls, case: Case) -> dict[str, Any]:
        return {
            "title": case.title,
            "description": case.description,
            "kind": case.kind,
            "owner_unit": case.owner_unit_id,
            "owner_person": case.owner_person_id,
            "exempt": not case.is_public,
            "exemption_basis": case.exemption_basis,
            "phase": case.phase,
            "ladder_step": case.ladder_step,
            "no_individual_patient": case.no_individual_patient,
            "version": case.version,
        }


class PaperForm(forms.Form):
    file = forms.FileField(
        label=_label(Paper, "file"),
        help_text=_("%(allowed)s, at most %(limit)s MB."),
        error_messages={"required": _("Choose a file to upload.")},
    )
    title = forms.CharField(
        label=_label(Paper, "title"),
        max_length=300,
        required=False,
        help_text=_("Without a title, the file's name is shown."),
    )
    case = forms.TypedChoiceField(
        label=_("Belongs to case"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, cases: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [("", _("The meeting as a whole")), *cases]  # type: ignore[attr-defined]
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "allowed": ALLOWED_NAMES,
            "limit": max_upload_bytes() // (1024 * 1024),
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        validate_upload(upload)  # type by content, name and size: the message is the field's
        return upload


class AcceptProposalForm(forms.Form):
    meeting = forms.TypedChoiceField(
        label=_("Meeting"),
        coerce=int,
        error_messages={"required": _("Choose the meeting whose agenda gets the case.")},
    )
    kind = forms.ChoiceField(label=_label(Case, "kind"), choices=Case.Kind.choices)

    def __init__(self, *args: Any, meetings: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [("", _("Choose a meeting")), *meetings]  # type: ignore[attr-defined]


class AnswerProposalForm(forms.Form):
    answer = forms.CharField(
        label=_label(CaseProposal, "answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the case is not put on the agenda. The proposer reads it."),
        error_messages={"required": _("Give a reason; the proposer will see it.")},
    )


class AttendanceForm(forms.Form):
    """One person's row on the attendance sheet (prefixed by the person)."""

    present = forms.BooleanField(label=_("Present"), required=False)
    arrived = _time_field(_("Arrived"))
    left = _time_field(_("Left"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        arrived, left = data.get("arrived"), data.get("left")
        if arrived and left and left <= arrived:
            self.add_error("left", _("Departure must be after arrival."))
        return data

    @staticmethod
    def at(day: Any, moment: time | None) -> datetime | None:
        """The time on the meeting's day, in local time."""
        if moment is None:
            return None
        return timezone.make_aware(datetime.combine(day, moment))
