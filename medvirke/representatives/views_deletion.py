"""Carrying out representatives' requests to be deleted (GDPR art. 17): the list of open
requests for the people who must act on them, and the confirmation page that anonymises the
person (representatives.services.carry_out_deletion)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import permissions_deletion, services
from .models import Affiliation

LIST_TITLE = gettext_lazy("Deletion requests")


class CarryOutDeletionForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I have checked the request and delete the person's data"),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
        help_text=gettext_lazy("This cannot be undone."),
    )


@login_required
def deletion_requests(request: HttpRequest) -> HttpResponse:
    """Open requests from the people whose organisation the user coordinates or whose
    appointments the user's secretariat handles, oldest first."""
    requests = (
        permissions_deletion.open_deletion_requests_for(request.user)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "affiliations",
                queryset=Affiliation.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            )
        )
        .order_by("deletion_requested_at", "pk")
    )
    return render(
        request,
        "representatives/deletion/list.html",
        {"requests": requests, "title": LIST_TITLE},
    )


@login_required
def carry_out(request: HttpRequest, pk: int) -> HttpResponse:
    """Show what will be erased and what is kept; on a confirmed POST, carry it out."""
    representative = permissions_deletion.get_deletion_request_for_user(request.user, pk)
    form = CarryOutDeletionForm(request.POST if request.method == "POST" else None)
    name = representative.user.display_name
    blockers = services.deletion_blockers(representative)
    if request.method == "POST" and form.is_valid():
        try:
            services.carry_out_deletion(representative, by=request.user)
        except services.DeletionRefused as exc:
            # Something changed since the page was shown (a term was appointed meanwhile).
            blockers = exc.messages
        else:
            messages.success(
                request,
                _(
                    "The data of %(person)s has been deleted. Their appointments are kept "
                    "under the name “%(anonymised)s”."
                )
                % {"person": name, "anonymised": services.anonymised_name(representative)},
            )
            return redirect("deletion_requests")
    trail: list[dict[str, Any]] = [{"url": reverse("deletion_requests"), "label": LIST_TITLE}]
    return render(
        request,
        "representatives/deletion/confirm.html",
        {
            "representative": representative,
            "form": form,
            # Shown instead of the form, so nobody ticks the box only to be refused.
            "blockers": blockers,
            "keeps_account": services.has_staff_role(representative.user),
            "anonymised": services.anonymised_name(representative),
            "title": _("Delete the data of %(person)s") % {"person": name},
            "trail": trail,
        },
    )
