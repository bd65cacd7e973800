"""Reset every calendar address a person's login shows: what to do after a password that
someone else knew is changed (the signal in meetings/signals.py points here)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import CalendarFeed


@login_required
@require_POST
def reset_my_calendars(request: HttpRequest) -> HttpResponse:
    """New addresses for the person's own calendar and those of the bodies they run."""
    if CalendarFeed.objects.known_to(request.user).reset_all():
        messages.success(
            request, _("Your calendar addresses are new. The old addresses no longer work.")
        )
    else:
        messages.info(request, _("You have no calendar addresses to reset."))
    return redirect("my_calendar")
