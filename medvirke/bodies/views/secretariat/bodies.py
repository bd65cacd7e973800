"""The secretariat's body pages: overview, create and edit, the working page, one-step call for
a vacant seat, ending a term, and the history."""

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirke.core.locking import carry_version
from medvirke.core.models import AuditEvent
from medvirke.core.once import once_per_form
from medvirke.organisations.models import Organisation, StaffRole
from medvirke.organisations.permissions import roles_in

from ... import body_admin, permissions, services
from ...composition import compose
from ...forms.secretariat import (
    BodyFilterForm,
    BodyForm,
    EndTermForm,
    OwnerChoiceForm,
)
from ...models import Body, Call, Nomination, Seat, Term
from ._common import (
    EXPIRING_DAYS,
    PAGE_SIZE,
    body_trail,
    count_of,
    manager_organisations,
    may_create_in,
    role_organisation_paths,
    seat_label,
    seat_rows,
    trail,
)

# --- overview --------------------------------------------------------------------------------


@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    """The bodies a person can see, with filters: for staff, those of their organisations and
    everything below (an administrator's overview across the organisation)."""
    user = request.user
    today = timezone.localdate()
    role_paths = role_organisation_paths(user)
    org_ids = list(role_paths)
    secretariat_of = Body.objects.filter(secretariat=user.pk).values("pk")
    # Roles reach down: bodies owned where the person has a role or anywhere below.
    below_roles = Organisation.objects.below(*role_paths.values()).values("pk")
    mine = Q() if user.is_superuser else Q(owner__in=below_roles) | Q(pk__in=secretariat_of)
    owners = list(
        Organisation.objects.filter(
            Q(pk__in=Body.objects.filter(mine).values("owner_id")) | Q(pk__in=org_ids)
        ).order_by("name")
    )
    form = BodyFilterForm(request.GET or None, owners=owners)
    has_own = bool(user.is_superuser or org_ids or owners)
    scope = form.value("visning") or (BodyFilterForm.MINE if has_own else BodyFilterForm.ALL)
    visible = mine if scope == BodyFilterForm.MINE else mine | Q(is_public=True)
    if not has_own and scope == BodyFilterForm.MINE:
        visible = Q(pk__in=[])

    active_seats = Seat.objects.filter(body=OuterRef("pk"), retired_on__isnull=True)
    open_terms = Term.objects.filter(
        seat__body=OuterRef("pk"), seat__retired_on__isnull=True, ended_on__isnull=True
    )
    held = Seat.objects.filter(body=OuterRef("pk"), retired_on__isnull=True).filter(
        Exists(Term.objects.filter(seat=OuterRef("pk"), ended_on__isnull=True))
    )
    bodies = (
        Body.objects.filter(visible)
        .select_related("owner")
        .annotate(
            seat_total=count_of(active_seats),
            seat_held=count_of(held),
            expiring=count_of(
                open_terms.filter(ends_on__lte=today + timedelta(days=EXPIRING_DAYS))
            ),
            next_end=Subquery(open_terms.order_by("ends_on").values("ends_on")[:1]),
            open_calls=count_of(
                Call.objects.filter(
                    body=OuterRef("pk"), closed_at__isnull=True, deadline__gte=today
                )
            ),
        )
        .annotate(vacancies=F("seat_total") - F("seat_held"))
    )
    if query := form.value("q"):
        bodies = bodies.filter(name__icontains=query.strip())
    if kind := form.value("type"):
        bodies = bodies.filter(kind=kind)
    if owner := form.value("eier"):
        chosen = next(o for o in owners if o.pk == owner)  # the form offers only these
        bodies = bodies.filter(owner__in=Organisation.objects.below(chosen).values("pk"))
    if before := form.value("slutt_for"):
        bodies = bodies.filter(next_end__lt=before)
    if form.value("ledig"):
        bodies = bodies.filter(vacancies__gt=0)
    page = Paginator(bodies.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("side"))
    params = request.GET.copy()
    params.pop("side", None)
    may_create = user.is_superuser or (
        bool(org_ids)
        and StaffRole.objects.for_user(user).filter(role__in=permissions.MANAGER_ROLES).exists()
    )
    return render(
        request,
        "bodies/secretariat/list.html",
        {
            "form": form,
            "page": page,
            "extra": params.urlencode(),
            "filtered": bool(params),
            "may_create": may_create,
            "today": today,
        },
    )


# --- create and edit -------------------------------------------------------------------------


@login_required
@once_per_form
def body_create(request: HttpRequest) -> HttpResponse:
    """A new body in the organisation `?eier=<pk>`; without it, choose the organisation."""
    user = request.user
    raw = request.GET.get("eier")
    if not raw:
        organisations = manager_organisations(user)
        if not organisations:
            raise PermissionDenied
        if len(organisations) == 1:
            return redirect(f"{reverse('body_create')}?eier={organisations[0].pk}")
        return render(
            request,
            "bodies/secretariat/choose_owner.html",
            {
                "form": OwnerChoiceForm(organisations=organisations),
                "trail": trail(),
                "title": _("New body"),
            },
        )
    try:
        owner = Organisation.objects.get(pk=int(raw))
    except (ValueError, Organisation.DoesNotExist) as exc:
        raise Http404 from exc
    if not may_create_in(user, owner):
        raise PermissionDenied
    form = BodyForm(request.POST or None, instance=Body(owner=owner), owner=owner)
    if request.method == "POST" and form.is_valid():
        body = body_admin.create_body(
            form.instance, secretariat=form.cleaned_data["secretariat"], by=user
        )
        messages.success(request, _("%(name)s has been created.") % {"name": body.name})
        return redirect("body_detail", pk=body.pk)
    return render(
        request,
        "bodies/secretariat/form.html",
        {
            "form": form,
            "owner": owner,
            "trail": trail(),
            "title": _("New body in %(org)s") % {"org": owner.name},
            "cancel_url": reverse("body_list"),
        },
    )


@login_required
@once_per_form
def body_edit(request: HttpRequest, pk: int) -> HttpResponse:
    body = permissions.get_body_for_user(request.user, pk, manage=True)
    form = BodyForm(
        request.POST or None,
        instance=body,
        owner=body.owner,
    )
    if request.method == "POST" and form.is_valid():
        try:
            kept = body_admin.update_body(
                form.instance,
                secretariat=form.cleaned_data["secretariat"],
                by=request.user,
                expected_version=form.expected_version,
            )
        except body_admin.StaleEditError as exc:
            form.add_error(
                None,
                _(
                    "Someone else saved changes to this body while you were editing. Your "
                    "changes are kept below: compare with the body's page and save again."
                ),
            )
            # The next save goes through against what is stored now.
            carry_version(form, exc.version)
        else:
            messages.success(request, _("The changes have been saved."))
            if kept:
                messages.warning(
                    request,
                    _(
                        "These seats are above the new numbers but someone holds them, so they "
                        "are kept until the terms end: %(seats)s."
                    )
                    % {"seats": ", ".join(seat_label(s) for s in kept)},
                )
            return redirect("body_detail", pk=pk)
    return render(
        request,
        "bodies/secretariat/form.html",
        {
            "form": form,
            "owner": body.owner,
            "body": body,
            "trail": body_trail(body),
            "title": _("Edit %(name)s") % {"name": body.name},
            "cancel_url": reverse("body_detail", args=[pk]),
        },
    )


# --- the body's page -------------------------------------------------------------------------


@login_required
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat's working page. Others who may see the body get its mandate and seats;
    the member list needs a role in the owner, the composition and actions need to manage."""
    user = request.user
    body = permissions.get_body_for_user(user, pk)
    manage = permissions.can_manage(user, body)
    staff = manage or user.is_superuser or bool(roles_in(user, body.owner))
    today = timezone.localdate()
    context = _detail_context(body, manage=manage, staff=staff, today=today)
    return render(request, "bodies/secretariat/detail.html", {**context, "trail": trail()})


def _detail_context(body: Body, *, manage: bool, staff: bool, today: date) -> dict[str, Any]:
    context: dict[str, Any] = {
        "body": body,
        "manage": manage,
        "staff": staff,
        "today": today,
        "expiring_days": EXPIRING_DAYS,
        "secretariat": sorted(body.secretariat.all(), key=lambda u: u.display_name),
    }
    rows = seat_rows(body, today)
    context["vacant_count"] = sum(1 for r in rows if r["term"] is None)
    context["seat_count"] = len(rows)
    if staff:
        context["rows"] = rows
        context["vacant"] = [r for r in rows if r["term"] is None]
        context["renewal_ids"] = [r["seat"].pk for r in rows if r["carried_over"] or r["expiring"]]
        context["calls"] = body.calls.annotate(
            nomination_count=Count("nominations", distinct=True),
            pending_count=Count(
                "nominations",
                filter=Q(nominations__status=Nomination.Status.NOMINATED),
                distinct=True,
            ),
            seat_count=Count("seats", distinct=True),
        ).order_by("-opened_at")
    if manage:
        context["composition"] = compose(body, today)
    return context


@login_required
@require_POST
@once_per_form
def call_for_vacancy(request: HttpRequest, pk: int, seat_pk: int) -> HttpResponse:
    """One step from a vacant seat to a call (sent to whoever nominated the last holder)."""
    body = permissions.get_body_for_user(request.user, pk, manage=True)
    seat = get_object_or_404(Seat, pk=seat_pk, body=body, retired_on__isnull=True)
    label = seat_label(seat)
    if seat.terms.filter(ended_on__isnull=True).exists():
        messages.error(
            request,
            _("%(seat)s is not vacant any more. Open a call from the form instead.")
            % {"seat": label},
        )
        return redirect("body_detail", pk=pk)
    existing = Call.objects.open().filter(seats=seat).first()
    if existing is not None:
        messages.info(request, _("There is already an open call for %(seat)s.") % {"seat": label})
        return redirect("call_detail", pk=existing.pk)
    last = seat.terms.order_by("-starts_on").first()
    if last is None or last.nominated_by_id is None:
        # Nobody to ask again: the secretary chooses the organisations rather than a guess.
        messages.info(
            request,
            _("Nobody nominated for %(seat)s before, so choose which organisations to ask.")
            % {"seat": label},
        )
        return redirect(f"{reverse('call_create', args=[pk])}?sete={seat.pk}")
    try:
        call = services.open_call_for_vacancy(seat, by=request.user)
    except services.RefusedError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('call_create', args=[pk])}?sete={seat.pk}")
    messages.success(
        request,
        _(
            "A call for %(seat)s has been opened with the deadline %(date)s and sent to "
            "%(recipients)s. Check that these are the right organisations."
        )
        % {
            "seat": label,
            "date": call.deadline.strftime("%d.%m.%Y"),
            "recipients": ", ".join(o.name for o in call.recipients.all()),
        },
    )
    return redirect("call_detail", pk=call.pk)


@login_required
@once_per_form
def term_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that a term ended early (resigned, died, removed) or at its end."""
    term = permissions.get_term_for_user(request.user, pk)
    body = term.seat.body
    if not permissions.can_manage(request.user, body):
        raise PermissionDenied
    if term.ended_on is not None:
        messages.info(request, _("This term has already ended."))
        return redirect("body_detail", pk=body.pk)
    form = EndTermForm(
        request.POST or None,
        term=term,
        initial={"reason": Term.EndReason.RESIGNED, "ended_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            vacant = services.end_term(
                term,
                reason=form.cleaned_data["reason"],
                by=request.user,
                on=form.cleaned_data["ended_on"],
            )
        except services.RefusedError as exc:
            messages.error(request, str(exc))
            return redirect("body_detail", pk=body.pk)
        if vacant.pk != term.seat_id:
            successor = (
                Term.objects.filter(seat=term.seat, ended_on__isnull=True)
                .select_related("representative__user")
                .first()
            )
            messages.success(
                request,
                _(
                    "The term of %(person)s has ended. %(deputy)s, %(deputy_seat)s, has stepped "
                    "in as %(seat)s, so %(deputy_seat)s is now vacant."
                )
                % {
                    "person": term.representative,
                    "deputy": successor.representative if successor else "–",
                    "deputy_seat": seat_label(vacant),
                    "seat": seat_label(term.seat),
                },
            )
        else:
            messages.success(
                request,
                _("The term of %(person)s has ended. %(seat)s is now vacant.")
                % {"person": term.representative, "seat": seat_label(vacant)},
            )
        return redirect(f"{reverse('body_detail', args=[body.pk])}#vacancies")
    return render(
        request,
        "bodies/secretariat/end_term.html",
        {
            "form": form,
            "term": term,
            "body": body,
            "seat": seat_label(term.seat),
            "trail": body_trail(body),
        },
    )


@login_required
def body_history(request: HttpRequest, pk: int) -> HttpResponse:
    body = permissions.get_body_for_user(request.user, pk)
    if not permissions.can_view_history(request.user, body):
        raise PermissionDenied
    events = AuditEvent.objects.for_object(body).newest_first()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("side"))
    return render(
        request,
        "bodies/secretariat/history.html",
        {
            "object": body,
            "page": page,
            "trail": body_trail(body),
            "back_url": reverse("body_detail", args=[pk]),
        },
    )
