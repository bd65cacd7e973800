"""Every date and time a person types is bounded (core/forms.py, issue 11 point 9): a walk over
every form class in the project's apps (now and later), and the ranges themselves."""

import importlib
import inspect
import pkgutil
from datetime import date, timedelta
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from medvirke.core.forms import (
    EARLIEST,
    LATEST,
    PLANNING,
    BoundedDateField,
    BoundedDatesFormMixin,
    BoundedDateTimeField,
    DateRangeValidator,
    has_bounded_dates,
)

DATE_FIELDS = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)


def _form_modules() -> list[Any]:
    """`forms` of every Medvirke app, module or package (found by name: core imports no app)."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("medvirke."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        found.append(module)
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            found.append(importlib.import_module(f"{module.__name__}.{info.name}"))
    return found


def _form_classes() -> list[type[forms.BaseForm]]:
    classes = set()
    for module in _form_modules():
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, forms.BaseForm) and obj.__module__.startswith("medvirke."):
                classes.add(obj)
    return sorted(classes, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _fields(form_class: type[forms.BaseForm]) -> dict[str, forms.Field]:
    """The fields as an instance has them (a ModelForm may bound its generated fields in
    __init__); the class's fields when it needs arguments to be made."""
    try:
        return dict(form_class().fields)
    except (TypeError, AttributeError, ValueError):
        return dict(form_class.base_fields)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_every_date_a_person_types_is_bounded() -> None:
    classes = _form_classes()
    assert len(classes) > 20  # the walk found the project's forms
    unbounded = [
        f"{c.__module__}.{c.__qualname__}.{name}"
        for c in classes
        for name, field in _fields(c).items()
        if isinstance(field, DATE_FIELDS) and not has_bounded_dates(field)
    ]
    assert unbounded == [], "use core.forms.BoundedDateField / bound(): " + ", ".join(unbounded)


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1899, 12, 31), date(2101, 1, 1), date.max])
def test_a_history_date_outside_1900_to_2100_is_refused(day: date) -> None:
    with pytest.raises(ValidationError) as refused:
        BoundedDateField().clean(day.isoformat())
    assert refused.value.code == "date_out_of_range"
    assert BoundedDateField().clean(EARLIEST.isoformat()) == EARLIEST
    assert BoundedDateField().clean(LATEST.isoformat()) == LATEST


def test_a_planning_date_more_than_ten_years_away_is_refused() -> None:
    field = BoundedDateField(date_range=PLANNING)
    today = timezone.localdate()
    assert field.clean((today + timedelta(days=9 * 365)).isoformat())
    assert field.clean((today - timedelta(days=9 * 365)).isoformat())
    for day in (today + timedelta(days=11 * 366), today - timedelta(days=11 * 366)):
        with pytest.raises(ValidationError):
            field.clean(day.isoformat())


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_datetime_at_the_ends_of_the_calendar_is_refused_without_overflow(typed: str) -> None:
    field = BoundedDateTimeField(input_formats=["%Y-%m-%dT%H:%M"], date_range=PLANNING)
    with pytest.raises(ValidationError):
        field.clean(typed)


class _Planned(BoundedDatesFormMixin, forms.Form):
    on = BoundedDateField(date_range=PLANNING)


def test_an_unchanged_planning_date_is_held_to_the_fixed_range_only() -> None:
    old = timezone.localdate() - timedelta(days=12 * 366)
    assert _Planned({"on": old.isoformat()}, initial={"on": old}).is_valid()
    assert not _Planned({"on": old.isoformat()}).is_valid()  # typed anew: refused
    ancient = date(1, 1, 1)
    assert not _Planned({"on": ancient.isoformat()}, initial={"on": ancient}).is_valid()


def test_the_validator_compares_equal_for_migrations() -> None:
    assert DateRangeValidator() == DateRangeValidator()
    assert DateRangeValidator(PLANNING) != DateRangeValidator()
