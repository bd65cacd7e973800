"""Cases on a meeting's agenda (add, edit), papers (upload, permission-checked download) and
the body's inbox of case proposals (accept to a meeting, or answer with a reason)."""

import os
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirke.bodies.models import Body
from medvirke.bodies.permissions import get_body_for_user
from medvirke.core.locking import carry_version
from medvirke.core.once import once_per_form
from medvirke.organisations.models import Organisation

from .. import permissions, services
from ..forms.secretariat import AcceptProposalForm, AnswerProposalForm, CaseForm, PaperForm
from ..models import Case, CaseProposal, Meeting
from .secretariat_common import (
    body_trail,
    case_label,
    meeting_label,
    meeting_trail,
    owner_choices,
)

# --- cases -------------------------------------------------------------------------------------


def _owners(form: CaseForm) -> dict[str, Any]:
    """The chosen case owner as objects (the choices were limited to the owner organisation)."""
    unit_pk, person_pk = form.cleaned_data["owner_unit"], form.cleaned_data["owner_person"]
    return {
        "owner_unit": Organisation.objects.get(pk=unit_pk) if unit_pk else None,
        "owner_person": get_user_model().objects.get(pk=person_pk) if person_pk else None,
    }


def _case_page(request: HttpRequest, form: CaseForm, meeting: Meeting, title: str) -> HttpResponse:
    return render(
        request,
        "meetings/secretariat/case_form.html",
        {
            "form": form,
            "meeting": meeting,
            "body": meeting.body,
            "title": title,
            "trail": meeting_trail(meeting),
            "cancel_url": reverse("meeting_detail", args=[meeting.pk]),
        },
    )


@login_required
@once_per_form
def case_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new case on the meeting's agenda, with the next number of the body's year."""
    meeting = permissions.get_meeting_for_user(request.user, pk, manage=True)
    body = meeting.body
    units, people = owner_choices(body)
    form = CaseForm(
        request.POST or None,
        units=units,
        people=people,
        initial={"ladder_step": body.ladder_step, "phase": Case.Phase.PLANNING},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.add_case(
                body, meeting=meeting, by=request.user, **form.case_fields(), **_owners(form)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.RefusedError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(case)s is on the agenda.") % {"case": case_label(case)},
            )
            return redirect(f"{reverse('meeting_detail', args=[meeting.pk])}#agenda")
    return _case_page(
        request, form, meeting, _("New case for %(meeting)s") % {"meeting": meeting_label(meeting)}
    )


@login_required
@once_per_form
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = permissions.get_case_for_user(request.user, pk, manage=True)
    meeting_pk = case.meeting_id
    if meeting_pk is None:
        raise Http404
    meeting = permissions.get_meeting_for_user(request.user, meeting_pk, manage=True)
    units, people = owner_choices(meeting.body)
    form = CaseForm(
        request.POST or None, units=units, people=people, initial=CaseForm.initial_for(case)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_case(
                case,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                **form.case_fields(),
                **_owners(form),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.StaleEditError as exc:
            # What was typed stays; the form now carries the stored version (saving again goes).
            form.add_error(None, str(exc))
            carry_version(form, exc.version)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(f"{reverse('meeting_detail', args=[meeting.pk])}#agenda")
    return _case_page(
        request, form, meeting, _("Edit case %(reference)s") % {"reference": case.reference}
    )


# --- papers ------------------------------------------------------------------------------------


@login_required
@once_per_form
def paper_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a paper to the meeting (type read from the content, size checked). A paper
    after the deadline is flagged late; once the meeting is called, members are told."""
    meeting = permissions.get_meeting_for_user(request.user, pk, manage=True)
    cases = {c.pk: c for c in Case.objects.on_agenda(meeting)}
    chosen = request.GET.get("sak", "")
    form = PaperForm(
        request.POST or None,
        request.FILES or None,
        cases=[(c.pk, case_label(c)) for c in cases.values()],
        initial={"case": int(chosen) if chosen.isdigit() and int(chosen) in cases else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            paper = services.publish_paper(
                meeting,
                upload=data["file"],
                title=data["title"],
                case=cases.get(data["case"]) if data["case"] else None,
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        except services.RefusedError as exc:
            form.add_error("case", str(exc))
        else:
            if paper.late:
                messages.warning(
                    request,
                    _(
                        "%(paper)s is published. It came after the deadline (%(due)s), so it "
                        "is flagged as late on the agenda."
                    )
                    % {
                        "paper": paper.title,
                        "due": f"{timezone.localtime(meeting.papers_due_at):%d.%m.%Y %H:%M}",
                    },
                )
            else:
                messages.success(request, _("%(paper)s is published.") % {"paper": paper.title})
            return redirect(f"{reverse('meeting_detail', args=[meeting.pk])}#papers")
    return render(
        request,
        "meetings/secretariat/paper_form.html",
        {
            "form": form,
            "meeting": meeting,
            "body": meeting.body,
            "title": _("Upload a paper"),
            "trail": meeting_trail(meeting),
            "cancel_url": reverse("meeting_detail", args=[meeting.pk]),
        },
    )


@login_required
def paper_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, as an attachment, only for those who may see it (never a public media URL)."""
    paper = permissions.get_paper_for_user(request.user, pk)
    try:
        handle = paper.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    stored = os.path.basename(paper.file.name)
    extension = os.path.splitext(stored)[1].lower()
    name = get_valid_filename(paper.title)[:100] or "dokument"
    if not name.lower().endswith(extension):
        name += extension
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=paper.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- proposals ---------------------------------------------------------------------------------


def _meeting_choices(body: Body) -> list[tuple[int, str]]:
    open_meetings = (
        Meeting.objects.for_body(body)
        .upcoming()
        .filter(status__in=[Meeting.Status.PLANNED, Meeting.Status.CALLED])
    )
    return [(m.pk, meeting_label(m)) for m in open_meetings]


def _inbox(
    request: HttpRequest, body: Body, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    choices = _meeting_choices(body)
    proposals = list(
        CaseProposal.objects.filter(body=body)
        .select_related("proposed_by", "case__meeting", "answered_by")
        .order_by("-created_at", "-pk")
    )
    pending = []
    for proposal in proposals:
        if proposal.status != CaseProposal.Status.PROPOSED:
            continue
        mine = bound if bound and bound["pk"] == proposal.pk else {}
        pending.append(
            {
                "proposal": proposal,
                "accept": mine.get("accept")
                or AcceptProposalForm(prefix=f"a{proposal.pk}", meetings=choices),
                "answer": mine.get("answer") or AnswerProposalForm(prefix=f"s{proposal.pk}"),
            }
        )
    return render(
        request,
        "meetings/secretariat/proposals.html",
        {
            "body": body,
            "pending": pending,
            "handled": [p for p in proposals if p.status != CaseProposal.Status.PROPOSED],
            "has_meetings": bool(choices),
            "title": _("Case proposals"),
            "trail": body_trail(body, timezone.localdate().year),
        },
        status=status,
    )


@login_required
def proposal_inbox(request: HttpRequest, body_pk: int) -> HttpResponse:
    body = get_body_for_user(request.user, body_pk, manage=True)
    return _inbox(request, body)


def _answered(request: HttpRequest, proposal: CaseProposal) -> HttpResponse | None:
    if proposal.status == CaseProposal.Status.PROPOSED:
        return None
    messages.info(request, _("This proposal has already been answered."))
    return redirect("proposal_inbox", body_pk=proposal.body_id)


@login_required
@require_POST
@once_per_form
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = permissions.get_proposal_for_user(request.user, pk, manage=True)
    if (done := _answered(request, proposal)) is not None:
        return done
    body = proposal.body
    form = AcceptProposalForm(
        request.POST, prefix=f"a{proposal.pk}", meetings=_meeting_choices(body)
    )
    if form.is_valid():
        meeting = Meeting.objects.get(pk=form.cleaned_data["meeting"], body=body)
        try:
            case = services.accept_proposal(
                proposal, meeting=meeting, kind=form.cleaned_data["kind"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, "; ".join(exc.messages))
        except services.RefusedError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(case)s is on the agenda of %(meeting)s. The proposer has been told.")
                % {"case": case_label(case), "meeting": meeting_label(meeting)},
            )
            return redirect("proposal_inbox", body_pk=body.pk)
    return _inbox(request, body, {"pk": proposal.pk, "accept": form})


@login_required
@require_POST
def proposal_answer(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = permissions.get_proposal_for_user(request.user, pk, manage=True)
    if (done := _answered(request, proposal)) is not None:
        return done
    form = AnswerProposalForm(request.POST, prefix=f"s{proposal.pk}")
    if form.is_valid():
        try:
            services.answer_proposal(proposal, reason=form.cleaned_data["answer"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.RefusedError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The proposal “%(title)s” has been answered. The proposer can read the reason.")
                % {"title": proposal.title},
            )
            return redirect("proposal_inbox", body_pk=proposal.body_id)
    return _inbox(request, proposal.body, {"pk": proposal.pk, "answer": form})
