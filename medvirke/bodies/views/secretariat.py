"""The secretariat's pages for bodies: overview, create and edit, the body's working page with
seats, vacancies, calls and composition, opening calls, appointing or declining nominees,
ending terms, and the body's history."""

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirke.core.models import AuditEvent
from medvirke.organisations.models import ANCESTOR_DEPTH, Organisation, StaffRole
from medvirke.organisations.permissions import roles_in

from .. import body_admin, permissions, services
from ..composition import compose
from ..forms.secretariat import (
    AppointForm,
    BodyFilterForm,
    BodyForm,
    CallForm,
    DeclineForm,
    EndTermForm,
    OwnerChoiceForm,
)
from ..models import Body, Call, Nomination, Seat, Term

PAGE_SIZE = 50
EXPIRING_DAYS = 90
CALL_DAYS = 21
ROLES = [
    Seat.Role.LEADER,
    Seat.Role.DEPUTY_LEADER,
    Seat.Role.MEMBER,
    Seat.Role.DEPUTY,
    Seat.Role.OBSERVER,
]
ROLE_ORDER = Case(
    *[When(role=role, then=Value(i)) for i, role in enumerate(ROLES)], output_field=IntegerField()
)
RECIPIENT_KINDS = [
    Organisation.Kind.FORUM,
    Organisation.Kind.USER_ORG,
    Organisation.Kind.USER_ORG_BRANCH,
]


# --- helpers ---------------------------------------------------------------------------------


def _trail(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [
        {"label": label, "url": url}
        for label, url in [(_("Councils and groups"), reverse("body_list")), *items]
    ]


def _body_trail(body: Body) -> list[dict[str, str]]:
    return _trail((body.name, reverse("body_detail", args=[body.pk])))


def seat_label(seat: Seat) -> str:
    """ "Member 3", "Deputy 1"; a sole leader is just "Leader"."""
    if seat.role in (Seat.Role.LEADER, Seat.Role.DEPUTY_LEADER) and seat.rank == 1:
        return str(seat.get_role_display())
    return f"{seat.get_role_display()} {seat.rank}"


def _subtree(prefix: str, roots: list[int]) -> Q:
    """Rows whose organisation (at `prefix`) is one of `roots` or below one (one query)."""
    q = Q(**{f"{prefix}id__in": roots})
    path = prefix
    for _level in range(ANCESTOR_DEPTH):
        path += "parent__"
        q |= Q(**{f"{path}id__in": roots})
    return q


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """COUNT(*) of a correlated subquery, as an annotation."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _role_organisation_ids(user: Any) -> list[int]:
    return list(
        StaffRole.objects.for_user(user).values_list("organisation_id", flat=True).distinct()
    )


def _may_create_in(user: Any, organisation: Organisation) -> bool:
    # Same rule as permissions.can_manage, for a body not yet made: administrators and
    # secretariat staff of the organisation or above.
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or roles_in(user, organisation) & permissions.MANAGER_ROLES)


def _manager_organisations(user: Any) -> list[Organisation]:
    """Organisations where `user` may create bodies: where they are administrator or
    secretariat, and the units below."""
    if user.is_superuser:
        organisations = Organisation.objects.exclude(
            kind__in=[Organisation.Kind.USER_ORG, Organisation.Kind.USER_ORG_BRANCH]
        )
    else:
        roots = list(
            StaffRole.objects.for_user(user)
            .filter(role__in=permissions.MANAGER_ROLES)
            .values_list("organisation_id", flat=True)
        )
        if not roots:
            return []
        organisations = Organisation.objects.filter(_subtree("", roots))
    return list(organisations.active().select_related("parent").order_by("name"))


def _seat_rows(body: Body, today: date) -> list[dict[str, Any]]:
    """Each seat in use with its open term (if any), flags and open calls: three queries."""
    seats = list(
        body.seats.filter(retired_on__isnull=True)
        .annotate(role_order=ROLE_ORDER)
        .order_by("role_order", "rank")
        .prefetch_related(
            Prefetch(
                "calls", queryset=Call.objects.open().order_by("deadline"), to_attr="open_calls"
            )
        )
    )
    terms = {
        t.seat_id: t
        for t in Term.objects.filter(seat__in=seats, ended_on__isnull=True).select_related(
            "representative__user", "nominated_by"
        )
    }
    rows = []
    for seat in seats:
        term = terms.get(seat.pk)
        rows.append(
            {
                "seat": seat,
                "label": seat_label(seat),
                "term": term,
                "carried_over": bool(term and term.ends_on < today),
                "expiring": bool(
                    term and today <= term.ends_on <= today + timedelta(days=EXPIRING_DAYS)
                ),
                "starts_later": bool(term and term.starts_on > today),
                "open_calls": seat.open_calls,  # type: ignore[attr-defined]
            }
        )
    return rows


def _seat_choice_label(row: dict[str, Any]) -> str:
    term = row["term"]
    if term is None:
        return _("%(seat)s – vacant") % {"seat": row["label"]}
    return _("%(seat)s – held by %(person)s until %(date)s") % {
        "seat": row["label"],
        "person": term.representative,
        "date": term.ends_on.strftime("%d.%m.%Y"),
    }


# --- overview --------------------------------------------------------------------------------


@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    """The bodies a person can see, with filters: for staff, those of their organisations and
    everything below (an administrator's overview across the organisation)."""
    user = request.user
    today = timezone.localdate()
    org_ids = _role_organisation_ids(user)
    secretariat_of = Body.objects.filter(secretariat=user.pk).values("pk")
    mine = Q() if user.is_superuser else _subtree("owner__", org_ids) | Q(pk__in=secretariat_of)
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
            seat_total=_count(active_seats),
            seat_held=_count(held),
            expiring=_count(open_terms.filter(ends_on__lte=today + timedelta(days=EXPIRING_DAYS))),
            next_end=Subquery(open_terms.order_by("ends_on").values("ends_on")[:1]),
            open_calls=_count(
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
        bodies = bodies.filter(_subtree("owner__", [owner]))
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
def body_create(request: HttpRequest) -> HttpResponse:
    """A new body in the organisation `?eier=<pk>`; without it, choose the organisation."""
    user = request.user
    raw = request.GET.get("eier")
    if not raw:
        organisations = _manager_organisations(user)
        if not organisations:
            raise PermissionDenied
        if len(organisations) == 1:
            return redirect(f"{reverse('body_create')}?eier={organisations[0].pk}")
        return render(
            request,
            "bodies/secretariat/choose_owner.html",
            {
                "form": OwnerChoiceForm(organisations=organisations),
                "trail": _trail(),
                "title": _("New body"),
            },
        )
    try:
        owner = Organisation.objects.with_ancestors().get(pk=int(raw))
    except (ValueError, Organisation.DoesNotExist) as exc:
        raise Http404 from exc
    if not _may_create_in(user, owner):
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
            "trail": _trail(),
            "title": _("New body in %(org)s") % {"org": owner.name},
            "cancel_url": reverse("body_list"),
        },
    )


@login_required
def body_edit(request: HttpRequest, pk: int) -> HttpResponse:
    body = permissions.get_body_for_user(request.user, pk, manage=True)
    form = BodyForm(
        request.POST or None,
        instance=body,
        owner=body.owner,
        initial={"loaded": body_admin.fingerprint(body)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            kept = body_admin.update_body(
                form.instance,
                secretariat=form.cleaned_data["secretariat"],
                by=request.user,
                expected=form.cleaned_data.get("loaded", ""),
            )
        except body_admin.StaleEditError:
            form.add_error(
                None,
                _(
                    "Someone else saved changes to this body while you were editing. Your "
                    "changes are kept below: compare with the body's page and save again."
                ),
            )
            # The next save goes through against what is stored now.
            data = request.POST.copy()
            data["loaded"] = body_admin.fingerprint(
                Body.objects.prefetch_related("secretariat").get(pk=pk)
            )
            form.data = data
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
            "trail": _body_trail(body),
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
    context: dict[str, Any] = {
        "body": body,
        "manage": manage,
        "staff": staff,
        "trail": _trail(),
        "today": today,
        "expiring_days": EXPIRING_DAYS,
        "secretariat": sorted(body.secretariat.all(), key=lambda u: u.display_name),
    }
    rows = _seat_rows(body, today)
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
    return render(request, "bodies/secretariat/detail.html", context)


@login_required
@require_POST
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
            "trail": _body_trail(body),
        },
    )


@login_required
def body_history(request: HttpRequest, pk: int) -> HttpResponse:
    body = permissions.get_body_for_user(request.user, pk, manage=True)
    events = AuditEvent.objects.for_object(body).newest_first()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("side"))
    return render(
        request,
        "bodies/secretariat/history.html",
        {
            "object": body,
            "page": page,
            "trail": _body_trail(body),
            "back_url": reverse("body_detail", args=[pk]),
        },
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
        node: Organisation | None = org
        for _level in range(ANCESTOR_DEPTH):
            node = by_pk.get(node.parent_id) if node and node.parent_id else None
            if node is None or node.kind != Organisation.Kind.USER_ORG_BRANCH:
                break
        if node is not None and node.pk in tops:
            tops[node.pk][1].append(org)
        else:
            loose.append(org)
    return forums, list(tops.values()), loose


@login_required
def call_create(request: HttpRequest, pk: int) -> HttpResponse:
    body = permissions.get_body_for_user(request.user, pk, manage=True)
    today = timezone.localdate()
    rows = [
        r
        for r in _seat_rows(body, today)
        if r["term"] is None or r["carried_over"] or r["expiring"]
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
        seat_choices=[(str(r["seat"].pk), _seat_choice_label(r)) for r in rows],
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
                _("The call has been opened and sent to %(count)s organisations.")
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
            "trail": _body_trail(body),
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
    rows = _seat_rows(call.body, today)
    call_seats = {s.pk for s in call.seats.all()}
    rows.sort(key=lambda r: r["seat"].pk not in call_seats)  # stable: keeps role order
    suggested = next(
        (r["seat"].pk for r in rows if r["term"] is None and r["seat"].pk in call_seats),
        next((r["seat"].pk for r in rows if r["term"] is None), None),
    )
    return [(r["seat"].pk, _seat_choice_label(r)) for r in rows], suggested


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
            "trail": _body_trail(body),
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
