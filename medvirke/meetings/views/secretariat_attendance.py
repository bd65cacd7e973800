"""The attendance sheet: the members and the deputies called in, with their absence notices,
arrival and departure; the quorum is shown as text."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from medvirke.bodies.models import Seat

from .. import permissions, services
from ..forms.secretariat import AttendanceForm
from ..models import VOTING_ROLES, AbsenceNotice, Attendance, Meeting
from .secretariat_common import meeting_trail

ROLE_ORDER = SqlCase(
    *[When(seat__role=role, then=Value(i)) for i, role in enumerate(VOTING_ROLES)],
    default=Value(len(VOTING_ROLES)),
    output_field=IntegerField(),
)


def sheet_rows(meeting: Meeting) -> list[dict[str, Any]]:
    """Members holding a voting seat on the day, then the deputies called in for the absent
    ones, each with their notice and recorded attendance (three queries)."""
    day = timezone.localtime(meeting.starts_at).date()
    terms = list(
        permissions.member_terms(meeting.body_id, day)
        .filter(seat__role__in=VOTING_ROLES)
        .select_related("representative__user", "seat")
        .annotate(role_order=ROLE_ORDER)
        .order_by("role_order", "seat__rank")
    )
    notices = list(
        AbsenceNotice.objects.filter(meeting=meeting).select_related(
            "term__representative__user", "deputy__representative__user", "deputy__seat"
        )
    )
    recorded = {a.person_id: a for a in Attendance.objects.filter(meeting=meeting)}
    absent = {n.term_id: n for n in notices}
    rows: list[dict[str, Any]] = []
    for term in terms:
        rows.append(
            {
                "person": term.representative.user,
                "name": str(term.representative),
                "seat": term.seat,
                "notice": absent.get(term.pk),
                "stands_in_for": None,
            }
        )
    for notice in notices:
        if notice.deputy is not None:
            rows.append(
                {
                    "person": notice.deputy.representative.user,
                    "name": str(notice.deputy.representative),
                    "seat": notice.deputy.seat,
                    "notice": absent.get(notice.deputy.pk),
                    "stands_in_for": notice.term.representative,
                }
            )
    for row in rows:
        row["attendance"] = recorded.get(row["person"].pk)
    return rows


def _initial(row: dict[str, Any]) -> dict[str, Any]:
    done: Attendance | None = row["attendance"]
    if done is None:
        return {"present": row["notice"] is None}
    return {
        "present": done.present,
        "arrived": timezone.localtime(done.arrived_at).time() if done.arrived_at else None,
        "left": timezone.localtime(done.left_at).time() if done.left_at else None,
    }


@login_required
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = permissions.get_meeting_for_user(request.user, pk, manage=True)
    rows = sheet_rows(meeting)
    for row in rows:
        row["form"] = AttendanceForm(
            request.POST if request.method == "POST" else None,
            prefix=f"p{row['person'].pk}",
            initial=_initial(row),
        )
        for name in ("present", "arrived", "left"):
            # The person's name in every label: the error summary and screen readers say whose.
            field = row["form"].fields[name]
            field.label = f"{field.label} – {row['name']}"
        row["seat_label"] = (
            row["seat"].get_role_display()
            if row["seat"].role in (Seat.Role.LEADER, Seat.Role.DEPUTY_LEADER)
            else f"{row['seat'].get_role_display()} {row['seat'].rank}"
        )
    if request.method == "POST" and all(row["form"].is_valid() for row in rows):
        day = timezone.localtime(meeting.starts_at).date()
        failed = False
        for row in rows:
            data = row["form"].cleaned_data
            try:
                services.record_attendance(
                    meeting,
                    person=row["person"],
                    by=request.user,
                    present=data["present"],
                    arrived_at=AttendanceForm.at(day, data["arrived"]),
                    left_at=AttendanceForm.at(day, data["left"]),
                )
            except ValidationError as exc:
                row["form"].add_error("left", "; ".join(exc.messages))
                failed = True
            except services.RefusedError as exc:
                row["form"].add_error(None, str(exc))
                failed = True
        if not failed:
            messages.success(request, _("The attendance has been saved."))
            return redirect(reverse("meeting_attendance", args=[meeting.pk]))
    quorum = meeting.quorum()
    return render(
        request,
        "meetings/secretariat/attendance.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "rows": rows,
            "quorum": quorum,
            "title": _("Attendance"),
            "trail": meeting_trail(meeting),
            "invalid": [row["form"] for row in rows if row["form"].errors],
        },
    )
