"""The representative's side of meetings (issue 4): my meetings with agenda, papers and
absence status; absence notice in one step (a button, or the signed link in the e-mail, which
works without logging in); proposing cases and what became of them; the advice I took part
in and how it was answered."""

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from medvirke.bodies.models import Body, Seat
from medvirke.core.once import once_per_form
from medvirke.representatives.models import Representative

from .. import permissions, services
from ..forms.member import AbsenceForm, ProposeCaseForm
from ..links import read_absence_token
from ..models import (
    AbsenceNotice,
    Advice,
    AdviceResponse,
    Attendance,
    Case,
    CaseProposal,
    Meeting,
    Paper,
)

# Past meetings shown on "my meetings" (the rest are in each body's meeting plan).
PAST_MEETINGS = 20
UPCOMING_MEETINGS = 50
PAGE_SIZE = 50


def _trail(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"url": reverse("dashboard"), "label": _("Overview")}, *extra]


def _my_meetings_crumb() -> dict[str, Any]:
    return {"url": reverse("my_meetings"), "label": _("My meetings")}


def _representative(user: Any) -> Representative | None:
    return Representative.objects.active().filter(user_id=user.pk).first()


def _absence_done(notice: AbsenceNotice) -> str:
    if notice.deputy is not None:
        return _(
            "Your absence notice has been sent to the secretariat. %(deputy)s has been called "
            "in as deputy."
        ) % {"deputy": notice.deputy.representative}
    return _("Your absence notice has been sent to the secretariat.")


def _meetings_of(terms: list[Any]) -> Any:
    """The bodies' meetings with agenda, papers and this person's absence notices (as the
    absent member or as the deputy called in), in a fixed number of queries."""
    term_ids = [t.pk for t in terms]
    return (
        Meeting.objects.filter(body_id__in={t.seat.body_id for t in terms})
        .select_related("body")
        .prefetch_related(
            Prefetch(
                "cases",
                queryset=Case.objects.order_by("agenda_order", "number"),
                to_attr="agenda",
            ),
            Prefetch(
                "papers",
                queryset=Paper.objects.order_by("published_at", "pk"),
                to_attr="paper_list",
            ),
            Prefetch(
                "absences",
                queryset=AbsenceNotice.objects.filter(
                    Q(term_id__in=term_ids) | Q(deputy_id__in=term_ids)
                ).select_related("term__representative__user", "deputy__representative__user"),
                to_attr="my_notices",
            ),
        )
    )


def _annotate(meetings: list[Meeting], terms: list[Any], now: datetime) -> None:
    term_ids = {t.pk for t in terms}
    roles = {t.seat.body_id: t.seat.role for t in terms}
    for m in meetings:
        notices: list[AbsenceNotice] = m.my_notices  # type: ignore[attr-defined]
        m.my_absence = next((n for n in notices if n.term_id in term_ids), None)  # type: ignore[attr-defined]
        m.called_in_for = next(  # type: ignore[attr-defined]
            (n for n in notices if n.deputy_id in term_ids and n.term_id not in term_ids), None
        )
        m.is_deputy = roles.get(m.body_id) == Seat.Role.DEPUTY  # type: ignore[attr-defined]
        m.has_begun = m.has_started(now)  # type: ignore[attr-defined]
        papers: list[Paper] = m.paper_list  # type: ignore[attr-defined]
        for case in m.agenda:  # type: ignore[attr-defined]
            case.case_papers = [p for p in papers if p.case_id == case.pk]
        m.meeting_papers = [p for p in papers if p.case_id is None]  # type: ignore[attr-defined]


@login_required
def my_meetings(request: HttpRequest) -> HttpResponse:
    """Upcoming and recent meetings of the bodies where the person holds a current term
    (deputies included), with agenda, papers and absence status."""
    terms = list(permissions.my_current_terms(request.user).select_related("seat__body"))
    now = timezone.now()
    upcoming: list[Meeting] = []
    past: list[Meeting] = []
    if terms:
        meetings = _meetings_of(terms)
        upcoming = list(meetings.upcoming(now)[:UPCOMING_MEETINGS])
        # Past meetings from when the person joined each body.
        since = Q()
        for term in terms:
            since |= Q(body_id=term.seat.body_id, starts_at__date__gte=term.starts_on)
        past = list(meetings.past(now).filter(since)[:PAST_MEETINGS])
        _annotate(upcoming + past, terms, now)
    return render(
        request,
        "meetings/member/my_meetings.html",
        {
            "terms": terms,
            "upcoming": upcoming,
            "past": past,
            "trail": _trail(),
        },
    )


@login_required
@require_POST
@once_per_form
def report_absence(request: HttpRequest, pk: int) -> HttpResponse:
    """Absence notice in one step, from the button on "my meetings" (or on any page of ours
    that posts here with `next`)."""
    meeting = permissions.get_meeting_for_user(request.user, pk)
    representative = _representative(request.user)
    if representative is None:
        raise PermissionDenied
    form = AbsenceForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        notice = services.send_absence_notice(
            meeting, representative=representative, by=request.user, reason=reason
        )
    except services.RefusedError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _absence_done(notice))
    # The button may sit on another page (the meeting's); it sends the person back there.
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("my_meetings")


@never_cache
@once_per_form
def absence_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the meeting notice: opening it shows the meeting and a button; only the
    POST sends the notice. It works logged out (the signed token names the person and the
    meeting) and is refused once the meeting has started."""
    link = read_absence_token(token)
    if link is None:
        return render(request, "meetings/member/absence_link.html", {"invalid": True}, status=404)
    meeting, person = link.meeting, link.person
    representative = _representative(person)
    notice = (
        AbsenceNotice.objects.filter(meeting=meeting, term__representative=representative)
        .select_related("deputy__representative__user")
        .first()
        if representative
        else None
    )
    form = AbsenceForm(request.POST if request.method == "POST" else None)
    started = meeting.has_started()
    if request.method == "POST" and representative is not None and form.is_valid():
        try:
            notice = services.send_absence_notice(
                meeting,
                representative=representative,
                by=person,
                reason=form.cleaned_data["reason"],
            )
        except services.RefusedError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _absence_done(notice))
            return redirect("absence_link", token=token)
    return render(
        request,
        "meetings/member/absence_link.html",
        {
            "meeting": meeting,
            "person": person,
            "notice": notice,
            "form": form,
            "started": started,
            "not_member": representative is None
            or not permissions.is_member(person, meeting.body_id),
        },
    )


# --- case proposals -----------------------------------------------------------------------------


def _my_bodies(user: Any) -> Any:
    return Body.objects.filter(
        pk__in=permissions.my_current_terms(user).values("seat__body_id")
    ).order_by("name")


@login_required
@once_per_form
def propose_case(request: HttpRequest) -> HttpResponse:
    bodies = _my_bodies(request.user)
    if not bodies.exists():
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = ProposeCaseForm(data, bodies=bodies, initial={"body": request.GET.get("utvalg")})
    if data is not None and form.is_valid():
        try:
            services.propose_case(
                form.cleaned_data["body"],
                title=form.cleaned_data["title"],
                description=form.proposal_text(),
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.RefusedError as exc:
            form.add_error("body", str(exc))
        else:
            messages.success(
                request,
                _("Your proposal has been sent to the secretariat of %(body)s.")
                % {"body": form.cleaned_data["body"].name},
            )
            return redirect("my_proposals")
    return render(
        request,
        "meetings/member/propose.html",
        {
            "form": form,
            "trail": _trail(
                _my_meetings_crumb(), {"url": reverse("my_proposals"), "label": _("My proposals")}
            ),
        },
    )


@login_required
def my_proposals(request: HttpRequest) -> HttpResponse:
    """The cases I proposed and their fate: waiting, on a meeting's agenda, or answered."""
    proposals = (
        CaseProposal.objects.filter(proposed_by_id=request.user.pk)
        .select_related("body", "case__meeting")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("side"))
    return render(
        request,
        "meetings/member/my_proposals.html",
        {
            "page": page,
            "may_propose": _my_bodies(request.user).exists(),
            "trail": _trail(_my_meetings_crumb()),
        },
    )


# --- advice -------------------------------------------------------------------------------------


@login_required
def my_advice(request: HttpRequest) -> HttpResponse:
    """The advice given at meetings the person attended, with the latest answer."""
    attended = Attendance.objects.filter(person_id=request.user.pk, present=True).values(
        "meeting_id"
    )
    latest = AdviceResponse.objects.filter(advice=OuterRef("pk")).order_by("-responded_at", "-pk")
    advice = (
        Advice.objects.filter(case__meeting_id__in=attended)
        .select_related("case__meeting__body", "recipient_unit", "recipient_person")
        .annotate(
            latest_reasoning=Subquery(latest.values("reasoning")[:1]),
            latest_answered_at=Subquery(latest.values("responded_at")[:1]),
        )
        .order_by("-case__meeting__starts_at", "pk")
    )
    page = Paginator(advice, PAGE_SIZE).get_page(request.GET.get("side"))
    return render(
        request,
        "meetings/member/my_advice.html",
        {"page": page, "today": timezone.localdate(), "trail": _trail(_my_meetings_crumb())},
    )
