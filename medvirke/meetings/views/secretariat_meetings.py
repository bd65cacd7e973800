"""A body's meeting plan for a year, planning and editing a meeting, the meeting page (agenda,
follow-up items, papers) and the secretariat's steps: call the meeting, mark it held."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirke.bodies.permissions import can_manage, get_body_for_user
from medvirke.core.locking import carry_version
from medvirke.core.once import once_per_form

from .. import permissions, services
from ..forms.secretariat import MeetingEditForm, MeetingForm
from ..models import (
    DEFAULT_PAPER_DEADLINE_DAYS,
    Advice,
    Case,
    CaseProposal,
    Meeting,
    Minutes,
    Paper,
)
from .secretariat_common import body_trail, meeting_label, meeting_trail

MIN_YEAR, MAX_YEAR = 2000, 2100


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("aar", ""))
    except ValueError:
        return timezone.localdate().year
    return year if MIN_YEAR <= year <= MAX_YEAR else timezone.localdate().year


# --- the plan ------------------------------------------------------------------------------------


@login_required
def meeting_plan(request: HttpRequest, body_pk: int) -> HttpResponse:
    """The body's meetings in one year (`?aar=2026`), with their status and counts."""
    body = get_body_for_user(request.user, body_pk)
    manage = can_manage(request.user, body)
    year = _year(request)
    meetings = (
        Meeting.objects.for_body(body)
        .in_year(year)
        .annotate(
            case_count=Count("cases", distinct=True),
            paper_count=Count("papers", distinct=True),
            late_count=Count("papers", filter=Q(papers__late=True), distinct=True),
        )
    )
    pending = (
        CaseProposal.objects.filter(body=body, status=CaseProposal.Status.PROPOSED).count()
        if manage
        else 0
    )
    return render(
        request,
        "meetings/secretariat/plan.html",
        {
            "body": body,
            "year": year,
            "previous_year": year - 1,
            "next_year": year + 1,
            "meetings": meetings,
            "manage": manage,
            "pending_proposals": pending,
            "trail": body_trail(body),
        },
    )


# --- plan and edit -------------------------------------------------------------------------------


@login_required
@once_per_form
def meeting_create(request: HttpRequest, body_pk: int) -> HttpResponse:
    body = get_body_for_user(request.user, body_pk, manage=True)
    form = MeetingForm(
        request.POST or None, initial={"paper_deadline_days": DEFAULT_PAPER_DEADLINE_DAYS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.plan_meeting(body, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(meeting)s is in the plan. Members are told when you call the meeting.")
                % {"meeting": meeting_label(meeting)},
            )
            return redirect("meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/secretariat/meeting_form.html",
        {
            "form": form,
            "body": body,
            "title": _("Plan a meeting in %(body)s") % {"body": body.name},
            "trail": body_trail(body, _year(request)),
            "cancel_url": reverse("meeting_plan", args=[body.pk]),
        },
    )


@login_required
@once_per_form
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = permissions.get_meeting_for_user(request.user, pk, manage=True)
    form = MeetingEditForm(request.POST or None, initial=MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            fields = dict(form.cleaned_data)
            expected = fields.pop("version")
            services.update_meeting(meeting, by=request.user, expected_version=expected, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.StaleEditError as exc:
            # What was typed stays; the form now carries the stored version (saving again goes).
            form.add_error(None, str(exc))
            carry_version(form, exc.version)
        except services.RefusedError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("meeting_detail", pk=meeting.pk)
    return render(
        request,
        "meetings/secretariat/meeting_form.html",
        {
            "form": form,
            "body": meeting.body,
            "meeting": meeting,
            "title": _("Edit %(meeting)s") % {"meeting": meeting_label(meeting)},
            "trail": meeting_trail(meeting),
            "cancel_url": reverse("meeting_detail", args=[meeting.pk]),
        },
    )


# --- the meeting page ----------------------------------------------------------------------------


def agenda(meeting: Meeting, *, insider: bool) -> tuple[list[dict[str, Any]], list[Paper]]:
    """The cases in order with their papers, and the papers of the meeting as a whole (two
    queries). Outside the secretariat and the members, an exempt case shows its number and
    legal basis only, and none of its papers."""
    cases = list(Case.objects.on_agenda(meeting).select_related("owner_unit", "owner_person"))
    papers: dict[int | None, list[Paper]] = {}
    for paper in Paper.objects.filter(meeting=meeting).order_by("published_at", "pk"):
        papers.setdefault(paper.case_id, []).append(paper)
    items = []
    for case in cases:
        hidden = not case.is_public and not insider
        mine = [] if hidden else papers.get(case.pk, [])
        items.append({"case": case, "hidden": hidden, "papers": mine})
    return items, papers.get(None, [])


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Time, place and status, the agenda, open advice to follow up and the papers; the
    secretariat's actions (call, add a case, upload a paper, mark held)."""
    meeting = permissions.get_meeting_for_user(request.user, pk)
    body = meeting.body
    manage = permissions.can_manage_meeting(request.user, meeting)
    insider = manage or permissions.is_member(request.user, body.pk)
    title = meeting_label(meeting)
    items, general = agenda(meeting, insider=insider)
    follow_ups = Advice.objects.follow_up(body, exclude_meeting=meeting) if insider else []
    # Members reach the draft (to comment) and the published minutes from here; the notice that
    # the minutes are published links to this page.
    minutes = None if manage else Minutes.objects.filter(meeting=meeting).first()
    status = Meeting.Status
    return render(
        request,
        "meetings/secretariat/detail.html",
        {
            "meeting": meeting,
            "body": body,
            "title": title,
            "trail": body_trail(body, timezone.localtime(meeting.starts_at).year),
            "manage": manage,
            "items": items,
            "general_papers": general,
            "late_count": sum(1 for i in items for p in i["papers"] if p.late)
            + sum(1 for p in general if p.late),
            "follow_ups": list(follow_ups),
            "may_call": manage and meeting.status == status.PLANNED,
            "may_mark_held": manage and meeting.status in (status.PLANNED, status.CALLED),
            "may_edit": manage and meeting.status in (status.PLANNED, status.CALLED),
            "minutes_for_comment": insider
            and minutes is not None
            and minutes.status == Minutes.Status.FOR_COMMENT,
            "minutes_published": minutes is not None and minutes.status == Minutes.Status.PUBLISHED,
            "insider": insider,
        },
    )


# --- call and mark held --------------------------------------------------------------------------


@login_required
def meeting_call(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice (innkalling): a confirmation page that says what goes to whom, then POST."""
    meeting = permissions.get_meeting_for_user(request.user, pk, manage=True)
    if meeting.status != Meeting.Status.PLANNED:
        messages.info(request, _("The meeting has already been called."))
        return redirect("meeting_detail", pk=pk)
    if request.method == "POST":
        try:
            services.call_meeting(meeting, by=request.user)
        except services.RefusedError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The meeting has been called. The members have been sent the agenda."),
            )
        return redirect("meeting_detail", pk=pk)
    day = timezone.localtime(meeting.starts_at).date()
    return render(
        request,
        "meetings/secretariat/call_confirm.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "title": _("Call the meeting"),
            "member_count": permissions.member_terms(meeting.body_id, day)
            .values("representative__user_id")
            .distinct()
            .count(),
            "cases": list(Case.objects.on_agenda(meeting)),
            "paper_count": Paper.objects.filter(meeting=meeting).count(),
            "trail": meeting_trail(meeting),
        },
    )


@login_required
@require_POST
def meeting_held(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = permissions.get_meeting_for_user(request.user, pk, manage=True)
    try:
        services.mark_held(meeting, by=request.user)
    except services.RefusedError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, _("The meeting is marked as held."))
    return redirect("meeting_detail", pk=pk)
