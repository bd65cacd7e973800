"""Bounds for every date and time a person types (issue 11, point 9).

A browser's date field accepts any year from 0001 to 9999 (and a typed `2206` for `2026`).
Python's dates end there too, so a meeting in year 1 or 9999 broke its page the moment a time
zone was applied or a day subtracted. Two ranges, chosen by what the date is:

- `HISTORY`: dates of a person's life and of the participation records (an employment, another
  engagement, a term, the day a term ended): 1 January 1900 to 31 December 2100. Nobody living
  started a job before 1900, and nothing is planned past 2100; the range is fixed, so a stored
  record can always be edited again.
- `PLANNING`: dates that plan work (a meeting, a call's deadline, an answer due, a comment
  deadline): no more than ten years back or ahead of today. A meeting or deadline further away is
  a typo, and one caught here never reaches a calendar. The range moves with today, so a value
  the person left as it was is held to the fixed range only (with `BoundedDatesFormMixin`: an
  old meeting's unchanged time can still be saved with a new place).

A form declares `BoundedDateField` / `BoundedDateTimeField` (with `date_range=PLANNING` where
it plans), or calls `bound(field)` on a ModelForm's generated field. The error shows next to the
field in Bokmål, and the form keeps what was typed (a bound form redisplays its data).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)
PLANNING_YEARS = 10


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without it
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class DateRange:
    """The earliest and latest day allowed, from `bounds()` (evaluated at validation time)."""

    bounds: Callable[[], tuple[dt.date, dt.date]]
    moves_with_today: bool = False


HISTORY = DateRange(lambda: (EARLIEST, LATEST))
PLANNING = DateRange(
    lambda: (
        max(EARLIEST, _years_from(timezone.localdate(), -PLANNING_YEARS)),
        min(LATEST, _years_from(timezone.localdate(), PLANNING_YEARS)),
    ),
    moves_with_today=True,
)


def _day(value: dt.date | dt.datetime) -> dt.date:
    # A form's datetime is aware in the current time zone already: its date is the local day,
    # read without a time zone conversion (which is what overflows near year 1 and 9999).
    return value.date() if isinstance(value, dt.datetime) else value


@deconstructible
class DateRangeValidator:
    """Refuses a date or datetime outside the range, with the range in the message."""

    message = _("The date must be between %(earliest)s and %(latest)s.")
    code = "date_out_of_range"

    def __init__(self, date_range: DateRange = HISTORY) -> None:
        self.date_range = date_range

    def __call__(self, value: Any) -> None:
        if value is None:
            return
        earliest, latest = self.date_range.bounds()
        if not earliest <= _day(value) <= latest:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"earliest": f"{earliest:%d.%m.%Y}", "latest": f"{latest:%d.%m.%Y}"},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateRangeValidator) and other.date_range == self.date_range


def _hint_browser(field: forms.Field) -> None:
    # The browser's own picker then offers only days in the fixed range; the server decides.
    if isinstance(field, forms.DateTimeField):
        field.widget.attrs.setdefault("min", f"{EARLIEST:%Y-%m-%d}T00:00")
        field.widget.attrs.setdefault("max", f"{LATEST:%Y-%m-%d}T23:59")
    else:
        field.widget.attrs.setdefault("min", f"{EARLIEST:%Y-%m-%d}")
        field.widget.attrs.setdefault("max", f"{LATEST:%Y-%m-%d}")


def bound(field: forms.Field, date_range: DateRange = HISTORY) -> forms.Field:
    """Add the range's validator to a date or datetime field made elsewhere (a ModelForm's).
    Call it after replacing the field's widget."""
    field.validators.append(DateRangeValidator(date_range))
    _hint_browser(field)
    return field


class _BoundedMixin:
    """The range check of `BoundedDateField` and `BoundedDateTimeField`."""

    date_range: DateRange = HISTORY
    unchanged: bool = False  # set per form by BoundedDatesFormMixin

    def validate(self, value: Any) -> None:
        super().validate(value)  # type: ignore[misc]
        date_range = self.date_range
        if date_range.moves_with_today and self.unchanged:
            # A stored value the person did not touch: only the fixed range, as "ten years
            # from today" has moved since it was saved.
            date_range = HISTORY
        DateRangeValidator(date_range)(value)


class BoundedDateField(_BoundedMixin, forms.DateField):
    def __init__(self, *args: Any, date_range: DateRange = HISTORY, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.date_range = date_range
        _hint_browser(self)


class BoundedDateTimeField(_BoundedMixin, forms.DateTimeField):
    def __init__(self, *args: Any, date_range: DateRange = HISTORY, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.date_range = date_range
        _hint_browser(self)


class BoundedDatesFormMixin:
    """For a form that edits stored PLANNING values (put it before forms.Form): a value equal to
    the form's initial one is held to the fixed range only."""

    def _clean_fields(self) -> None:
        changed = set(self.changed_data)  # type: ignore[attr-defined]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if isinstance(field, _BoundedMixin):
                field.unchanged = name not in changed
        super()._clean_fields()  # type: ignore[misc]


def has_bounded_dates(field: forms.Field) -> bool:
    """Whether a date or datetime field checks its range (the test that walks every form)."""
    return isinstance(field, _BoundedMixin) or any(
        isinstance(v, DateRangeValidator) for v in field.validators
    )
