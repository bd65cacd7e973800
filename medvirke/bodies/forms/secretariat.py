"""Forms of the secretariat's pages: a body, the overview's filters, a call for candidates,
appointing or declining a nominee, and ending a term."""

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from medvirke.core.forms import PLANNING, BoundedDateField
from medvirke.core.locking import VersionedModelForm
from medvirke.representatives.models import ExperienceArea

from ..models import Body, Call, Nomination, Term

User = get_user_model()

SEAT_FIELDS = [
    "leader_seats",
    "deputy_leader_seats",
    "member_seats",
    "deputy_seats",
    "observer_seats",
]
MAX_SEATS_OF_A_KIND = 100
MAX_YEARS = 40


def _label(model: Any, name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BodyForm(VersionedModelForm):
    class Meta:
        model = Body
        fields = [
            "name",
            "kind",
            "level",
            "mandate",
            "ladder_step",
            "ladder_justification",
            *SEAT_FIELDS,
            "term_years",
            "max_years",
            "deputies_step_in",
            "is_public",
            "secretariat",
        ]
        widgets = {
            "mandate": forms.Textarea(attrs={"rows": 8}),
            "ladder_justification": forms.Textarea(attrs={"rows": 4}),
            "secretariat": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "mandate": _(
                "What the body gives advice on, to whom, and what it may decide. The step on "
                "the participation ladder follows from it."
            ),
            "ladder_step": _(
                "The participation ladder (FHI/FFO 2016, fig. 3): a body consulted now and then "
                "is on step 2; real co-determination is step 3; users who order the services "
                "themselves are on step 4."
            ),
            "ladder_justification": _(
                "Cite the part of the mandate that places the body on this step, so anyone can "
                "check that the participation is real."
            ),
            "max_years": _("The longest a person may sit in the body, over all terms."),
            "is_public": _("The body, its mandate and its members who agree are shown publicly."),
        }

    GROUPS = [
        (None, ["name", "kind", "level"]),
        (
            _("Mandate and place on the participation ladder"),
            ["mandate", "ladder_step", "ladder_justification"],
        ),
        (_("Number of seats"), SEAT_FIELDS),
        (_("Terms"), ["term_years", "max_years", "deputies_step_in"]),
        (_("Openness and secretariat"), ["is_public", "secretariat"]),
    ]

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        field = self.fields["secretariat"]
        # People with a role in the owner or above; people already in the secretariat stay
        # listed even if their role has gone, so an edit does not drop them unseen.
        people = Q(staff_roles__organisation_id__in=owner.lineage_ids())
        if self.instance.pk:
            people |= Q(secretariat_for=self.instance)
        field.queryset = User.objects.filter(people).distinct().order_by("full_name", "email")  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: f"{u.display_name} ({u.email})"  # type: ignore[attr-defined]
        field.help_text = _(
            "They run the body: members, calls and appointments. You can choose people with a "
            "role in %(org)s or above."
        ) % {"org": owner.name}
        for name in SEAT_FIELDS:
            self.fields[name].validators.append(MaxValueValidator(MAX_SEATS_OF_A_KIND))
            self.fields[name].widget.attrs.update({"min": 0, "max": MAX_SEATS_OF_A_KIND})
        for name in ("term_years", "max_years"):
            self.fields[name].validators += [MinValueValidator(1), MaxValueValidator(MAX_YEARS)]
            self.fields[name].widget.attrs.update({"min": 1, "max": MAX_YEARS})

    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The visible fields in fieldsets, for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        counts = [data.get(name) for name in SEAT_FIELDS]
        if all(count == 0 for count in counts):
            self.add_error(
                "member_seats",
                _("A body needs at least one seat: give the number of members (or other seats)."),
            )
        term, most = data.get("term_years"), data.get("max_years")
        if term and most and most < term:
            self.add_error(
                "max_years", _("The longest total time cannot be shorter than one term.")
            )
        return data


class OwnerChoiceForm(forms.Form):
    eier = forms.TypedChoiceField(coerce=int, label=_("Owner organisation"))

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["eier"].choices = [  # type: ignore[attr-defined]
            (o.pk, f"{o.name} ({o.parent.name})" if o.parent_id else o.name) for o in organisations
        ]


class BodyFilterForm(forms.Form):
    MINE, ALL = "mine", "alle"

    q = forms.CharField(label=_("Search by name"), max_length=100, required=False)
    visning = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[(MINE, _("Bodies of my organisations")), (ALL, _("All bodies I can see"))],
    )
    type = forms.ChoiceField(label=_("Kind"), required=False)
    eier = forms.TypedChoiceField(
        label=_("Owner (with units below)"), coerce=int, required=False, empty_value=None
    )
    slutt_for = BoundedDateField(
        label=_("Has a term ending before"), required=False, widget=_date_widget()
    )
    ledig = forms.BooleanField(label=_("Has vacant seats"), required=False)

    def __init__(self, *args: Any, owners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("All kinds")), *Body.Kind.choices]  # type: ignore[attr-defined]
        self.fields["eier"].choices = [("", _("All"))] + [(o.pk, o.name) for o in owners]  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")

    def full_clean(self) -> None:
        super().full_clean()
        # Rendered field by field (no "(optional)" on filters): mark errors for assistive tech.
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "ds-input")
            if name in self.errors:
                field.widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}_error"}
                )

    def value(self, name: str) -> Any:
        """The cleaned value, or None when the field is empty or was not valid."""
        if not self.is_bound or (not self.is_valid() and name in self.errors):
            return None
        return self.cleaned_data.get(name) or None


class CallForm(forms.Form):
    seats = forms.MultipleChoiceField(
        label=_("Seats to fill"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one seat.")},
        help_text=_("Vacant seats, and seats whose term ends within 90 days or has run out."),
    )
    deadline = BoundedDateField(
        label=_label(Call, "deadline"), widget=_date_widget(), date_range=PLANNING
    )
    recipients = forms.MultipleChoiceField(
        label=_("Ask these organisations and forums"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one organisation or forum to ask.")},
        help_text=_(
            "Their coordinators can nominate candidates. A branch is asked on its own; asking an "
            "organisation lets its branches nominate too."
        ),
    )
    profile_wanted = forms.CharField(
        label=_label(Call, "profile_wanted"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Experience, background or skills the body needs now."),
    )
    areas = forms.ModelMultipleChoiceField(
        label=_label(Call, "areas_wanted"),
        queryset=ExperienceArea.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        seat_choices: list[tuple[str, str]],
        recipient_choices: list[Any],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["seats"].choices = seat_choices  # type: ignore[attr-defined]
        self.fields["recipients"].choices = recipient_choices  # type: ignore[attr-defined]

    def clean_deadline(self) -> date:
        deadline: date = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline


class AppointForm(forms.Form):
    seat = forms.TypedChoiceField(label=_label(Term, "seat"), coerce=int)
    starts_on = BoundedDateField(label=_label(Term, "starts_on"), widget=_date_widget())
    ends_on = BoundedDateField(label=_label(Term, "ends_on"), widget=_date_widget())
    override_reason = forms.CharField(
        label=_("Why appoint despite the warnings"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the history with the appointment."),
        error_messages={
            "required": _("Give a reason for appointing despite the warnings above."),
        },
    )

    def __init__(
        self, *args: Any, seat_choices: list[tuple[int, str]], needs_override: bool, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["seat"].choices = seat_choices  # type: ignore[attr-defined]
        if not needs_override:
            del self.fields["override_reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end <= start:
            self.add_error("ends_on", _("A term must end after it starts."))
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_label(Nomination, "decline_reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organisation that nominated the person sees it."),
        error_messages={
            "required": _("Give a reason for declining; the organisation will see it.")
        },
    )


class EndTermForm(forms.Form):
    reason = forms.ChoiceField(
        label=_label(Term, "end_reason"),
        choices=[(v, label) for v, label in Term.EndReason.choices if v != Term.EndReason.REPLACED],
    )
    ended_on = BoundedDateField(label=_label(Term, "ended_on"), widget=_date_widget())

    def __init__(self, *args: Any, term: Term, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.term = term

    def clean_ended_on(self) -> date:
        day: date = self.cleaned_data["ended_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The end date cannot be in the future."))
        if day < self.term.starts_on:
            raise forms.ValidationError(
                _("The term started %(date)s; it cannot end before that.")
                % {"date": self.term.starts_on.strftime("%d.%m.%Y")}
            )
        return day
