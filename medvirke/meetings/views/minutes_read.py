"""Reading the minutes: a frozen version, a member's comment page on the draft sent for
comments (until the deadline), and the PDF in a full and a public version."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from medvirke.core.once import once_per_form

from .. import permissions, services
from ..forms.minutes import CommentForm
from ..minutes_pdf import case_rows, minutes_pdf
from ..models import Minutes, MinutesVersion
from .minutes import add_error, minutes_trail


@login_required
def minutes_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One frozen version of approved minutes, as it read then."""
    minutes = permissions.get_minutes_for_user(request.user, pk)
    version = get_object_or_404(
        MinutesVersion.objects.select_related("made_by"), minutes=minutes, number=number
    )
    meeting = minutes.meeting
    trail = minutes_trail(meeting)
    if permissions.can_manage_meeting(request.user, meeting):
        trail.append({"label": _("Minutes"), "url": reverse("minutes_edit", args=[pk])})
    return render(
        request,
        "meetings/minutes/version.html",
        {
            "minutes": minutes,
            "meeting": meeting,
            "version": version,
            "content": version.content,
            "versions": list(minutes.versions.select_related("made_by")),
            "trail": trail,
        },
    )


def _comment_refusal(minutes: Minutes) -> str:
    if minutes.status != Minutes.Status.FOR_COMMENT:
        return _("The minutes are not open for comments.")
    if minutes.comment_deadline and timezone.localdate() > minutes.comment_deadline:
        return _("The deadline for comments was %(date)s; comments are no longer accepted.") % {
            "date": f"{minutes.comment_deadline:%d.%m.%Y}"
        }
    return ""


@login_required
@once_per_form
def minutes_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A member reads the draft sent for comments and comments on it before the deadline."""
    minutes = permissions.get_minutes_for_user(request.user, pk)
    meeting = minutes.meeting
    if not permissions.is_member(request.user, meeting.body_id):
        raise PermissionDenied
    refusal = _comment_refusal(minutes)
    form = CommentForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if refusal:
            status = 409
        elif form.is_valid():
            try:
                services.comment_on_minutes(
                    minutes, text=form.cleaned_data["text"], by=request.user
                )
            except (services.RefusedError, ValidationError) as exc:
                add_error(form, exc)
            else:
                messages.success(request, _("Thank you. Your comment is sent to the secretariat."))
                return redirect("minutes_comment", pk=pk)
        if form.errors:
            status = 400
    return render(
        request,
        "meetings/minutes/comment.html",
        {
            "minutes": minutes,
            "meeting": meeting,
            "rows": case_rows(minutes) if minutes.status == Minutes.Status.FOR_COMMENT else [],
            "form": form,
            "refusal": refusal,
            "mine": list(minutes.comments.filter(author_id=request.user.pk)),
            "trail": minutes_trail(meeting),
        },
        status=status,
    )


def _pdf_response(minutes: Minutes, *, public: bool) -> HttpResponse:
    meeting = minutes.meeting
    day = timezone.localtime(meeting.starts_at)
    name = f"protokoll-{slugify(meeting.body.name)[:60]}-{day:%Y-%m-%d}"
    response = HttpResponse(minutes_pdf(minutes, public=public), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{name}{"-offentlig" if public else ""}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def minutes_full_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole minutes, exempt cases included: the secretariat and the members."""
    minutes = permissions.get_minutes_for_user(request.user, pk)
    return _pdf_response(minutes, public=False)


@login_required
def minutes_public_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The public version of published minutes (exempt cases left out), for anyone who sees
    the meeting; the secretariat may preview it before publishing."""
    meeting = permissions.get_meeting_for_user(request.user, pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        raise Http404
    minutes.meeting = meeting
    if minutes.status != Minutes.Status.PUBLISHED and not permissions.can_manage_meeting(
        request.user, meeting
    ):
        raise Http404
    return _pdf_response(minutes, public=True)
