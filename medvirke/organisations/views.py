from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from medvirke.core.errors import RefusedError
from medvirke.core.locking import carry_version
from medvirke.core.models import AuditEvent
from medvirke.core.once import once_per_form

from . import permissions, services
from .forms import (
    CHILD_KINDS,
    TOP_LEVEL_KINDS,
    AcceptInvitationForm,
    InvitationForm,
    OrganisationForm,
)
from .models import Invitation, Organisation, StaffRole

PAGE_SIZE = 50
K = Organisation.Kind
# The tree page's tabs: each lists the roots of one part of the sector, with their children.
GROUPS: dict[str, tuple[Any, list[str]]] = {
    "helse": (gettext_lazy("Specialist health service"), [K.RHF]),
    "kommuner": (gettext_lazy("Municipalities"), [K.MUNICIPALITY]),
    "nav": (gettext_lazy("NAV offices"), [K.NAV_OFFICE]),
    "organisasjoner": (gettext_lazy("User organisations"), [K.USER_ORG]),
    "fora": (gettext_lazy("Forums"), [K.FORUM]),
}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    roles = (
        StaffRole.objects.for_user(request.user)
        .select_related("organisation", "organisation__parent")
        .order_by("organisation__name", "role")
    )
    by_org: dict[int, dict[str, Any]] = {}
    for role in roles:
        entry = by_org.setdefault(
            role.organisation_id, {"organisation": role.organisation, "roles": []}
        )
        entry["roles"].append(role.get_role_display())
    return render(request, "organisations/dashboard.html", {"memberships": list(by_org.values())})


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_organisations(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    group = request.GET.get("gruppe", "helse")
    if group not in GROUPS:
        group = "helse"
    page_number = request.GET.get("side", "1")
    context: dict[str, Any] = {
        "query": query,
        "group": group,
        "groups": [(key, label) for key, (label, _kinds) in GROUPS.items()],
        "can_create": permissions.can_create_top_level(request.user),
    }
    if query:
        context |= _search_listing(query, page_number)
        context["listing"] = "organisations/_search_list.html"
    else:
        context |= _tree_listing(group, page_number)
        context["listing"] = "organisations/_tree_list.html"
    return render(request, "organisations/tree.html", context)


def _tree_listing(group: str, page_number: str) -> dict[str, Any]:
    """One page of the group's top organisations with their units (counted, not listed below):
    the page's tops, then the tops and their units in one query ordered by path, which puts
    each unit right after its top."""
    tops = Organisation.objects.of_kinds(GROUPS[group][1]).order_by("name", "pk")
    page = Paginator(tops.values_list("pk", flat=True), PAGE_SIZE).get_page(page_number)
    ids = list(page.object_list)
    rows = (
        Organisation.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids))
        .with_child_count()
        .order_by("path")
    )
    by_pk: dict[int, Organisation] = {}
    for org in rows:
        org.units = []  # type: ignore[attr-defined]
        by_pk[org.pk] = org
        if org.pk not in ids and org.parent_id in by_pk:
            by_pk[org.parent_id].units.append(org)  # type: ignore[attr-defined]
    for org in by_pk.values():
        org.units.sort(key=lambda unit: (unit.name, unit.pk))  # type: ignore[attr-defined]
    return {"page": page, "tops": [by_pk[pk] for pk in ids if pk in by_pk]}


def _search_listing(query: str, page_number: str) -> dict[str, Any]:
    """Search results as plain dicts with their labels ready (a page of rows, one query)."""
    kinds = {value: str(label) for value, label in Organisation.Kind.choices}
    ended = str(_("ended"))
    matches = (
        Organisation.objects.search(query)
        .order_by("name", "pk")
        .values_list("pk", "name", "kind", "ended_on", "parent__name")
    )
    page = Paginator(matches, PAGE_SIZE).get_page(page_number)
    rows = [
        {
            "url": reverse("organisation_detail", args=[pk]),
            "name": name,
            "meta": ", ".join(
                part
                for part in (kinds.get(kind, kind), parent_name or "", ended if ended_on else "")
                if part
            ),
        }
        for pk, name, kind, ended_on, parent_name in page.object_list
    ]
    return {"page": page, "rows": rows}


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    organisation = permissions.get_organisation_for_user(user, pk)
    may = {
        action: permissions.can(user, action, organisation) for action in permissions.ACTION_ROLES
    }
    context: dict[str, Any] = {
        "organisation": organisation,
        "ancestors": organisation.ancestors(),
        "my_roles": [
            str(StaffRole.Role(r).label) for r in sorted(permissions.roles_in(user, organisation))
        ],
        "units": organisation.children.order_by("name").with_child_count(),
        "may": may,
    }
    if may["view_staff"]:
        context["staff"] = organisation.staff_roles.listing()
    if may["invite"]:
        context["invitations"] = (
            Invitation.objects.pending()
            .filter(organisation=organisation)
            .select_related("invited_by")
        )
    return render(request, "organisations/detail.html", context)


@login_required
@once_per_form
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = permissions.get_organisation_for_user(request.user, pk, "edit")
    parent = organisation.parent
    kinds = CHILD_KINDS.get(parent.kind, []) if parent else TOP_LEVEL_KINDS
    form = OrganisationForm(
        request.POST or None, instance=organisation, allowed_kinds=[*kinds, organisation.kind]
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(
                form.instance, by=request.user, expected_version=form.expected_version
            )
        except services.StaleEditError as exc:
            form.add_error(
                None,
                _(
                    "Someone else saved changes to this organisation while you "
                    "were editing. Your changes are kept below: compare with the "
                    "organisation page and save again."
                ),
            )
            # Let the next save go through against the version now stored.
            carry_version(form, exc.version)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("organisation_detail", pk=organisation.pk)
    return render(
        request,
        "organisations/form.html",
        {
            "form": form,
            "organisation": organisation,
            "ancestors": organisation.ancestors(),
            "title": _("Edit %(name)s") % {"name": organisation.name},
        },
    )


@login_required
@once_per_form
def create(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new unit below `pk`, or (platform operators only) a new top-level organisation."""
    parent = None
    kinds: list[str]
    if pk is not None:
        parent = permissions.get_organisation_for_user(request.user, pk, "add_unit")
        kinds = CHILD_KINDS.get(parent.kind, [])
        if not kinds:
            raise PermissionDenied
    else:
        if not permissions.can_create_top_level(request.user):
            raise PermissionDenied
        kinds = TOP_LEVEL_KINDS
    form = OrganisationForm(
        request.POST or None, instance=Organisation(parent=parent), allowed_kinds=kinds
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_organisation(form.instance, by=request.user)
        except RefusedError as exc:  # too deep in the tree: said at the top, input kept
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("%(name)s has been created.") % {"name": form.instance.name}
            )
            return redirect("organisation_detail", pk=form.instance.pk)
    ancestors = [*parent.ancestors(), parent] if parent else []
    return render(
        request,
        "organisations/form.html",
        {
            "form": form,
            "organisation": parent,
            "ancestors": ancestors,
            "title": _("New unit in %(name)s") % {"name": parent.name}
            if parent
            else _("New organisation"),
        },
    )


@login_required
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = permissions.get_organisation_for_user(request.user, pk, "end")
    if request.POST.get("reactivate"):
        services.reactivate_organisation(organisation, by=request.user)
        messages.success(request, _("%(name)s is active again.") % {"name": organisation.name})
    else:
        services.end_organisation(organisation, by=request.user)
        messages.success(
            request, _("%(name)s has been marked as ended.") % {"name": organisation.name}
        )
    return redirect("organisation_detail", pk=pk)


@login_required
@once_per_form
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = permissions.get_organisation_for_user(request.user, pk, "invite")
    form = InvitationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invite(
                email=data["email"],
                organisation=organisation,
                role=data["role"],
                by=request.user,
                full_name=data["full_name"],
                message=data["message"],
            )
        except IntegrityError:
            # Another administrator invited the same person a moment ago.
            form.add_error(
                "email",
                _(
                    "This person has already been invited to this role. "
                    "The invitation is waiting to be accepted."
                ),
            )
        else:
            messages.success(
                request, _("An invitation has been sent to %(email)s.") % {"email": data["email"]}
            )
            return redirect("organisation_detail", pk=pk)
    return render(
        request,
        "organisations/invite.html",
        {
            "form": form,
            "organisation": organisation,
            "ancestors": [*organisation.ancestors(), organisation],
        },
    )


@login_required
@require_POST
def withdraw_invitation(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    organisation = permissions.get_organisation_for_user(request.user, pk, "invite")
    invitation = permissions.get_invitation_for_user(request.user, invitation_pk, organisation)
    services.withdraw_invitation(invitation, by=request.user)
    messages.success(
        request, _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email}
    )
    return redirect("organisation_detail", pk=pk)


@login_required
def revoke_role(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    organisation = permissions.get_organisation_for_user(request.user, pk, "revoke_role")
    role = permissions.get_role_for_user(request.user, role_pk, organisation)
    if request.method == "POST":
        services.revoke_role(role, by=request.user)
        messages.success(
            request,
            _("%(person)s no longer has the role %(role)s.")
            % {"person": role.user, "role": role.get_role_display()},
        )
        return redirect("organisation_detail", pk=pk)
    return render(
        request,
        "organisations/revoke_role.html",
        {
            "organisation": organisation,
            "role": role,
            "ancestors": [*organisation.ancestors(), organisation],
        },
    )


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = permissions.get_organisation_for_user(request.user, pk, "view_history")
    events = AuditEvent.objects.for_object(organisation).newest_first()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("side"))
    return render(
        request,
        "organisations/history.html",
        {
            "object": organisation,
            "page": page,
            "ancestors": [*organisation.ancestors(), organisation],
            "back_url": reverse("organisation_detail", args=[pk]),
        },
    )


@once_per_form
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation e-mail: set a password (new person) or accept (logged in)."""
    try:
        invitation = services.check_invitation(token)
    except services.InvitationError as error:
        return render(
            request, "organisations/invitation_invalid.html", {"error": str(error)}, status=410
        )
    user = request.user if request.user.is_authenticated else None
    # A password-less account (registered by a coordinator) still sets its password here.
    existing = user is None and any(
        u.has_usable_password()
        for u in services.User.objects.filter(email__iexact=invitation.email)
    )
    form = AcceptInvitationForm(
        request.POST if user is None and request.method == "POST" else None,
        email=invitation.email,
        initial={"full_name": invitation.full_name},
    )
    problem = ""
    if request.method == "POST" and (user is not None or (not existing and form.is_valid())):
        fields = form.cleaned_data if user is None else {}
        try:
            accepted = services.accept_invitation(
                token,
                user=user,
                full_name=fields.get("full_name", ""),
                password=fields.get("password1", ""),
            )
        except services.InvitationError as exc:
            problem = str(exc)
        else:
            if user is None:
                login(request, accepted, backend="django.contrib.auth.backends.ModelBackend")
            if not invitation.role:
                # An invitation without a role only opens the account: the organisation's
                # request to join is still the person's to answer (representatives' page).
                messages.success(
                    request,
                    _(
                        "Welcome! Your account is ready. %(org)s has asked you to join as a "
                        "user representative: answer yes or no below."
                    )
                    % {"org": invitation.organisation.name},
                )
                return redirect("join_requests")
            messages.success(
                request,
                _("Welcome! You now have the role %(role)s in %(org)s.")
                % {"role": invitation.get_role_label(), "org": invitation.organisation.name},
            )
            return redirect("dashboard")
    return render(
        request,
        "organisations/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "existing": existing,
            "error": problem,
            "user_mismatch": user is not None and user.email.lower() != invitation.email.lower(),
        },
    )


@login_required
@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    """The header's organisation switcher: remembers the chosen organisation for this session."""
    try:
        pk = int(request.POST.get("organisation", ""))
    except ValueError:
        pk = 0
    if StaffRole.objects.for_user(request.user).filter(organisation_id=pk).exists():
        request.session["current_organisation"] = pk
        return redirect("organisation_detail", pk=pk)
    messages.error(request, _("You have no role in that organisation."))
    return redirect("dashboard")
