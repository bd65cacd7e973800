"""Shared by the secretariat's meeting pages: breadcrumbs, the choices of case owner, and the
labels of meetings and cases in choice lists."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirke.bodies.models import Body
from medvirke.organisations.models import Organisation, StaffRole

from ..models import Case, Meeting


def body_trail(body: Body, year: int | None = None) -> list[dict[str, str]]:
    """Councils and groups › the body › the meeting plan of the year (if given)."""
    items = [
        {"label": _("Councils and groups"), "url": reverse("body_list")},
        {"label": body.name, "url": reverse("body_detail", args=[body.pk])},
    ]
    if year is not None:
        items.append(
            {
                "label": _("Meeting plan %(year)s") % {"year": year},
                "url": f"{reverse('meeting_plan', args=[body.pk])}?aar={year}",
            }
        )
    return items


def meeting_trail(meeting: Meeting) -> list[dict[str, str]]:
    """… › the meeting plan › the meeting."""
    year = timezone.localtime(meeting.starts_at).year
    return [
        *body_trail(meeting.body, year),
        {"label": meeting_label(meeting), "url": reverse("meeting_detail", args=[meeting.pk])},
    ]


def meeting_label(meeting: Meeting) -> str:
    when = timezone.localtime(meeting.starts_at)
    label = _("Meeting %(date)s") % {"date": f"{when:%d.%m.%Y}"}
    return f"{label} – {meeting.title}" if meeting.title else label


def case_label(case: Case) -> str:
    return _("Case %(reference)s %(title)s") % {"reference": case.reference, "title": case.title}


def owner_choices(body: Body) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Case owners: units in the body's owner organisation (and below), and the staff with a
    role there (two queries, the units matched by their path)."""
    below = Organisation.objects.below(body.owner)
    units = list(below.order_by("name", "pk").values_list("pk", "name"))
    User = get_user_model()
    people = User.objects.filter(
        pk__in=StaffRole.objects.filter(organisation__in=below.values("pk")).values("user_id"),
        is_active=True,
    ).order_by("full_name", "email")
    return units, [(u.pk, f"{u.display_name} ({u.email})") for u in people]
