"""Forms for the representatives' pages. Messages are English source strings (Bokmål comes from
the catalogue); every rejected form keeps what the person typed."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from medvirke.core.forms import BoundedDateField, bound
from medvirke.core.widgets import FastSelect
from medvirke.organisations.models import Organisation

from .models import (
    Affiliation,
    EmploymentDeclaration,
    ExperienceArea,
    ExternalEngagement,
    Representative,
)

K = Organisation.Kind
# Employers a declaration may link to: where a conflict of interest can arise (000 merknad).
# Units are left out: the list stays short, and the conflict is with the trust or municipality.
EMPLOYER_KINDS = [K.HF, K.CLINIC, K.MUNICIPALITY, K.NAV_OFFICE]


class Level:
    """The levels of participation (002); stored as these keys in `wished_levels`."""

    CHOICES = [
        ("individual", _("Individual level (own treatment)")),
        ("service", _("Service level (a unit or service)")),
        ("system", _("System level (councils)")),
        ("political", _("Political level (consultations)")),
    ]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class EmployerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # A clinic's name alone is ambiguous ("Klinikk for psykisk helse" exists in many trusts).
        if obj.kind == K.CLINIC and obj.parent is not None:
            return f"{obj.name} ({obj.parent.name})"
        return str(obj.name)


class RepresentativeFilterForm(forms.Form):
    """The list's search and filters (GET); invalid values are simply ignored."""

    q = forms.CharField(label=_("Search by name or e-mail"), max_length=100, required=False)
    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    status = forms.ChoiceField(
        label=_("Approval"),
        choices=[("", _("All")), *Affiliation.Status.choices],
        required=False,
    )
    area = forms.ModelChoiceField(
        label=_("Experience area"),
        queryset=ExperienceArea.objects.active(),
        required=False,
        empty_label=_("All"),
    )
    # All 357 municipalities: one query of (id, name) pairs, rendered in Python (no model
    # objects, no template per option).
    municipality = forms.TypedChoiceField(
        label=_("Municipality"), coerce=int, required=False, empty_value=None, widget=FastSelect
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["municipality"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            *Organisation.objects.active()
            .filter(kind=K.MUNICIPALITY)
            .order_by("name", "pk")
            .values_list("pk", "name"),
        ]
        self.fields["q"].widget.input_type = "search"
        for field in self.fields.values():
            field.widget.attrs["class"] = "ds-input"


class RegisterCandidateForm(forms.Form):
    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=_("The organisation the person is asked to represent."),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "The person gets an e-mail and answers the request themselves. Until they accept, "
            "you see only what you type here."
        ),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, organisation = data.get("email", ""), data.get("organisation")
        if email and organisation is not None and already_affiliated(email, organisation):
            self.add_error("email", already_affiliated_message(organisation))
        return data


def already_affiliated(email: str, organisation: Organisation) -> bool:
    """Someone the organisation already has (approved, or asking to join): nothing is revealed,
    as the coordinator sees them in the list. A rejected or ended affiliation does not count:
    asking again is the way back, and the person decides."""
    return Affiliation.objects.filter(
        organisation=organisation,
        representative__user__email__iexact=email.strip(),
        status__in=[Affiliation.Status.APPROVED, Affiliation.Status.PENDING],
    ).exists()


def already_affiliated_message(organisation: Organisation) -> str:
    return str(_("This person is already registered with %(org)s.") % {"org": organisation.name})


YES_NO_UNKNOWN = [("", _("Not stated")), ("yes", _("Yes")), ("no", _("No"))]


class ProfileForm(forms.ModelForm):
    """The person's own profile; not health data (that is ExperienceForm, with consent)."""

    birth_year = forms.IntegerField(
        label=capfirst(Representative._meta.get_field("birth_year").verbose_name),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
        help_text=_("Four digits, for example 1975. Used to show the age spread in councils."),
        error_messages={"invalid": _("Enter the year of birth as four digits, e.g. 1975.")},
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages I can use in meetings"),
        choices=Representative.Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minority_background = forms.TypedChoiceField(
        label=capfirst(Representative._meta.get_field("minority_background").verbose_name),
        choices=YES_NO_UNKNOWN,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    wished_levels = forms.MultipleChoiceField(
        label=capfirst(Representative._meta.get_field("wished_levels").verbose_name),
        choices=Level.CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    wished_areas = forms.ModelMultipleChoiceField(
        label=capfirst(Representative._meta.get_field("wished_areas").verbose_name),
        queryset=ExperienceArea.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    municipality = OrganisationChoiceField(
        label=capfirst(Representative._meta.get_field("municipality").verbose_name),
        queryset=Organisation.objects.filter(kind=K.MUNICIPALITY, ended_on__isnull=True).order_by(
            "name"
        ),
        required=False,
        empty_label=_("Not stated"),
        help_text=_("Where you live."),
    )
    hours_per_month = forms.IntegerField(
        label=capfirst(Representative._meta.get_field("hours_per_month").verbose_name),
        required=False,
        min_value=0,
        max_value=200,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Representative
        fields = [
            "experience",
            "municipality",
            "birth_year",
            "gender",
            "languages",
            "minority_background",
            "availability",
            "wished_areas",
            "wished_levels",
            "hours_per_month",
            "public_consent",
        ]
        widgets = {"availability": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "availability": _("For example: weekdays after 16, not in July."),
            "public_consent": _(
                "If you tick this, your name, council role and term may appear on the public "
                "pages when you are appointed."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        value = self.instance.minority_background
        self.initial["minority_background"] = {True: "yes", False: "no"}.get(value, "")

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        this_year = timezone.localdate().year
        if year is not None and not 1900 <= year <= this_year:
            raise forms.ValidationError(
                _("Enter a year of birth between 1900 and %(year)s.") % {"year": this_year}
            )
        return year


class ExperienceForm(forms.ModelForm):
    """Health data (GDPR art. 9): saved only while consent is given."""

    experience_areas = forms.ModelMultipleChoiceField(
        label=capfirst(Representative._meta.get_field("experience_areas").verbose_name),
        queryset=ExperienceArea.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Representative
        fields = ["experience_areas", "experience_description"]
        widgets = {"experience_description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "experience_description": _(
                "In your own words: what experience do you bring? Write only what you are "
                "comfortable sharing with your organisation and the secretariats."
            ),
        }

    def validate_constraints(self) -> None:
        # The consent rule is checked by services.save_profile, which says so in plain words;
        # the database constraint's generic message would only confuse.
        return None


class _PeriodForm(forms.ModelForm):
    """A period with from and to: `to` cannot be before `from`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts_on", "ends_on"):
            self.fields[name].widget = _date_input()
            bound(self.fields[name])  # 1900–2100 (core/forms.py)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return data


class EmploymentForm(_PeriodForm):
    employer = EmployerChoiceField(
        label=_("Employer in Medvirke"),
        queryset=Organisation.objects.filter(kind__in=EMPLOYER_KINDS, ended_on__isnull=True)
        .select_related("parent")
        .order_by("name"),
        required=False,
        empty_label=_("Not in the list"),
        help_text=_(
            "Choose the health trust, clinic, municipality or NAV office if it is in the list."
        ),
    )

    class Meta:
        model = EmploymentDeclaration
        fields = ["employer", "employer_name", "position", "starts_on", "ends_on"]
        help_texts = {
            "employer_name": _("Write the name if the employer is not in the list above.")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer_name"].required = False
        if self.instance.employer_id is not None:
            # An employer that has since ended stays choosable, so an edit can keep it.
            field = self.fields["employer"]
            field.queryset = (  # type: ignore[attr-defined]
                Organisation.objects.filter(
                    Q(kind__in=EMPLOYER_KINDS, ended_on__isnull=True)
                    | Q(pk=self.instance.employer_id)
                )
                .select_related("parent")
                .order_by("name")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        employer = data.get("employer")
        if (
            employer is not None
            and self.instance.pk is not None
            and "employer" in self.changed_data
            and "employer_name" not in self.changed_data
        ):
            # Another employer chosen on an edit: the stored name was the old employer's.
            data["employer_name"] = employer.name
        if not data.get("employer_name"):
            if employer is not None:
                data["employer_name"] = employer.name
            elif "employer_name" not in self.errors:
                self.add_error(
                    "employer_name",
                    _("Write the employer's name, or choose the employer in the list."),
                )
        return data


class EndEmploymentForm(forms.Form):
    ends_on = BoundedDateField(label=_("Ended on"), widget=_date_input())

    def __init__(self, *args: Any, declaration: EmploymentDeclaration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.declaration = declaration

    def clean_ends_on(self) -> Any:
        ends = self.cleaned_data["ends_on"]
        if ends < self.declaration.starts_on:
            raise forms.ValidationError(
                _("The end date cannot be before the start date (%(date)s).")
                % {"date": self.declaration.starts_on.strftime("%d.%m.%Y")}
            )
        return ends


class EngagementForm(_PeriodForm):
    class Meta:
        model = ExternalEngagement
        fields = ["title", "organisation_name", "starts_on", "ends_on", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "title": _("For example: member of a project group, peer supporter."),
            "organisation_name": _("The organisation, service or project."),
        }


class ExperienceAreaForm(forms.ModelForm):
    class Meta:
        model = ExperienceArea
        fields = ["name_nb", "name_en", "required_for_trust_councils", "is_active", "sort_order"]
        help_texts = {
            "required_for_trust_councils": _(
                "Trust user councils must include people with experience from this area."
            ),
            "sort_order": _("Lower numbers come first."),
        }
