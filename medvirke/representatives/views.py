"""The representatives' pages: the coordinator's list, registration and approval, the profile
page (every read of health data by someone else is in the access log), the person's own
self-service pages, and the administrators' list of experience areas."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from medvirke.core.once import once_per_form
from medvirke.organisations.models import Organisation

from . import permissions, services, services_joining
from .forms import (
    EmploymentForm,
    EndEmploymentForm,
    EngagementForm,
    ExperienceAreaForm,
    ExperienceForm,
    Level,
    ProfileForm,
    RegisterCandidateForm,
    RepresentativeFilterForm,
    already_affiliated_message,
)
from .models import (
    Affiliation,
    EmploymentDeclaration,
    ExperienceArea,
    ExternalEngagement,
    Representative,
)

PAGE_SIZE = 50
LIST_TITLE = gettext_lazy("Our user representatives")
ME_TITLE = gettext_lazy("My representative profile")
AREAS_TITLE = gettext_lazy("Experience areas")


def _trail(*items: tuple[Any, str]) -> list[dict[str, Any]]:
    return [{"label": label, "url": url} for label, url in items]


def _list_trail() -> list[dict[str, Any]]:
    return _trail((LIST_TITLE, reverse("representative_list")))


def _me_trail() -> list[dict[str, Any]]:
    return _trail((ME_TITLE, reverse("my_representative")))


# --- The coordinator's pages ----------------------------------------------------------------


@login_required
def representative_list(request: HttpRequest) -> HttpResponse:
    """Våre brukerrepresentanter: people affiliated with the organisations the user coordinates."""
    org_ids = permissions.get_coordinator_scope_for_user(request.user)
    context, shown = _list_context(request, org_ids)
    # Every showing of health data is logged, in the request that shows it.
    permissions.log_list_access_rows(request, shown)
    return render(request, "representatives/list.html", context)


def _list_context(
    request: HttpRequest, org_ids: list[int]
) -> tuple[dict[str, Any], list[tuple[int, str]]]:
    """The list page's context, and the (representative, areas) rows it shows health data of."""
    organisations = Organisation.objects.filter(pk__in=org_ids).order_by("name")
    form = RepresentativeFilterForm(request.GET, organisations=organisations)
    form.is_valid()  # invalid filters are ignored, valid ones still apply
    data = form.cleaned_data
    scope = [data["organisation"].pk] if data.get("organisation") else org_ids
    affiliations = Affiliation.objects.filter(organisation_id__in=scope)
    if data.get("status"):
        affiliations = affiliations.filter(status=data["status"])
    representatives = (
        Representative.objects.active()
        .filter(pk__in=affiliations.values("representative_id"))
        .search(data.get("q", ""))
        .select_related("user", "municipality")
        .prefetch_related(
            Prefetch(
                "affiliations",
                queryset=Affiliation.objects.filter(organisation_id__in=org_ids)
                .select_related("organisation")
                .order_by("organisation__name"),
                to_attr="my_affiliations",
            ),
            "experience_areas",
        )
        .order_by("user__full_name", "pk")
    )
    if data.get("area"):
        # Filtering by area reads health data: only among the people whose health data the
        # viewer may see, or the filter would tell who has an area the row does not show.
        representatives = representatives.filter(
            experience_areas=data["area"],
            pk__in=Representative.objects.health_visible_to(request.user).values("pk"),
        )
    if data.get("municipality"):
        representatives = representatives.filter(municipality_id=data["municipality"])
    page = Paginator(representatives, PAGE_SIZE).get_page(request.GET.get("side"))
    visible = permissions.health_visible_ids(request.user, [r.pk for r in page.object_list])
    for rep in page.object_list:
        rep.health_visible = rep.pk in visible  # type: ignore[attr-defined]
    shown = permissions.health_data_rows(page.object_list, visible)
    filters: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k != "side" and v}
    context = {
        "form": form,
        "page": page,
        "filtered": bool(filters),
        "extra": urlencode(filters),
        "title": LIST_TITLE,
        "next": request.get_full_path(),
        **_join_request_context(scope, data.get("q", "")),
    }
    return context, shown


JOIN_REQUESTS_SHOWN = 50


def _join_request_context(scope: list[int], text: str) -> dict[str, Any]:
    """The requests to join the organisation has sent and not had accepted: only what it
    typed, who asked, when, and the answer (accepted ones are people in the list above)."""
    requests = permissions.join_requests_for_coordinator(scope)
    text = text.strip()
    if text:
        requests = requests.filter(Q(full_name__icontains=text) | Q(email__icontains=text))
    requests = requests.order_by("-created_at", "-pk")
    shown = list(requests[: JOIN_REQUESTS_SHOWN + 1])
    return {
        "join_requests": shown[:JOIN_REQUESTS_SHOWN],
        "more_join_requests": len(shown) > JOIN_REQUESTS_SHOWN,
    }


@login_required
@once_per_form
def register(request: HttpRequest) -> HttpResponse:
    """A coordinator asks a person to join as a user representative. The answer is the same
    whether or not the address has an account (services_joining.request_to_join): the person
    is asked and decides, and until then the organisation sees only what it typed."""
    org_ids = permissions.get_coordinator_scope_for_user(request.user)
    organisations = Organisation.objects.filter(pk__in=org_ids).order_by("name")
    form = RegisterCandidateForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            join_request, created = services_joining.request_to_join(
                email=data["email"],
                full_name=data["full_name"],
                organisation=data["organisation"],
                by=request.user,
            )
        except services_joining.AlreadyAffiliated:
            form.add_error("email", already_affiliated_message(data["organisation"]))
        except IntegrityError:
            # Another coordinator registered the same new address at the same moment.
            form.add_error(
                "email", _("Someone registered this address at the same moment. Try again.")
            )
        else:
            names = {"email": join_request.email}
            if created:
                text = _(
                    "We have sent an e-mail to %(email)s. The person is shown as approved "
                    "once they have accepted."
                )
            else:
                text = _("A request to %(email)s is already waiting for an answer.")
            messages.success(request, text % names)
            return redirect("representative_list")
    title = _("Register a user representative")
    return render(
        request,
        "representatives/register.html",
        {"form": form, "title": title, "trail": _list_trail()},
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole profile, health data included; reads by others are in the access log."""
    representative, health = permissions.get_representative_for_user(
        request, pk, purpose="representative profile"
    )
    own = representative.user_id == request.user.pk
    affiliations = permissions.affiliations_for_user(request.user, representative)
    return render(
        request,
        "representatives/detail.html",
        {
            "rep": representative,
            "health": health,
            "own": own,
            "affiliations": affiliations,
            "trail": [] if own else _list_trail(),
            **_profile_context(representative, health),
        },
    )


def _profile_context(representative: Representative, health: bool = True) -> dict[str, Any]:
    languages = dict(Representative.Language.choices)
    levels = dict(Level.CHOICES)
    today = timezone.localdate()
    employments = list(representative.employments.select_related("employer"))
    for employment in employments:
        employment.current = employment.is_current(today)  # type: ignore[attr-defined]
    return {
        "languages": [languages[code] for code in representative.languages if code in languages],
        "levels": [levels[code] for code in representative.wished_levels if code in levels],
        "wished_areas": list(representative.wished_areas.all()),
        # Health data: not even read for a viewer the rule does not allow.
        "experience_areas": list(representative.experience_areas.all()) if health else [],
        "employments": employments,
        "engagements": list(representative.external_engagements.all()),
    }


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve, reject or end an affiliation: only coordinators of that organisation."""
    affiliation = permissions.get_affiliation_for_user(request.user, pk)
    decision = request.POST.get("decision")
    names = {"name": affiliation.representative, "org": affiliation.organisation.name}
    try:
        if decision in ("approve", "reject"):
            services_joining.decide_affiliation(
                affiliation, approve=decision == "approve", by=request.user
            )
            if decision == "approve":
                messages.success(request, _("%(name)s is approved for %(org)s.") % names)
            else:
                messages.success(request, _("%(name)s is not approved for %(org)s.") % names)
        elif decision == "end":
            services_joining.end_affiliation(affiliation, by=request.user)
            messages.success(request, _("%(name)s is no longer registered with %(org)s.") % names)
    except services_joining.RefusedError as exc:
        messages.error(request, str(exc))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect("representative_detail", pk=affiliation.representative_id)


# --- The person's own pages -----------------------------------------------------------------


def own_representative(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Pass the logged-in person's own Representative, or send them to the start page with a
    friendly word if they are not registered as one."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        representative = permissions.get_own_representative(request.user)
        if representative is None:
            if permissions.join_requests_for_person(request.user).open().exists():
                # Asked to join but not answered yet: the answer is what makes the profile.
                return redirect("join_requests")
            messages.info(
                request,
                _(
                    "You are not registered as a user representative. A coordinator in your "
                    "user organisation can register you."
                ),
            )
            return redirect("dashboard")
        return view(request, representative, *args, **kwargs)

    return wrapper


@own_representative
def me(request: HttpRequest, rep: Representative) -> HttpResponse:
    affiliations = rep.affiliations.select_related("organisation").order_by("organisation__name")
    return render(
        request,
        "representatives/me.html",
        {
            "rep": rep,
            "affiliations": affiliations,
            "health": True,  # one's own
            "open_join_requests": permissions.join_requests_for_person(request.user).open().count(),
            "title": ME_TITLE,
            **_profile_context(rep),
        },
    )


@own_representative
@once_per_form
def edit_profile(request: HttpRequest, rep: Representative) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=rep)
    if request.method == "POST" and form.is_valid():
        services.update_profile(
            form.instance, wished_areas=list(form.cleaned_data["wished_areas"]), by=request.user
        )
        messages.success(request, _("Your profile has been saved."))
        return redirect("my_representative")
    return _form_page(request, form, _("Edit my profile"), _me_trail())


@own_representative
def health_consent(request: HttpRequest, rep: Representative) -> HttpResponse:
    """Consent to store health data (GDPR art. 9), given and withdrawn on this page."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "give":
            services.give_health_consent(rep, by=request.user)
            messages.success(request, _("Thank you. You can now register your experience areas."))
            return redirect("my_experience")
        if action == "withdraw":
            services.withdraw_health_consent(rep, by=request.user)
            messages.success(
                request,
                _(
                    "Your consent is withdrawn and your experience areas and description "
                    "are erased."
                ),
            )
            return redirect("my_representative")
    return render(
        request,
        "representatives/consent.html",
        {"rep": rep, "title": _("Consent to store health data"), "trail": _me_trail()},
    )


@own_representative
def edit_experience(request: HttpRequest, rep: Representative) -> HttpResponse:
    """Experience areas and description: health data, saved only with consent."""
    form = ExperienceForm(request.POST or None, instance=rep)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_profile(
                form.instance,
                areas=list(form.cleaned_data["experience_areas"]),
                by=request.user,
            )
        except services.ConsentRequired:
            form.add_error(
                None,
                _(
                    "Nothing was saved: you have not given consent to store health data. "
                    "Give consent first; what you wrote is kept below."
                ),
            )
        else:
            messages.success(request, _("Your experience has been saved."))
            return redirect("my_representative")
    return render(
        request,
        "representatives/experience.html",
        {
            "rep": rep,
            "form": form,
            "show_form": rep.has_health_consent or request.method == "POST",
            "title": _("My experience"),
            "trail": _me_trail(),
        },
    )


@own_representative
@once_per_form
def add_employment(request: HttpRequest, rep: Representative) -> HttpResponse:
    form = EmploymentForm(request.POST or None, instance=EmploymentDeclaration(representative=rep))
    if request.method == "POST" and form.is_valid():
        services.save_employment(form.instance, by=request.user)
        messages.success(request, _("The employment has been added."))
        return redirect("my_representative")
    return _form_page(
        request,
        form,
        _("Declare an employment"),
        _me_trail(),
        intro=_(
            "Declare jobs in health and welfare services in particular: staff should not be "
            "user representatives at system level where they work."
        ),
    )


@own_representative
@once_per_form
def edit_employment(request: HttpRequest, rep: Representative, pk: int) -> HttpResponse:
    """Correct a declaration (employer, position, dates); the history keeps the old values."""
    declaration = permissions.get_employment_for_user(request.user, pk)
    # The form writes what was typed into the instance: name the title after the stored value.
    title = _("Edit the employment at %(employer)s") % {"employer": declaration.employer_name}
    form = EmploymentForm(request.POST or None, instance=declaration)
    if request.method == "POST" and form.is_valid():
        services.save_employment(form.instance, by=request.user)
        messages.success(request, _("The employment has been saved."))
        return redirect("my_representative")
    return _form_page(request, form, title, _me_trail())


@own_representative
@once_per_form
def end_employment(request: HttpRequest, rep: Representative, pk: int) -> HttpResponse:
    declaration = permissions.get_employment_for_user(request.user, pk)
    form = EndEmploymentForm(
        request.POST or None,
        declaration=declaration,
        initial={"ends_on": declaration.ends_on or timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        services.end_employment(declaration, ends_on=form.cleaned_data["ends_on"], by=request.user)
        messages.success(request, _("The employment has been marked as ended."))
        return redirect("my_representative")
    return _form_page(
        request,
        form,
        _("End the employment at %(employer)s") % {"employer": declaration.employer_name},
        _me_trail(),
    )


@own_representative
def delete_employment(request: HttpRequest, rep: Representative, pk: int) -> HttpResponse:
    declaration = permissions.get_employment_for_user(request.user, pk)
    if request.method == "POST":
        services.delete_employment(declaration, by=request.user)
        messages.success(request, _("The employment has been deleted."))
        return redirect("my_representative")
    return _confirm_delete(request, str(declaration))


@own_representative
@once_per_form
def edit_engagement(
    request: HttpRequest, rep: Representative, pk: int | None = None
) -> HttpResponse:
    engagement = (
        permissions.get_engagement_for_user(request.user, pk)
        if pk is not None
        else ExternalEngagement(representative=rep)
    )
    form = EngagementForm(request.POST or None, instance=engagement)
    if request.method == "POST" and form.is_valid():
        services.save_engagement(form.instance, by=request.user)
        messages.success(request, _("The engagement has been saved."))
        return redirect("my_representative")
    title = _("Edit engagement") if pk is not None else _("Add another engagement")
    return _form_page(request, form, title, _me_trail())


@own_representative
def delete_engagement(request: HttpRequest, rep: Representative, pk: int) -> HttpResponse:
    engagement = permissions.get_engagement_for_user(request.user, pk)
    if request.method == "POST":
        services.delete_engagement(engagement, by=request.user)
        messages.success(request, _("The engagement has been deleted."))
        return redirect("my_representative")
    return _confirm_delete(request, str(engagement))


def _form_page(
    request: HttpRequest, form: Any, title: str, trail: list[dict[str, Any]], intro: str = ""
) -> HttpResponse:
    return render(
        request,
        "representatives/form.html",
        {
            "form": form,
            "title": title,
            "trail": trail,
            "intro": intro,
            "cancel_url": trail[-1]["url"],
        },
    )


def _confirm_delete(request: HttpRequest, what: str) -> HttpResponse:
    return render(
        request,
        "representatives/confirm_delete.html",
        {"what": what, "title": _("Delete %(what)s") % {"what": what}, "trail": _me_trail()},
    )


# --- Experience areas (administrators) ------------------------------------------------------


@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_edit_experience_areas(request.user):
        raise PermissionDenied
    return render(
        request,
        "representatives/area_list.html",
        {"areas": ExperienceArea.objects.all(), "title": AREAS_TITLE},
    )


@login_required
@once_per_form
def area_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    area = permissions.get_experience_area_for_user(request.user, pk)
    form = ExperienceAreaForm(request.POST or None, instance=area)
    if request.method == "POST" and form.is_valid():
        services.save_experience_area(form.instance, by=request.user)
        messages.success(request, _("%(name)s has been saved.") % {"name": form.instance.name_nb})
        return redirect("experience_area_list")
    title = (
        _("Edit %(name)s") % {"name": area.name_nb} if pk is not None else _("New experience area")
    )
    return _form_page(
        request,
        form,
        title,
        _trail((AREAS_TITLE, reverse("experience_area_list"))),
    )
