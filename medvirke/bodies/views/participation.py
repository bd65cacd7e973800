"""The organisations' and the representatives' side of appointments (001 p.13): a coordinator
sees the calls sent to the organisation, nominates and withdraws, and sees where the
organisation is represented; a representative sees their engagements, confirms or resigns,
downloads the letter of appointment and their own data, and can ask to be deleted."""

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirke.core.once import once_per_form
from medvirke.organisations.models import Organisation
from medvirke.representatives import services as rep_services
from medvirke.representatives import services_joining as rep_joining
from medvirke.representatives.models import Affiliation, ExperienceArea, Representative
from medvirke.representatives.permissions import coordinator_organisation_ids

from .. import letters, permissions, personal_data, services
from ..forms.participation import (
    DeletionRequestForm,
    NominateForm,
    RepresentationFilterForm,
    ResignForm,
    already_registered_message,
)
from ..models import Call, Nomination, Term

# A term is flagged as expiring this long before it ends (the first reminder goes out then).
EXPIRING_DAYS = 90
PAGE_SIZE = 50
# Open calls shown on "where we are represented" (the calls page lists them all).
CALLS_SHOWN = 10


def _trail() -> list[dict[str, Any]]:
    return [{"url": reverse("dashboard"), "label": _("Overview")}]


def _own_representative(user: Any) -> Representative:
    """The logged-in person's representative profile; 403 for people without one."""
    representative = (
        Representative.objects.active().select_related("user").filter(user_id=user.pk).first()
    )
    if representative is None:
        raise PermissionDenied
    return representative


def _own_term(user: Any, pk: int) -> Term:
    """A term only its representative may act on (confirm, resign)."""
    term = permissions.get_term_for_user(user, pk)
    if term.representative.user_id != user.pk:
        raise PermissionDenied
    return term


def _file_response(content: bytes, content_type: str, filename: str, *, inline: bool) -> Any:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Personal data: never kept by a shared cache or the browser's back-forward cache.
    response["Cache-Control"] = "private, no-store"
    return response


# --- coordinators -------------------------------------------------------------------------------


def _coordinator_scope(user: Any) -> tuple[list[int], list[Organisation]]:
    """The organisations the person coordinates (with branches); 403 if none."""
    mine = coordinator_organisation_ids(user)
    if not mine:
        raise PermissionDenied
    return mine, list(Organisation.objects.filter(pk__in=mine).order_by("name"))


def _open_calls(
    mine: list[int], my_orgs: list[Organisation], limit: int | None = None
) -> list[Call]:
    """Open calls sent to these organisations (or to the organisation a branch belongs to),
    each with `for_organisations` (as permissions.may_nominate_to decides) and
    `my_nominations`, in a fixed number of queries; the `limit` first by deadline if given."""
    reach = set(mine) | {o.parent_id for o in my_orgs if o.parent_id}
    found = (
        Call.objects.open()
        .filter(recipients__id__in=reach)
        .select_related("body__owner")
        .prefetch_related("recipients", "seats", "areas_wanted")
        .annotate(
            my_nominations=Count(
                "nominations",
                filter=Q(nominations__organisation_id__in=mine)
                & ~Q(nominations__status=Nomination.Status.WITHDRAWN),
                distinct=True,
            )
        )
        .distinct()
        .order_by("deadline", "pk")
    )
    calls: list[Call] = list(found if limit is None else found[:limit])
    mine_set = set(mine)
    for call in calls:
        recipients = list(call.recipients.all())
        direct = [o for o in recipients if o.pk in mine_set]
        recipient_ids = {o.pk for o in recipients}
        call.for_organisations = direct or [  # type: ignore[attr-defined]
            o for o in my_orgs if o.parent_id in recipient_ids
        ]
    return calls


@login_required
def calls_for_us(request: HttpRequest) -> HttpResponse:
    mine, my_orgs = _coordinator_scope(request.user)
    return render(
        request,
        "bodies/participation/calls.html",
        {"calls": _open_calls(mine, my_orgs), "organisations": my_orgs, "trail": _trail()},
    )


@login_required
@once_per_form
def call_nominate(request: HttpRequest, pk: int) -> HttpResponse:
    """The call, our nominations to it, and the form to nominate an approved representative
    or to invite a new candidate and nominate them in one step."""
    call = permissions.get_call_for_user(request.user, pk)
    organisations = permissions.may_nominate_to(request.user, call)
    if not organisations:  # the body's managers may open the call, but not nominate
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = NominateForm(
        data, organisations=organisations, needs_override="override_reason" in request.POST
    )
    if data is not None and form.is_valid():
        cleaned = form.cleaned_data
        try:
            if form.invites_new:
                # Asked, not nominated: the person says yes first (issue 11).
                join_request, created = services.invite_new_candidate(
                    organisation=cleaned["organisation"],
                    email=cleaned["new_email"],
                    full_name=cleaned["new_full_name"].strip(),
                    phone=cleaned["new_phone"],
                    municipality=cleaned["new_municipality"],
                    by=request.user,
                )
                if created:
                    text = _(
                        "We have sent an e-mail to %(email)s. When they have accepted, they are "
                        "among your approved representatives and you can nominate them here."
                    )
                else:
                    text = _("A request to %(email)s is already waiting for an answer.")
                messages.success(request, text % {"email": join_request.email})
                return redirect("participation_call", pk=call.pk)
            nomination = services.nominate(
                call=call,
                representative=cleaned["representative"],
                organisation=cleaned["organisation"],
                justification=cleaned["justification"],
                by=request.user,
                override_reason=cleaned.get("override_reason", ""),
            )
        except services.NeedsOverrideError as exc:
            form = NominateForm(data, organisations=organisations, needs_override=True)
            form.is_valid()
            form.warnings = exc.warnings
            form.add_error(
                "override_reason",
                _("Give the reason for nominating despite the warning, or choose someone else."),
            )
        except (rep_joining.AlreadyAffiliated, IntegrityError):
            # Another coordinator registered the same person a moment ago.
            form.add_error("new_email", already_registered_message(cleaned["organisation"]))
        except services.RefusedError as exc:
            form.add_error("new_email" if form.invites_new else "representative", str(exc))
        else:
            messages.success(
                request,
                _("%(person)s has been nominated. The secretariat has been told.")
                % {"person": nomination.representative},
            )
            return redirect("participation_call", pk=call.pk)
    ours = (
        Nomination.objects.filter(
            call=call, organisation_id__in=coordinator_organisation_ids(request.user)
        )
        .select_related("representative__user", "organisation", "nominated_by")
        .order_by("created_at", "pk")
    )
    return render(
        request,
        "bodies/participation/call.html",
        {
            "call": call,
            "form": form,
            "nominations": ours,
            "seats": call.seats.order_by("role", "rank"),
            "areas": call.areas_wanted.all(),
            "trail": [
                *_trail(),
                {"url": reverse("participation_calls"), "label": _("Calls for us")},
            ],
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = permissions.get_nomination_for_user(request.user, pk)
    try:
        services.withdraw_nomination(nomination, by=request.user)
    except services.RefusedError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The nomination of %(person)s has been withdrawn.")
            % {"person": nomination.representative},
        )
    return redirect("participation_call", pk=nomination.call_id)


@login_required
def representation(request: HttpRequest) -> HttpResponse:
    """Where the organisation is represented: current seats (filtered, 50 a page, with totals
    for all of them), open calls, and how many representatives it has per experience area
    (counts only). A big organisation holds well over a thousand seats."""
    mine, my_orgs = _coordinator_scope(request.user)
    context = _representation_context(request, mine, my_orgs, timezone.localdate())
    return render(
        request, "bodies/participation/representation.html", {**context, "trail": _trail()}
    )


def _representation_context(
    request: HttpRequest, mine: list[int], my_orgs: list[Organisation], today: date
) -> dict[str, Any]:
    soon = today + timedelta(days=EXPIRING_DAYS)
    # Seats nominated by us or held by someone we approved. The two halves are a UNION of two
    # scans of the partial indexes on open terms (Term.Meta): an OR of the two made PostgreSQL
    # filter all 14,000 open terms of the country. No joins, so no duplicates to remove.
    our_people = Affiliation.objects.filter(
        organisation_id__in=mine, status=Affiliation.Status.APPROVED
    ).values("representative_id")
    open_terms = Term.objects.filter(ended_on__isnull=True)
    held = Term.objects.filter(
        pk__in=open_terms.filter(nominated_by_id__in=mine)
        .values("pk")
        .union(open_terms.filter(representative_id__in=our_people).values("pk"))
    )
    totals = held.aggregate(
        seats=Count("pk"),
        carried_over=Count("pk", filter=Q(ends_on__lt=today)),
        expiring=Count("pk", filter=Q(ends_on__gte=today, ends_on__lte=soon)),
        bodies=Count("seat__body", distinct=True),
    )
    form = RepresentationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    seats = held
    if filters.get("q"):
        text = filters["q"]
        seats = seats.filter(
            Q(seat__body__name__icontains=text)
            | Q(representative__user__full_name__icontains=text)
            | Q(seat__body__owner__name__icontains=text)
        )
    if filters.get("kind"):
        seats = seats.filter(seat__body__kind=filters["kind"])
    if filters.get("ends_before"):
        seats = seats.filter(ends_on__lt=filters["ends_before"])
    # The page's 50 ids first (sorted with only the seat and body joined), then those 50 rows
    # with what the table shows: loading every row's representative, user and organisations
    # before sorting cost a big organisation 1,757 rows for a page of 50.
    page = Paginator(
        seats.order_by("seat__body__name", "seat__role", "seat__rank", "pk").values_list(
            "pk", flat=True
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("side"))
    rows = Term.objects.select_related(
        "seat__body__owner", "representative__user", "nominated_by"
    ).in_bulk(list(page.object_list))
    terms = [rows[pk] for pk in page.object_list if pk in rows]
    for term in terms:
        term.is_expiring = (  # type: ignore[attr-defined]
            not term.is_carried_over and term.ends_on <= soon
        )
        term.is_upcoming = term.starts_on > today  # type: ignore[attr-defined]
    page.object_list = terms  # type: ignore[assignment]
    extra = urlencode({k: v for k, v in request.GET.items() if k != "side" and v})
    # Counted: the people whose health data the organisation may see — approved (not
    # pending, rejected or ended) and consenting (Representative.health_shared_with).
    shared = Representative.objects.active().health_shared_with(mine).values("pk")
    areas = (
        ExperienceArea.objects.annotate(
            people=Count("representatives", filter=Q(representatives__in=shared), distinct=True)
        )
        .filter(people__gt=0)
        .order_by("sort_order", "name_nb")
    )
    # An IN list rather than a join: no DISTINCT over every column of the representatives.
    approved_total = Representative.objects.active().filter(pk__in=our_people).count()
    # The calls nearest their deadline; the calls page has them all.
    calls = _open_calls(mine, my_orgs, limit=CALLS_SHOWN + 1)
    return {
        "organisations": my_orgs,
        "page": page,
        "form": form,
        "filtered": bool(filters and any(filters.values())),
        "extra": extra,
        "totals": totals,
        "calls": calls[:CALLS_SHOWN],
        "more_calls": len(calls) > CALLS_SHOWN,
        "areas": areas,
        "approved_total": approved_total,
        "expiring_days": EXPIRING_DAYS,
    }


# --- representatives ----------------------------------------------------------------------------


@login_required
def engagements(request: HttpRequest) -> HttpResponse:
    representative = _own_representative(request.user)
    terms = list(
        Term.objects.filter(representative=representative)
        .select_related("seat__body__owner", "nominated_by")
        .order_by("-starts_on", "-pk")
    )
    current = [t for t in terms if t.ended_on is None]
    return render(
        request,
        "bodies/participation/engagements.html",
        {
            "representative": representative,
            "current": current,
            "unconfirmed": [t for t in current if t.confirmed_at is None],
            "past": [t for t in terms if t.ended_on is not None],
            "nominations": Nomination.objects.filter(representative=representative)
            .select_related("call__body", "organisation")
            .order_by("-created_at", "-pk"),
            "external": representative.external_engagements.all(),
            "today": timezone.localdate(),
            "trail": _trail(),
        },
    )


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    term = _own_term(request.user, pk)
    if term.ended_on is not None:
        messages.error(request, _("This term has already ended."))
    elif term.confirmed_at is not None:
        messages.info(request, _("You have already confirmed this appointment."))
    else:
        services.confirm(term, by=request.user)
        messages.success(
            request,
            _("Thank you. You have confirmed the appointment to %(body)s.")
            % {"body": term.seat.body},
        )
    return redirect("participation_engagements")


@login_required
@once_per_form
def resign(request: HttpRequest, pk: int) -> HttpResponse:
    term = _own_term(request.user, pk)
    form = ResignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_term(
                term,
                reason=Term.EndReason.RESIGNED,
                by=request.user,
                message=form.cleaned_data["message"],
            )
        except services.RefusedError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "You have resigned from %(body)s. The secretariat and the organisation "
                    "that nominated you have been told."
                )
                % {"body": term.seat.body},
            )
            return redirect("participation_engagements")
    return render(
        request,
        "bodies/participation/resign.html",
        {
            "term": term,
            "form": form,
            "trail": [
                *_trail(),
                {"url": reverse("participation_engagements"), "label": _("My engagements")},
            ],
        },
    )


@login_required
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter of appointment, for the representative and the body's managers."""
    term = permissions.get_term_for_user(request.user, pk)
    term = Term.objects.select_related(
        "seat__body__owner", "representative__user", "nominated_by", "appointed_by"
    ).get(pk=term.pk)
    filename = f"oppnevning-{slugify(term.seat.body.name)[:60]}-{term.starts_on:%Y}.pdf"
    return _file_response(
        letters.appointment_letter(term), "application/pdf", filename, inline=True
    )


@login_required
def my_data_json(request: HttpRequest) -> HttpResponse:
    data = personal_data.as_json(personal_data.collect(request.user))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = (
        f'attachment; filename="medvirke-mine-data-{timezone.localdate():%Y-%m-%d}.json"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_data_pdf(request: HttpRequest) -> HttpResponse:
    sections = personal_data.collect(request.user)
    pdf = letters.personal_data_pdf(
        [s.as_pdf() for s in sections],
        person=request.user.display_name,  # type: ignore[union-attr]
        language=translation.get_language() or "nb",
    )
    filename = f"medvirke-mine-data-{timezone.localdate():%Y-%m-%d}.pdf"
    return _file_response(pdf, "application/pdf", filename, inline=False)


@login_required
@once_per_form
def delete_me(request: HttpRequest) -> HttpResponse:
    representative = _own_representative(request.user)
    form = DeletionRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.request_deletion(representative, by=request.user)
        messages.success(
            request,
            _(
                "Your request has been recorded. Your organisation's coordinator and the "
                "secretariats you work with have been told."
            ),
        )
        return redirect("participation_delete_me")
    return render(
        request,
        "bodies/participation/delete_me.html",
        {
            "representative": representative,
            "keeps_account": rep_services.has_staff_role(request.user),
            "form": form,
            "trail": [
                *_trail(),
                {"url": reverse("participation_engagements"), "label": _("My engagements")},
            ],
        },
    )
