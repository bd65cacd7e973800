"""The person's side of joining and leaving: the requests to join sent to them (a page every
logged-in person reaches, also before they have a representative profile), the answer, and
ending one of their own affiliations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import permissions, services_joining
from .models import JoinRequest

TITLE = gettext_lazy("Requests to join")
ANSWERED_SHOWN = 20


@login_required
def join_requests(request: HttpRequest) -> HttpResponse:
    """Open requests to answer, and the latest answered ones."""
    mine = permissions.join_requests_for_person(request.user)
    return render(
        request,
        "representatives/join_requests.html",
        {
            "open_requests": list(mine.open().order_by("created_at", "pk")),
            "answered": list(
                mine.exclude(status=JoinRequest.Status.OPEN).order_by("-answered_at", "-pk")[
                    :ANSWERED_SHOWN
                ]
            ),
            "title": TITLE,
        },
    )


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or decline one request (only the person it was sent to)."""
    join_request = permissions.get_join_request_for_person(request.user, pk)
    org = join_request.organisation.name
    try:
        if request.POST.get("answer") == "accept":
            services_joining.accept_join_request(join_request, by=request.user)
            messages.success(
                request,
                _(
                    "You are now registered as a user representative of %(org)s. Keep your "
                    "profile up to date here."
                )
                % {"org": org},
            )
            return redirect("my_representative")
        if request.POST.get("answer") == "decline":
            services_joining.decline_join_request(join_request, by=request.user)
            messages.success(
                request,
                _("You have declined the request from %(org)s. They see only that.") % {"org": org},
            )
    except services_joining.RefusedError as exc:
        messages.error(request, str(exc))
    return redirect("join_requests")


@login_required
@require_POST
def end_own_affiliation(request: HttpRequest, pk: int) -> HttpResponse:
    """The person leaves an organisation: it no longer sees their health data."""
    affiliation = permissions.get_own_affiliation(request.user, pk)
    try:
        services_joining.end_affiliation(affiliation, by=request.user)
    except services_joining.RefusedError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("You are no longer registered with %(org)s.")
            % {"org": affiliation.organisation.name},
        )
    return redirect("my_representative")
