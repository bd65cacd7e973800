"""Calls for candidates: opening one, and the call page where nominees are appointed or
declined and the call is closed."""

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from medvirke.core.once import once_per_form
from medvirke.organisations.models import Organisation

from ... import body_admin, permissions, services
from ...forms.secretariat import (
    AppointForm,
    CallForm,
    DeclineForm,
)
from ...models import Call, Nomination, Seat, Term
from ._common import (
    CALL_DAYS,
    RECIPIENT_KINDS,
    ROLE_ORDER,
    body_trail,
    seat_choice_label,
    seat_label,
    seat_rows,
)

# --- calls -----------------------------------------------------------------------------------


def _recipient_groups(organisations: list[Organisation]) -> tuple[list[Any], list[Any], list[Any]]:
    """Forums; user organisations each with their branches (any depth); branches whose
    organisation is not listed."""
    by_pk = {o.pk: o for o in organisations}
    forums = [o for o in organisations if o.kind == Organisation.Kind.FORUM]
    tops: dict[int, tuple[Organisation, list[Organisation]]] = {
        o.pk: (o, []) for o in organisations if o.kind == Organisation.Kind.USER_ORG
    }
    loose = []
    for org in organisations:
        if org.kind != Organisation.Kind.USER_ORG_BRANCH:
            continue
        # Up the path past the branches to the first organisation that is not one.
        node: Organisation | None = None
        for ancestor in org.lineage_ids()[1:]:
            node = by_pk.get(ancestor)
            if node is None or node.kind != Organisation.Kind.USER_ORG_BRANCH:
                break
        if node is not None and node.pk in tops:
            tops[node.pk][1].append(org)
        else:
            loose.append(org)
    return forums, list(tops.values()), loose


@login_required
@once_per_form
def call_create(request: HttpRequest, pk: int) -> HttpResponse:
    body = permissions.get_body_for_user(request.user, pk, manage=True)
    today = timezone.localdate()
    rows = [
        r for r in seat_rows(body, today) if r["term"] is None or r["carried_over"] or r["expiring"]
    ]
    organisations = list(
        Organisation.objects.active().filter(kind__in=RECIPIENT_KINDS).order_by("name")
    )
    last = body.calls.order_by("-opened_at").first()
    initial = {
        "seats": request.GET.getlist("sete")
        or [str(r["seat"].pk) for r in rows if r["term"] is None],
        "deadline": today + timedelta(days=CALL_DAYS),
        "recipients": [str(pk) for pk in last.recipients.values_list("pk", flat=True)]
        if last
        else [],
    }
    form = CallForm(
        request.POST or None,
        initial=initial,
        seat_choices=[(str(r["seat"].pk), seat_choice_label(r)) for r in rows],
        recipient_choices=[(str(o.pk), o.name) for o in organisations],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        seat_ids = {int(v) for v in data["seats"]}
        recipient_ids = {int(v) for v in data["recipients"]}
        try:
            call = services.open_call(
                body=body,
                seats=[r["seat"] for r in rows if r["seat"].pk in seat_ids],
                deadline=data["deadline"],
                recipients=[o for o in organisations if o.pk in recipient_ids],
                by=request.user,
                profile_wanted=data["profile_wanted"],
                areas=data["areas"],
            )
        except services.RefusedError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                ngettext(
                    "The call has been opened and sent to %(count)s organisation.",
                    "The call has been opened and sent to %(count)s organisations.",
                    len(recipient_ids),
                )
                % {"count": len(recipient_ids)},
            )
            return redirect("call_detail", pk=call.pk)
    widgets = {w.data["value"]: w for w in form["recipients"]}
    forums, user_orgs, loose = _recipient_groups(organisations)
    return render(
        request,
        "bodies/secretariat/call_form.html",
        {
            "form": form,
            "body": body,
            "trail": body_trail(body),
            "forums": [widgets[str(o.pk)] for o in forums],
            "user_orgs": [
                (
                    widgets[str(o.pk)],
                    [widgets[str(b.pk)] for b in branches],
                    any(widgets[str(b.pk)].data["selected"] for b in branches),
                )
                for o, branches in user_orgs
            ],
            "loose": [widgets[str(o.pk)] for o in loose],
        },
    )


def _appoint_choices(call: Call, today: date) -> tuple[list[tuple[int, str]], int | None]:
    """Every seat in use, the call's first (a held seat can be chosen for a successor who
    starts when the holder's term has ended), and the seat to suggest."""
    rows = seat_rows(call.body, today)
    call_seats = {s.pk for s in call.seats.all()}
    rows.sort(key=lambda r: r["seat"].pk not in call_seats)  # stable: keeps role order
    suggested = next(
        (r["seat"].pk for r in rows if r["term"] is None and r["seat"].pk in call_seats),
        next((r["seat"].pk for r in rows if r["term"] is None), None),
    )
    return [(r["seat"].pk, seat_choice_label(r)) for r in rows], suggested


def _call_page(
    request: HttpRequest, call: Call, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The call page; `bound` holds the forms (and warnings) of the nominee just posted."""
    body = call.body
    today = timezone.localdate()
    nominations = list(
        call.nominations.select_related("representative__user", "organisation").order_by(
            "created_at", "pk"
        )
    )
    pending = [n for n in nominations if n.status == Nomination.Status.NOMINATED]
    warnings = body_admin.nominee_warnings(body, pending)
    seat_choices, suggested = _appoint_choices(call, today)
    initial = {
        "seat": suggested,
        "starts_on": today,
        "ends_on": body_admin.add_years(today, body.term_years),
    }
    items = []
    for nomination in pending:
        mine = bound if bound and bound["pk"] == nomination.pk else {}
        found = mine.get("warnings", warnings.get(nomination.pk, []))
        items.append(
            {
                "nomination": nomination,
                "warnings": found,
                "appoint": mine.get("appoint")
                or AppointForm(
                    prefix=f"n{nomination.pk}",
                    initial=initial,
                    seat_choices=seat_choices,
                    needs_override=bool(found),
                ),
                "decline": mine.get("decline") or DeclineForm(prefix=f"d{nomination.pk}"),
            }
        )
    return render(
        request,
        "bodies/secretariat/call_detail.html",
        {
            "call": call,
            "body": body,
            "trail": body_trail(body),
            "seats": [
                seat_label(s)
                for s in call.seats.annotate(role_order=ROLE_ORDER).order_by("role_order", "rank")
            ],
            "recipients": list(call.recipients.all()),
            "areas": list(call.areas_wanted.all()),
            "items": items,
            "handled": [n for n in nominations if n.status != Nomination.Status.NOMINATED],
            "nomination_count": len(nominations),
        },
        status=status,
    )


@login_required
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = permissions.get_call_for_user(request.user, pk, manage=True)
    return _call_page(request, call)


@login_required
@require_POST
def call_close(request: HttpRequest, pk: int) -> HttpResponse:
    call = permissions.get_call_for_user(request.user, pk, manage=True)
    try:
        body_admin.close_call(call, by=request.user)
    except services.RefusedError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(
            request,
            _("The call is closed: no more nominations. Pending nominees can still be appointed."),
        )
    return redirect("call_detail", pk=pk)


def _pending_or_redirect(request: HttpRequest, nomination: Nomination) -> HttpResponse | None:
    if nomination.status == Nomination.Status.NOMINATED:
        return None
    messages.error(
        request,
        _("The nomination of %(person)s has already been handled (%(status)s).")
        % {"person": nomination.representative, "status": nomination.get_status_display()},
    )
    return redirect("call_detail", pk=nomination.call_id)


@login_required
@require_POST
@once_per_form
def nomination_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = permissions.get_nomination_for_user(request.user, pk, manage=True)
    if (done := _pending_or_redirect(request, nomination)) is not None:
        return done
    call = nomination.call
    today = timezone.localdate()
    warnings = body_admin.nominee_warnings(call.body, [nomination]).get(nomination.pk, [])
    seat_choices, _suggested = _appoint_choices(call, today)

    def bind(needs_override: bool) -> AppointForm:
        return AppointForm(
            request.POST,
            prefix=f"n{nomination.pk}",
            seat_choices=seat_choices,
            needs_override=needs_override,
        )

    form = bind(bool(warnings))
    if form.is_valid():
        data = form.cleaned_data
        seat = get_object_or_404(Seat, pk=data["seat"], body=call.body)
        try:
            term = services.appoint(
                nomination,
                seat=seat,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                by=request.user,
                override_reason=data.get("override_reason", ""),
            )
        except services.NeedsOverrideError as exc:
            # The chosen dates gave a warning the page had not shown (e.g. a longer term).
            warnings = exc.warnings
            form = bind(True)
            form.is_valid()
        except services.RefusedError as exc:
            holder = (
                Term.objects.filter(seat=seat, ended_on__isnull=True)
                .select_related("representative__user", "appointed_by")
                .first()
            )
            if holder is not None:
                form.add_error(
                    "seat",
                    _("%(refusal)s %(person)s was appointed to it by %(by)s.")
                    % {
                        "refusal": exc,
                        "person": holder.representative,
                        "by": holder.appointed_by.display_name,
                    },
                )
            else:
                form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(person)s has been appointed to %(seat)s from %(start)s to %(end)s.")
                % {
                    "person": term.representative,
                    "seat": seat_label(seat),
                    "start": term.starts_on.strftime("%d.%m.%Y"),
                    "end": term.ends_on.strftime("%d.%m.%Y"),
                },
            )
            return redirect("call_detail", pk=call.pk)
    return _call_page(request, call, {"pk": nomination.pk, "appoint": form, "warnings": warnings})


@login_required
@require_POST
def nomination_decline(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = permissions.get_nomination_for_user(request.user, pk, manage=True)
    if (done := _pending_or_redirect(request, nomination)) is not None:
        return done
    form = DeclineForm(request.POST, prefix=f"d{nomination.pk}")
    if form.is_valid():
        try:
            services.decline(nomination, reason=form.cleaned_data["reason"], by=request.user)
        except services.RefusedError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The nomination of %(person)s has been declined. %(org)s can see the reason.")
                % {"person": nomination.representative, "org": nomination.organisation},
            )
            return redirect("call_detail", pk=nomination.call_id)
    return _call_page(request, nomination.call, {"pk": nomination.pk, "decline": form})
