"""The public pages' search and filter forms (GET, nothing is stored)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medvirke.bodies.models import Body
from medvirke.organisations.models import Organisation


class _GetForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")

    def full_clean(self) -> None:
        super().full_clean()
        # Rendered field by field (no "(optional)" on filters): mark errors for assistive tech.
        for name, field in self.fields.items():
            if name in self.errors:
                field.widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}_error"}
                )

    def value(self, name: str) -> Any:
        """The cleaned value, or None when the field is empty or was not valid."""
        if not self.is_bound or (not self.is_valid() and name in self.errors):
            return None
        return self.cleaned_data.get(name) or None


class BodyFilterForm(_GetForm):
    q = forms.CharField(label=_("Search by name"), max_length=100, required=False)
    type = forms.ChoiceField(label=_("Kind"), required=False)
    eier = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, owners: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("All kinds")), *Body.Kind.choices]  # type: ignore[attr-defined]
        self.fields["eier"].choices = [("", _("All"))] + [(o.pk, o.name) for o in owners]  # type: ignore[attr-defined]


class DirectorySearchForm(_GetForm):
    q = forms.CharField(
        label=_("Search by name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
