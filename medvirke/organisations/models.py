"""Organisations (a tree: RHF → HF → clinic → unit, municipalities, NAV, user organisations,
forums) and the staff roles people hold in them."""

import hashlib
import re
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr

from medvirke.core.models import TrackedModel

# How deep the tree may be (RHF → HF → clinic → department → unit → team).
ANCESTOR_DEPTH = 6


def validate_org_number(value: str) -> None:
    if not orgnr.is_valid(value):
        raise ValidationError(
            _(
                "%(value)s is not a valid organisation number: "
                "it has 9 digits, the last a check digit."
            ),
            params={"value": value},
            code="invalid_orgnr",
        )


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> "OrganisationQuerySet":
        return self.filter(ended_on__isnull=True)

    def roots(self) -> "OrganisationQuerySet":
        return self.filter(parent__isnull=True)

    def of_kinds(self, kinds: list[str]) -> "OrganisationQuerySet":
        return self.filter(kind__in=kinds)

    def search(self, text: str) -> "OrganisationQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(short_name__icontains=text))

    def with_child_count(self) -> "OrganisationQuerySet":
        return self.annotate(child_count=models.Count("children", distinct=True))

    def stamp(self) -> str:
        """Changes whenever any organisation is saved, added or removed (one indexed query;
        plain SQL because the ORM takes longer to build this query than the database to run
        it, and it runs on every organisation page)."""
        table = connection.ops.quote_name(Organisation._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*), MAX(updated_at) FROM {table}")  # noqa: S608
            count, latest = cursor.fetchone()
        # Only characters every cache backend accepts in a key.
        return re.sub(r"[^0-9A-Za-z.:-]", "_", f"{count}-{latest}")


class Organisation(TrackedModel):
    class Kind(models.TextChoices):
        RHF = "rhf", _("Regional health authority (RHF)")
        HF = "hf", _("Health trust (HF)")
        CLINIC = "clinic", _("Clinic / division")
        DEPARTMENT = "department", _("Department")
        UNIT = "unit", _("Unit")
        MUNICIPALITY = "municipality", _("Municipality")
        NAV_OFFICE = "nav_office", _("NAV office")
        USER_ORG = "user_org", _("User or patient organisation")
        USER_ORG_BRANCH = "user_org_branch", _("Regional or local branch")
        FORUM = "forum", _("Forum for user participation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    org_number = models.CharField(
        _("organisation number"),
        max_length=9,
        blank=True,
        validators=[validate_org_number],
        help_text=_("Nine digits from the Brønnøysund Register Centre, e.g. 983658725."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # Optimistic lock: an edit form carries the version it was opened with (no lost updates).
    version = models.PositiveIntegerField(default=1, editable=False)

    history_exclude = frozenset({"version", "updated_at"})
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_number"],
                condition=~Q(org_number=""),
                name="org_number_unique",
                violation_error_message=_("Another organisation already has this number."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="organisation_not_own_parent"
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"], name="org_kind_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def ancestors(self) -> list[Any]:
        """Parents from the root down (name and pk), from the in-memory tree index."""
        from . import tree_index

        index = tree_index.current()
        if self.pk not in index:
            return []
        return index.ancestors(self.pk)

    def lineage_ids(self) -> list[int]:
        """This organisation's id and its ancestors' (roles reach down the tree)."""
        from . import tree_index

        index = tree_index.current()
        if self.pk in index:
            return index.lineage(self.pk)
        # Not in the index yet (created in this very transaction, not yet seen): walk up.
        chain, node = [self.pk], self.parent
        while node is not None and node.pk not in chain:
            chain.append(node.pk)
            node = node.parent
        return chain

    def clean(self) -> None:
        if self.parent_id and self.pk:
            node: Organisation | None = self.parent
            for _i in range(ANCESTOR_DEPTH + 2):
                if node is None:
                    break
                if node.pk == self.pk:
                    raise ValidationError(
                        {"parent": _("An organisation cannot be part of itself or its own units.")}
                    )
                node = node.parent
        if self.ended_on and self.ended_on > timezone.localdate():
            raise ValidationError({"ended_on": _("The end date cannot be in the future.")})


class StaffRoleQuerySet(models.QuerySet["StaffRole"]):
    def listing(self) -> list[dict[str, Any]]:
        """Rows for a staff table as plain dicts: a big HF has hundreds of roles, and building
        a model instance per row (plus its user) costs more than the rest of the page."""
        labels = {value: str(label) for value, label in StaffRole.Role.choices}
        rows = self.order_by("user__full_name", "user__email", "role").values(
            "pk", "role", "created_at", "user__full_name", "user__email"
        )
        return [
            {
                "pk": row["pk"],
                "name": row["user__full_name"] or row["user__email"],
                "email": row["user__email"],
                "role": labels.get(row["role"], row["role"]),
                "since": row["created_at"],
            }
            for row in rows
        ]

    def for_user(self, user: Any) -> "StaffRoleQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def reaching(self, organisation: Organisation) -> "StaffRoleQuerySet":
        """Roles held in the organisation or any organisation above it."""
        return self.filter(organisation_id__in=organisation.lineage_ids())


class StaffRole(TrackedModel):
    """A person's role in an organisation; a role in an HF reaches its clinics and units."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Administrator")
        SECRETARIAT = "secretariat", _("Secretariat")
        COORDINATOR = "coordinator", _("Organisation coordinator")
        CASE_HANDLER = "case_handler", _("Case handler / unit manager")
        QUALITY_ADVISOR = "quality_advisor", _("Quality advisor")
        AUDITOR = "auditor", _("Auditor (read only)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    objects = StaffRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                name="staff_role_unique",
                violation_error_message=_("This person already has this role here."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.organisation})"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


INVITATION_VALID_DAYS = 14


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def by_token(self, token: str) -> "InvitationQuerySet":
        return self.filter(token_hash=_hash_token(token))


class Invitation(TrackedModel):
    """An administrator's invitation of a person (by e-mail) to a role in an organisation."""

    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    # Blank: an invitation to activate an account without a staff role (a user representative
    # registered by their organisation's coordinator sets a password through it).
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.Role.choices, blank=True)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    # Only a hash is stored: the link in the e-mail is the secret.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    history_exclude = frozenset({"token_hash"})
    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            # Two administrators clicking at once cannot create two open invitations.
            models.UniqueConstraint(
                "organisation",
                "role",
                models.functions.Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_open_unique",
                violation_error_message=_("This person has already been invited to this role."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.get_role_display()} ({self.organisation})"

    def new_token(self) -> str:
        token = secrets.token_urlsafe(32)
        self.token_hash = _hash_token(token)
        self.expires_at = timezone.now() + timedelta(days=INVITATION_VALID_DAYS)
        return token

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    def get_role_label(self) -> str:
        return self.get_role_display() if self.role else str(_("User representative"))

    def get_status_display(self) -> str:
        return str(
            {
                "accepted": _("Accepted"),
                "revoked": _("Withdrawn"),
                "expired": _("Expired"),
                "pending": _("Waiting"),
            }[self.status]
        )
