"""The minutes pages: the secretariat's editor (conclusions, dissent, advice; the optimistic
lock tells the second of two editors), sending for comments, approving, publishing, correcting
(a new version, the old ones readable), a member's comment page, and the PDF in a full and a
public version."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirke.core.once import once_per_form
from medvirke.organisations.models import Organisation

from .. import permissions, services
from ..forms.minutes import (
    AdviceForm,
    ApproveForm,
    CorrectionForm,
    DissentForm,
    MinutesTextForm,
    SendForCommentsForm,
    conclusion_field,
)
from ..minutes_pdf import case_rows
from ..models import Attendance, Case, Meeting, Minutes, members_of
from ..services.common import url_for


def minutes_trail(meeting: Meeting) -> list[dict[str, str]]:
    """Councils and groups › the body › the meeting (when its page exists)."""
    items = [
        {"label": _("Councils and groups"), "url": reverse("body_list")},
        {"label": meeting.body.name, "url": reverse("body_detail", args=[meeting.body_id])},
    ]
    meeting_page = url_for("meeting_detail", meeting.pk)
    if meeting_page:
        items.append({"label": str(meeting), "url": meeting_page})
    return items


def add_error(form: Any, exc: Exception) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))


def _dissenters(meeting: Meeting) -> list[Any]:
    """Members present at the meeting (seat holders and called-in deputies), or every current
    member while no attendance is recorded."""
    present = [
        a.person
        for a in Attendance.objects.filter(meeting=meeting, present=True)
        .filter(Q(term__isnull=False) | Q(stands_in_for__isnull=False))
        .select_related("person")
        .order_by("person__full_name")
    ]
    return present or sorted(members_of(meeting.body_id), key=str)


def _recipients(meeting: Meeting) -> tuple[list[Organisation], list[Any]]:
    """Units of the body's owner (with the units below) and the people who answer there."""
    units = list(Organisation.objects.active().below(meeting.body.owner).order_by("name"))
    people = list(
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_roles__role__in=permissions.ANSWERING_ROLES,
            staff_roles__organisation__in=units,
        )
        .distinct()
        .order_by("full_name")
    )
    return units, people


def _forms_for(minutes: Minutes, rows: list[dict[str, Any]], bound: dict[Any, Any]) -> None:
    """Attach a dissent form and (for advice cases) an advice form to each case row."""
    meeting = minutes.meeting
    people = _dissenters(meeting)
    units, answerers = _recipients(meeting)
    for row in rows:
        pk = row["case"].pk
        row["dissent_form"] = bound.get(("dissent", pk)) or DissentForm(
            prefix=f"d{pk}", people=people
        )
        if row["takes_advice"]:
            row["advice_form"] = bound.get(("advice", pk)) or AdviceForm(
                prefix=f"a{pk}", units=units, people=answerers
            )


def _text_initial(minutes: Minutes, rows: list[dict[str, Any]]) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": minutes.version, "text": minutes.text}
    for row in rows:
        if row["conclusion"] is not None:
            initial[conclusion_field(row["case"])] = row["conclusion"].text
    return initial


def _editor(
    request: HttpRequest,
    minutes: Minutes,
    *,
    bound: dict[Any, Any] | None = None,
    status: int = 200,
    stale: dict[str, Any] | None = None,
) -> HttpResponse:
    bound = bound or {}
    meeting = minutes.meeting
    rows = case_rows(minutes)
    cases = [r["case"] for r in rows]
    if not minutes.is_locked:
        _forms_for(minutes, rows, bound)
    later = list(
        Meeting.objects.for_body(meeting.body_id)
        .filter(starts_at__gt=meeting.starts_at)
        .order_by("starts_at")
    )
    return render(
        request,
        "meetings/minutes/edit.html",
        {
            "minutes": minutes,
            "meeting": meeting,
            "rows": rows,
            "trail": minutes_trail(meeting),
            "text_form": bound.get("text")
            or MinutesTextForm(initial=_text_initial(minutes, rows), cases=cases),
            "send_form": bound.get("send") or SendForCommentsForm(),
            "approve_form": bound.get("approve")
            or ApproveForm(meetings=later, initial={"how": Minutes.ApprovedHow.CHAIR}),
            "stale": stale,
            "comments": list(minutes.comments.select_related("author")),
            "versions": list(minutes.versions.select_related("made_by")),
        },
        status=status,
    )


def _minutes_or_none(request: HttpRequest, pk: int) -> tuple[Meeting, Minutes | None]:
    meeting = permissions.get_meeting_for_user(request.user, pk, manage=True)
    minutes = Minutes.objects.select_related("updated_by", "approved_by").filter(meeting=meeting)
    found = minutes.first()
    if found is not None:
        found.meeting = meeting
    return meeting, found


@login_required
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor (GET) and saving the notes and conclusions (POST, with the version)."""
    meeting, minutes = _minutes_or_none(request, pk)
    if minutes is None:
        return render(
            request,
            "meetings/minutes/start.html",
            {"meeting": meeting, "trail": minutes_trail(meeting)},
        )
    if request.method != "POST":
        return _editor(request, minutes)
    cases = list(Case.objects.on_agenda(meeting))
    form = MinutesTextForm(request.POST, cases=cases)
    if not form.is_valid():
        return _editor(request, minutes, bound={"text": form}, status=400)
    try:
        changed = services.update_minutes(
            minutes,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            text=form.cleaned_data["text"],
            conclusions=form.conclusions(),
        )
    except services.StaleEditError as exc:
        current = Minutes.objects.get(pk=minutes.pk)
        current.meeting = meeting
        rows = case_rows(current)
        # The person keeps what they typed; the form now carries the saved version, so saving
        # again (after comparing) is a deliberate choice.
        data = request.POST.copy()
        data["version"] = str(current.version)
        kept = MinutesTextForm(data, cases=cases)
        kept.is_valid()
        kept.add_error(None, str(exc))
        stale = {
            "text": current.text,
            "conclusions": [(r["case"], r["conclusion"]) for r in rows if r["conclusion"]],
        }
        return _editor(request, current, bound={"text": kept}, status=409, stale=stale)
    except services.MinutesLockedError as exc:
        # Approved meanwhile: what was typed moves to the correction form, not lost.
        messages.error(request, str(exc))
        initial = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return _correction_page(request, minutes, CorrectionForm(initial=initial, cases=cases), 409)
    except services.RefusedError as exc:
        form.add_error(None, str(exc))
        return _editor(request, minutes, bound={"text": form}, status=409)
    if changed:
        messages.success(request, _("The minutes are saved."))
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect("minutes_edit", pk=meeting.pk)


@login_required
@require_POST
@once_per_form
def minutes_start(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = permissions.get_meeting_for_user(request.user, pk, manage=True)
    services.start_minutes(meeting, by=request.user)
    return redirect("minutes_edit", pk=meeting.pk)


def _case_on_agenda(meeting: Meeting, case_pk: int) -> Case:
    return get_object_or_404(Case, pk=case_pk, meeting=meeting)


@login_required
@require_POST
@once_per_form
def minutes_dissent(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    minutes = permissions.get_minutes_for_user(request.user, pk, manage=True)
    case = _case_on_agenda(minutes.meeting, case_pk)
    form = DissentForm(request.POST, prefix=f"d{case.pk}", people=_dissenters(minutes.meeting))
    if form.is_valid():
        try:
            services.add_dissent(
                minutes,
                case=case,
                person=form.people[form.cleaned_data["person"]],
                text=form.cleaned_data["text"],
                by=request.user,
            )
        except (services.RefusedError, ValidationError) as exc:
            add_error(form, exc)
        else:
            messages.success(
                request, _("The dissent is recorded in case %(ref)s.") % {"ref": case.reference}
            )
            return redirect(reverse("minutes_edit", args=[pk]) + f"#case-{case.pk}")
    return _editor(request, minutes, bound={("dissent", case.pk): form}, status=400)


@login_required
@require_POST
@once_per_form
def minutes_advice(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    minutes = permissions.get_minutes_for_user(request.user, pk, manage=True)
    case = _case_on_agenda(minutes.meeting, case_pk)
    units, people = _recipients(minutes.meeting)
    form = AdviceForm(request.POST, prefix=f"a{case.pk}", units=units, people=people)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_advice(
                case,
                text=data["text"],
                due_on=data["due_on"],
                by=request.user,
                recipient_unit=form.units.get(data["recipient_unit"]),
                recipient_person=form.people.get(data["recipient_person"]),
            )
        except (services.RefusedError, ValidationError) as exc:
            add_error(form, exc)
        else:
            messages.success(
                request,
                _("The advice in case %(ref)s is recorded and the recipient is told.")
                % {"ref": case.reference},
            )
            return redirect(reverse("minutes_edit", args=[pk]) + f"#case-{case.pk}")
    return _editor(request, minutes, bound={("advice", case.pk): form}, status=400)


@login_required
@require_POST
def minutes_send(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = permissions.get_minutes_for_user(request.user, pk, manage=True)
    form = SendForCommentsForm(request.POST)
    if form.is_valid():
        try:
            services.send_minutes_for_comments(
                minutes, deadline=form.cleaned_data["comment_deadline"], by=request.user
            )
        except (services.RefusedError, ValidationError) as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("The draft is sent to the members for comments."))
            return redirect("minutes_edit", pk=pk)
    return _editor(request, minutes, bound={"send": form}, status=400)


@login_required
@require_POST
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = permissions.get_minutes_for_user(request.user, pk, manage=True)
    meeting = minutes.meeting
    later = list(Meeting.objects.for_body(meeting.body_id).filter(starts_at__gt=meeting.starts_at))
    form = ApproveForm(request.POST, meetings=later)
    if form.is_valid():
        try:
            services.approve_minutes(
                minutes,
                by=request.user,
                how=form.cleaned_data["how"],
                at_meeting=form.meetings.get(form.cleaned_data["at_meeting"]),
            )
        except services.RefusedError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The minutes are approved and locked."))
            return redirect("minutes_edit", pk=pk)
    return _editor(request, minutes, bound={"approve": form}, status=400)


@login_required
@require_POST
def minutes_publish(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = permissions.get_minutes_for_user(request.user, pk, manage=True)
    try:
        services.publish_minutes(minutes, by=request.user)
    except services.RefusedError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The minutes are published."))
    return redirect("minutes_edit", pk=pk)


@login_required
@once_per_form
def minutes_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct approved minutes: a new version with its reason; the earlier ones are kept."""
    minutes = permissions.get_minutes_for_user(request.user, pk, manage=True)
    if not minutes.is_locked:
        messages.info(request, _("Draft minutes are edited, not corrected."))
        return redirect("minutes_edit", pk=pk)
    rows = case_rows(minutes)
    cases = [r["case"] for r in rows]
    if request.method == "POST":
        form = CorrectionForm(request.POST, cases=cases)
        if form.is_valid():
            try:
                version = services.correct_minutes(
                    minutes,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    text=form.cleaned_data["text"],
                    conclusions=form.conclusions(),
                )
            except (services.RefusedError, ValidationError) as exc:
                add_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The correction is saved as version %(number)s; the members are told.")
                    % {"number": version.number},
                )
                return redirect("minutes_edit", pk=pk)
    else:
        form = CorrectionForm(initial=_text_initial(minutes, rows), cases=cases)
    return _correction_page(request, minutes, form, 400 if form.errors else 200)


def _correction_page(
    request: HttpRequest, minutes: Minutes, form: CorrectionForm, status: int
) -> HttpResponse:
    meeting = minutes.meeting
    return render(
        request,
        "meetings/minutes/correct.html",
        {
            "minutes": minutes,
            "meeting": meeting,
            "form": form,
            "trail": [
                *minutes_trail(meeting),
                {"label": _("Minutes"), "url": reverse("minutes_edit", args=[meeting.pk])},
            ],
        },
        status=status,
    )
