"""Everything Medvirke holds about one person, for the right of access (GDPR art. 15) and data
portability (art. 20): account, representative profile with their own health data,
affiliations, requests to join, employment, other engagements, nominations, terms,
notifications, the history about them and who has read their health data.

One collection feeds both formats: JSON with field names and stored values (for programs), and
PDF sections with the labels and display values a person reads. Only records that belong to
the person are read, so the export holds nothing about anyone else beyond the names of the
staff who acted on their records.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from medvirke.core.models import AccessLogEntry, AuditEvent, Notification
from medvirke.organisations.models import StaffRole
from medvirke.representatives import services as rep_services
from medvirke.representatives.models import (
    Affiliation,
    EmploymentDeclaration,
    ExternalEngagement,
    JoinRequest,
    Representative,
)
from medvirke.representatives.permissions import can_see_health_data
from medvirke.representatives.permissions_deletion import EXTRA_DELETION_SCOPE

from .models import Body, Nomination, Term


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def _display(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "–"
    return str(value)


@dataclass
class Section:
    key: str
    title: str
    items: list[list[tuple[str, str, Any, str]]] = field(default_factory=list)

    def add(
        self, obj: Any, names: list[str], extra: dict[str, tuple[Any, ...]] | None = None
    ) -> None:
        """One record: each model field as (name, label, stored value, display value); `extra`
        adds (label, value) or (label, value, display value) rows."""
        rows = []
        for name in names:
            model_field = obj._meta.get_field(name)
            label = capfirst(str(model_field.verbose_name))
            if model_field.many_to_many:
                value: Any = [str(v) for v in getattr(obj, name).all()]
                shown = _display(value)
            elif model_field.is_relation:
                value = getattr(obj, name)
                value = str(value) if value is not None else None
                shown = _display(value)
            elif model_field.choices:
                value = getattr(obj, name)
                shown = _display(getattr(obj, f"get_{name}_display")() if value else value)
            else:
                value = getattr(obj, name)
                shown = _display(value)
            rows.append((name, label, _json_value(value), shown))
        for name, (label, value, *shown_as) in (extra or {}).items():
            rows.append(
                (
                    name,
                    capfirst(str(label)),
                    _json_value(value),
                    shown_as[0] if shown_as else _display(value),
                )
            )
        self.items.append(rows)

    def as_json(self) -> list[dict[str, Any]]:
        return [{name: value for name, _label, value, _shown in item} for item in self.items]

    def as_pdf(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "items": [[[label, shown] for _n, label, _v, shown in item] for item in self.items],
        }


def _history_filter(objects: list[models.Model]) -> Q:
    by_type: dict[int, list[str]] = {}
    for obj in objects:
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        by_type.setdefault(ct.pk, []).append(str(obj.pk))
    query = Q(pk__in=[])
    for ct_id, ids in by_type.items():
        query |= Q(content_type_id=ct_id, object_id__in=ids)
    return query


def collect(user: Any) -> list[Section]:
    """The person's data, section by section, in the active language."""
    sections: list[Section] = []

    account = Section("account", _("Account"))
    account.add(
        user,
        [
            "email",
            "full_name",
            "phone",
            "language",
            "notification_mode",
            "is_active",
            "is_staff",
            "is_superuser",
            "date_joined",
            "last_login",
        ],
    )
    sections.append(account)

    addresses = Section("email_addresses", _("E-mail addresses"))
    for address in EmailAddress.objects.filter(user=user).order_by("pk"):
        addresses.add(address, ["email", "verified", "primary"])
    sections.append(addresses)

    logins = Section("external_logins", _("Logins through ID-porten, HelseID or Feide"))
    for social in SocialAccount.objects.filter(user=user).order_by("pk"):
        logins.add(social, ["provider", "uid", "date_joined", "last_login"])
    sections.append(logins)

    mfa = Section("two_factor", _("Two-factor authentication (the secrets are not shown)"))
    for authenticator in Authenticator.objects.filter(user=user).order_by("pk"):
        mfa.add(authenticator, ["type", "created_at", "last_used_at"])
    sections.append(mfa)

    roles = Section("staff_roles", _("Roles in organisations"))
    for role in StaffRole.objects.filter(user=user).select_related("organisation"):
        roles.add(role, ["organisation", "role", "created_at"])
    sections.append(roles)

    representative = (
        Representative.objects.filter(user=user)
        .select_related("municipality", "registered_by")
        .prefetch_related("experience_areas", "wished_areas")
        .first()
    )
    profile = Section("representative", _("Representative profile"))
    own_records: list[models.Model] = [user]
    affiliations = Section("affiliations", _("Organisations you belong to"))
    employments = Section("employments", _("Employment"))
    engagements = Section("external_engagements", _("Other engagements"))
    nominations = Section("nominations", _("Nominations"))
    terms = Section("terms", _("Appointments and terms"))
    access = Section("health_data_reads", _("Who has read your health data"))
    if representative is not None:
        own_records.append(representative)
        # The export is the person's own, so the rule allows it; asked all the same, so that
        # no page or file shows health data without the one rule deciding.
        health = (
            ["experience_areas", "experience_description"]
            if can_see_health_data(user, representative)
            else []
        )
        profile.add(
            representative,
            [
                "experience",
                *health,
                "health_consent_at",
                "municipality",
                "birth_year",
                "gender",
                "languages",
                "minority_background",
                "availability",
                "wished_areas",
                "wished_levels",
                "hours_per_month",
                "public_consent",
                "registered_by",
                "created_at",
                "deletion_requested_at",
            ],
        )
        for affiliation in Affiliation.objects.filter(representative=representative).select_related(
            "organisation", "decided_by"
        ):
            own_records.append(affiliation)
            affiliations.add(
                affiliation, ["organisation", "status", "decided_by", "decided_at", "created_at"]
            )
        for employment in EmploymentDeclaration.objects.filter(
            representative=representative
        ).select_related("employer"):
            own_records.append(employment)
            employments.add(
                employment, ["employer_name", "employer", "position", "starts_on", "ends_on"]
            )
        for engagement in ExternalEngagement.objects.filter(representative=representative):
            own_records.append(engagement)
            engagements.add(
                engagement, ["title", "organisation_name", "starts_on", "ends_on", "description"]
            )
        for nomination in Nomination.objects.filter(representative=representative).select_related(
            "call__body", "organisation", "nominated_by"
        ):
            own_records.append(nomination)
            nominations.add(
                nomination,
                [
                    "organisation",
                    "status",
                    "justification",
                    "decline_reason",
                    "override_reason",
                    "nominated_by",
                    "created_at",
                ],
                extra={"body": (_("Body"), nomination.call.body.name)},
            )
        for term in Term.objects.filter(representative=representative).select_related(
            "seat__body", "nominated_by", "appointed_by"
        ):
            own_records.append(term)
            terms.add(
                term,
                [
                    "seat",
                    "nominated_by",
                    "starts_on",
                    "ends_on",
                    "confirmed_at",
                    "ended_on",
                    "end_reason",
                    "override_reason",
                    "appointed_by",
                    "appointed_at",
                ],
                extra={"body": (_("Body"), term.seat.body.name)},
            )
        for entry in (
            AccessLogEntry.objects.for_object(representative).select_related("actor").order_by("at")
        ):
            access.add(entry, ["at", "actor", "purpose"])
    join_requests = Section("join_requests", _("Requests to join sent to you"))
    for join_request in JoinRequest.objects.filter(user=user).select_related(
        "organisation", "requested_by", "municipality"
    ):
        own_records.append(join_request)
        join_requests.add(
            join_request,
            [
                "organisation",
                "email",
                "full_name",
                "municipality",
                "requested_by",
                "created_at",
                "status",
                "answered_at",
            ],
        )
    sections += [profile, affiliations, join_requests, employments, engagements, nominations, terms]

    notifications = Section("notifications", _("Notifications"))
    for notification in Notification.objects.filter(user=user).order_by("created_at", "pk"):
        notifications.add(
            notification, ["subject", "body", "url", "created_at", "read_at", "emailed_at"]
        )
    sections.append(notifications)

    history = Section("history", _("History of changes to your records"))
    events = (
        AuditEvent.objects.filter(_history_filter(own_records))
        .select_related("content_type")
        .order_by("at", "pk")
    )
    for event in events:
        history.add(
            event,
            ["at", "actor_label", "action", "object_repr", "note"],
            extra={"changes": (_("changes"), event.changes, _changes_text(event))},
        )
    sections += [history, access]
    return sections


def _changes_text(event: AuditEvent) -> str:
    return "; ".join(f"{label}: {old} → {new}" for label, old, new in event.change_rows())


def as_json(sections: list[Section]) -> dict[str, Any]:
    data: dict[str, Any] = {"exported_at": timezone.localtime().isoformat()}
    for section in sections:
        items = section.as_json()
        if section.key in ("account", "representative"):
            data[section.key] = items[0] if items else None
        else:
            data[section.key] = items
    return data


# --- Carrying out a deletion request: this app's part ---------------------------------------
# Registered with the representatives app, which runs it inside its own `carry_out_deletion`.


def deletion_blockers(representative: Representative) -> list[str]:
    """An open term (current, carried over or not yet started) must be ended first, by the
    body's secretariat on the body's page: ending it may call in a deputy or a new call."""
    terms = (
        Term.objects.filter(representative=representative, ended_on__isnull=True)
        .select_related("seat__body")
        .order_by("starts_on", "pk")
    )
    return [
        _(
            "%(person)s still holds a seat in %(body)s (%(seat)s, until %(to)s). The body's "
            "secretariat must end the term before the data can be deleted."
        )
        % {
            "person": representative,
            "body": term.seat.body.name,
            "seat": f"{term.seat.get_role_display()} {term.seat.rank}",
            "to": formats.date_format(term.ends_on, "SHORT_DATE_FORMAT"),
        }
        for term in terms
    ]


def erase_nominations(representative: Representative, by: Any) -> None:
    """Nominations stay (they explain how a term came about) but lose the justification, the
    organisation's description of the person, which often tells of their health. A pending one
    is withdrawn: the person cannot be appointed any more. The reasons recorded by the
    secretariat (declining, overriding a warning) are its decisions and stay."""
    nominations = (
        Nomination.objects.select_for_update()
        .filter(representative=representative)
        .select_related("call__body")
    )
    for nomination in nominations:
        if nomination.status == Nomination.Status.NOMINATED:
            nomination.status = Nomination.Status.WITHDRAWN
        nomination.justification = ""
        rep_services.save_erasing(
            nomination,
            by=by,
            erased={"justification"},
            parent=nomination.call.body,
            note="the candidate's data was deleted at their request",
        )


def secretariat_deletion_scope(user: Any) -> Q | None:
    """Secretariat staff of a body where the person is nominated or holds or held a term (as
    `permissions.is_handling_secretariat`, for every such person at once)."""
    if not Body.objects.filter(secretariat=user).exists():
        return None
    return Q(terms__seat__body__secretariat=user) | Q(nominations__call__body__secretariat=user)


rep_services.DELETION_STEPS["bodies"] = rep_services.DeletionStep(
    blockers=deletion_blockers, erase=erase_nominations
)
EXTRA_DELETION_SCOPE["bodies"] = secretariat_deletion_scope
