"""Who may see a representative and their health data, and who may do what on the
representatives' pages. Views fetch through these helpers and hold no permission logic.

Health data (experience areas and description) follows ONE rule, `health_access`, used for a
single profile (`can_see_health_data`) and for lists (`health_visible_ids`) through the same
query (`Representative.objects.health_visible_to`): the person themself; anyone else only with
the person's consent and a job that reaches them — coordinator of an organisation where the
person's affiliation is approved, or the secretariat handling their nomination or term (a rule
registered by the bodies app). Nobody gets it by typing an e-mail address: registering a person
makes a request to join that the person answers (JoinRequest). Every view of health data by
someone else is written to the access log by `get_representative_for_user` (a profile) or
`log_list_access_rows` (one entry per showing of a list, holding every row it showed with
health data).

- Coordinators list, ask people to join, approve, reject and end their organisations'
  affiliations.
- The person answers requests to join, ends their own affiliations, and keeps their own
  profile, employments and other engagements.
- Administrators (in any organisation) and platform operators edit the experience-area list.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from medvirke.core.history import log_access
from medvirke.core.models import AccessLogEntry
from medvirke.organisations.models import Organisation, StaffRole

from .models import (
    Affiliation,
    EmploymentDeclaration,
    ExperienceArea,
    ExternalEngagement,
    JoinRequest,
    Representative,
)

Role = StaffRole.Role


def coordinator_organisation_ids(user: Any) -> list[int]:
    """Organisations (and everything below them) where `user` is a coordinator. Read once per
    request (kept on the user object, as organisations.permissions.roles_in does): a list page
    asks for it for its scope, its area filter and its health-data rule."""
    if not user.is_authenticated:
        return []
    cached = user.__dict__.get("_medvirke_coordinator_orgs")
    if cached is not None:
        return list(cached)
    ids = _coordinator_organisation_ids(user)
    user.__dict__["_medvirke_coordinator_orgs"] = tuple(ids)
    return ids


def _coordinator_organisation_ids(user: Any) -> list[int]:
    roots = list(
        StaffRole.objects.for_user(user)
        .filter(role=Role.COORDINATOR)
        .values_list("organisation__path", flat=True)
    )
    if not roots:
        return []
    # The organisations where they coordinate and every branch below (one query on the path).
    return list(Organisation.objects.below(*roots).values_list("pk", flat=True))


# --- THE health-data rule ----------------------------------------------------------------------
# Everything that decides who sees a person's health data is in this section: the hook for
# apps above (EXTRA_HEALTH_ACCESS), the coordinators' half (health_shared_with_q), the rule
# (health_access), and its two forms, for one person (can_see_health_data) and for a list
# (health_visible_ids). Representative.objects.health_visible_to applies health_access; the
# reads shown are logged by get_representative_for_user and log_list_access_rows below.

# The hook: rules contributed by apps above this one (bodies adds "the secretariat handling the
# person's nomination or term", bodies.permissions.handling_secretariat_scope), registered from
# their AppConfig.ready(), so imports keep pointing down. Each gives, for a viewer, the
# representatives its job reaches as a filter on Representative (a Q, ideally `pk__in` a
# subquery, so lists need no DISTINCT), or None if the viewer has no such job at all. A filter,
# not a per-person check: lists ask for a whole page at once, and single and batch answers come
# from the same query. health_access adds the person's consent to each.
EXTRA_HEALTH_ACCESS: list[Callable[[Any], Q | None]] = []


def health_shared_with_q(organisation_ids: list[int]) -> Q:
    """The coordinators' half of the health-data rule, as a filter on Representative: the
    person has consented and their affiliation with one of these organisations is approved
    (not pending, rejected or ended). Also what the counts per experience area count
    (Representative.objects.health_shared_with)."""
    return Q(
        health_consent_at__isnull=False,
        pk__in=Affiliation.objects.filter(
            organisation_id__in=organisation_ids, status=Affiliation.Status.APPROVED
        ).values("representative_id"),
    )


def health_access(user: Any) -> Q | None:
    """THE rule for health data (experience areas and description), as a filter on
    Representative; None if `user` may see nobody's.

    The person themself; anyone else only if the person has consented AND either the viewer
    coordinates an organisation (or a branch above) where the person's affiliation is
    approved, or a rule from an app above grants it (bodies: the secretariat handling their
    nomination or term). Pending, rejected and ended affiliations and open requests to join
    give nothing. Being a platform operator (superuser) gives nothing: access follows the
    job, not the technical role."""
    if not user.is_authenticated:
        return None
    own = Q(user_id=user.pk)
    if not user.is_active:
        return own  # no job reaches anyone through a closed account
    jobs = Q(pk__in=[])
    organisation_ids = coordinator_organisation_ids(user)
    if organisation_ids:
        jobs |= health_shared_with_q(organisation_ids)
    extra = [scope for rule in EXTRA_HEALTH_ACCESS if (scope := rule(user)) is not None]
    for scope in extra:
        jobs |= Q(health_consent_at__isnull=False) & scope
    return own | jobs


def can_see_health_data(user: Any, representative: Representative) -> bool:
    """Whether `user` may see this person's health data (experience areas and description).

    Yes for the person themself. Anyone else only if the person has consented AND the viewer's
    job reaches them: coordinator of an organisation (or a branch above) where the person's
    affiliation is approved, or a job registered in EXTRA_HEALTH_ACCESS (the secretariat
    handling their nomination or term). Never by being a platform operator, never through a
    pending, rejected or ended affiliation or an unanswered request to join. This is
    `health_access` for one person, through the same query as the lists."""
    if not user.is_authenticated:
        return False
    if representative.user_id == user.pk:
        return True  # the rule's first clause, without a query
    return Representative.objects.health_visible_to(user).filter(pk=representative.pk).exists()


def health_visible_ids(user: Any, representative_ids: Iterable[int]) -> set[int]:
    """Of these representatives, those whose health data `user` may see (one query): the
    batch form of `can_see_health_data`, for lists and searches."""
    ids = list(representative_ids)
    if not ids:
        return set()
    return set(
        Representative.objects.health_visible_to(user)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )


def profile_access(user: Any) -> Q | None:
    """Who may open a person's profile page (without health data unless the rule above also
    allows it): the person; coordinators of an organisation where the person is approved or
    has asked to join (pending: the coordinator must judge them); the jobs registered by apps
    above. An open request to join, a rejected or an ended affiliation opens nothing."""
    if not user.is_authenticated or not user.is_active:
        return None
    condition = Q(user_id=user.pk)
    organisation_ids = coordinator_organisation_ids(user)
    if organisation_ids:
        condition |= Q(
            pk__in=Affiliation.objects.filter(
                organisation_id__in=organisation_ids,
                status__in=[Affiliation.Status.APPROVED, Affiliation.Status.PENDING],
            ).values("representative_id")
        )
    for rule in EXTRA_HEALTH_ACCESS:
        scope = rule(user)
        if scope is not None:
            condition |= scope
    return condition


def get_representative_for_user(
    request: HttpRequest, pk: int, purpose: str
) -> tuple[Representative, bool]:
    """The representative and whether health data may be shown (403 for people whose job does
    not reach the person's profile at all); a shown read of health data is logged."""
    user = request.user
    representative = get_object_or_404(
        Representative.objects.select_related("user", "municipality"),
        pk=pk,
        deleted_at__isnull=True,
    )
    if representative.user_id != user.pk:
        condition = profile_access(user)
        # Platform operators too: access follows the job, not the technical role.
        if condition is None or not (
            Representative.objects.filter(condition, pk=representative.pk).exists()
        ):
            raise PermissionDenied
    health = can_see_health_data(user, representative)
    if health and representative.user_id != user.pk:
        log_access(actor=user, obj=representative, purpose=purpose, path=request.path)
    return representative, health


def health_data_rows(
    representatives: Iterable[Representative], visible: set[int]
) -> list[tuple[int, str]]:
    """(pk, name) of the rows of a list that show health data: those the viewer may see
    (`visible`, from health_visible_ids) that have experience areas. Logged on every showing,
    also when the list itself comes from the content cache."""
    return [
        (r.pk, str(r)[:300])
        for r in representatives
        if r.pk in visible and r.experience_areas.all()
    ]


def log_list_access_rows(request: HttpRequest, rows: list[tuple[int, str]]) -> None:
    AccessLogEntry.objects.record_list_read(
        request.user, Representative, rows, purpose="representatives list", path=request.path
    )


# --- Coordinators ------------------------------------------------------------------------------


def get_coordinator_scope_for_user(user: Any) -> list[int]:
    """The organisations `user` coordinates (with their branches); 403 if none."""
    ids = coordinator_organisation_ids(user)
    if not ids:
        raise PermissionDenied
    return ids


def affiliations_for_user(user: Any, representative: Representative) -> list[Affiliation]:
    """The person's affiliations, each with `may_decide`: whether `user` may approve, reject
    or end it (a coordinator of that organisation; never on one's own profile)."""
    own = representative.user_id == user.pk
    coordinated = set() if own else set(coordinator_organisation_ids(user))
    affiliations = list(
        representative.affiliations.select_related("organisation", "decided_by").order_by(
            "organisation__name"
        )
    )
    for affiliation in affiliations:
        affiliation.may_decide = affiliation.organisation_id in coordinated  # type: ignore[attr-defined]
    return affiliations


def get_affiliation_for_user(user: Any, pk: int) -> Affiliation:
    """An affiliation to approve, reject or end: only coordinators of that organisation."""
    affiliation = get_object_or_404(
        Affiliation.objects.select_related("representative__user", "organisation"),
        pk=pk,
        representative__deleted_at__isnull=True,
    )
    if affiliation.organisation_id not in coordinator_organisation_ids(user):
        raise PermissionDenied
    if affiliation.representative.user_id == user.pk:
        raise PermissionDenied  # nobody approves their own affiliation
    return affiliation


def join_requests_for_coordinator(organisation_ids: list[int]) -> Any:
    """The requests to join these organisations have sent, as the organisations may see them:
    the typed name and address, who asked, when, and the answer (never the account)."""
    return (
        JoinRequest.objects.filter(organisation_id__in=organisation_ids)
        # Accepted ones are people in the list; withdrawn ones belong to deleted people.
        .exclude(status__in=[JoinRequest.Status.ACCEPTED, JoinRequest.Status.WITHDRAWN])
        .select_related("organisation", "requested_by")
    )


# --- The person's own records ----------------------------------------------------------------


def join_requests_for_person(user: Any) -> Any:
    """The requests to join sent to the logged-in person (whether or not they have a
    representative profile yet)."""
    return JoinRequest.objects.for_person(user).select_related("organisation", "requested_by")


def get_join_request_for_person(user: Any, pk: int) -> JoinRequest:
    """A request to answer: only the person it was sent to (404 for anyone else's, so its
    existence is not given away)."""
    return get_object_or_404(join_requests_for_person(user), pk=pk)


def get_own_affiliation(user: Any, pk: int) -> Affiliation:
    """One of the person's own affiliations, to end it (404 for anyone else's)."""
    return get_object_or_404(
        Affiliation.objects.select_related("representative__user", "organisation"),
        pk=pk,
        representative__user_id=getattr(user, "pk", None),
        representative__deleted_at__isnull=True,
    )


def get_own_representative(user: Any) -> Representative | None:
    """The logged-in person's own representative profile, or None if they have none."""
    if not user.is_authenticated:
        return None
    return (
        Representative.objects.active()
        .select_related("user", "municipality")
        .filter(user=user)
        .first()
    )


def get_employment_for_user(user: Any, pk: int) -> EmploymentDeclaration:
    """One of the person's own employment declarations, to edit, end or delete: only the
    person, as only the person declares them (404 for anyone else's)."""
    return get_object_or_404(
        EmploymentDeclaration.objects.select_related("representative__user"),
        pk=pk,
        representative__user_id=getattr(user, "pk", None),
        representative__deleted_at__isnull=True,
    )


def get_engagement_for_user(user: Any, pk: int) -> ExternalEngagement:
    """One of the person's own other engagements (404 for anyone else's)."""
    return get_object_or_404(
        ExternalEngagement.objects.select_related("representative__user"),
        pk=pk,
        representative__user_id=getattr(user, "pk", None),
        representative__deleted_at__isnull=True,
    )


# --- Experience areas --------------------------------------------------------------------------


def can_edit_experience_areas(user: Any) -> bool:
    """The managed list of experience areas: administrators anywhere and platform operators."""
    if user.is_superuser and user.is_active:
        return True
    return StaffRole.objects.for_user(user).filter(role=Role.ADMINISTRATOR).exists()


def get_experience_area_for_user(user: Any, pk: int | None = None) -> ExperienceArea:
    """The area to edit, or a new one; 403 unless `user` may edit the list."""
    if not can_edit_experience_areas(user):
        raise PermissionDenied
    return get_object_or_404(ExperienceArea, pk=pk) if pk is not None else ExperienceArea()
