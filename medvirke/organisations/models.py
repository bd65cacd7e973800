"""Organisations (a tree: RHF → HF → clinic → unit, municipalities, NAV, user organisations,
forums) and the staff roles people hold in them."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Cast, Concat, Substr
from django.db.models.lookups import EndsWith
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr

from medvirke.core.errors import RefusedError
from medvirke.core.models import TrackedModel

# The tree is a materialised path: each organisation's `path` is its ancestors' ids and its own,
# root first, each ended by a dot ("1.7.23."). The dot makes a prefix match exact ("1." is not a
# prefix of "12."), and ordering by path puts every organisation after its ancestors. 255
# characters hold 36 levels of six-digit ids (the sector has six); deeper is refused
# (TooDeepError) on every database, as PostgreSQL would refuse the longer value anyway.
PATH_MAX_LENGTH = 255


def path_segment(pk: int) -> str:
    return f"{pk}."


def _text(field: str) -> Cast:
    return Cast(field, models.CharField())


def path_ids(path: str) -> list[int]:
    """The ids in a path, root first."""
    return [int(segment) for segment in path.split(".") if segment]


class MovedUnderItselfError(RefusedError):
    default_message = _("An organisation cannot be part of itself or its own units.")


class TooDeepError(RefusedError):
    default_message = _(
        "The organisation would be too deep in the tree here: place it higher up, under "
        "fewer levels."
    )


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

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        """bulk_create skips save(): the rows get their paths here (one UPDATE per level),
        and the objects returned carry them."""
        created = super().bulk_create(objs, *args, **kwargs)
        fill_paths(self.model, using=self.db)
        pks = [obj.pk for obj in created if obj.pk is not None]
        paths: dict[int, str] = {}
        for start in range(0, len(pks), 900):  # within SQLite's limit of query parameters
            chunk = pks[start : start + 900]
            rows = self.model._default_manager.db_manager(self.db).filter(pk__in=chunk)
            paths.update(rows.values_list("pk", "path"))
        for obj in created:
            obj.path = paths.get(obj.pk, obj.path)
            if hasattr(obj, "_loaded_values"):
                obj._loaded_values["path"] = obj.path
        return created

    def below(
        self, *tops: "Organisation | str", include_self: bool = True
    ) -> "OrganisationQuerySet":
        """The organisations `tops` (organisations or their paths) and every organisation below
        them, at any depth: one prefix match on the indexed path per top, in one query.

        `path LIKE 'prefix%'` is exact under any collation, and on PostgreSQL Django gives the
        path column a `varchar_pattern_ops` index (the `_like` index of every indexed CharField)
        that answers it; a range (`path >= p AND path < p || '~'`) would use a plain index but is
        wrong under a linguistic collation, which may ignore the dots. SQLite's LIKE never uses
        an index, and there the table is a small installation's few hundred rows."""
        paths = sorted({top if isinstance(top, str) else top.path for top in tops})
        if any(not path for path in paths):
            # An empty prefix would match the whole tree: never let a missing path widen access.
            raise ValueError("an organisation without a path (not saved?)")
        # A top below another top adds nothing.
        kept = [p for i, p in enumerate(paths) if not any(p.startswith(q) for q in paths[:i])]
        if not kept:
            return self.none()
        match = Q()
        for path in kept:
            match |= Q(path__startswith=path)
        rows = self.filter(match)
        return rows if include_self else rows.exclude(path__in=kept)

    def above(
        self, organisation: "Organisation", include_self: bool = False
    ) -> "OrganisationQuerySet":
        """The organisations above `organisation`, from the root down: their ids are in its path,
        so this is one query by primary key."""
        ids = path_ids(organisation.path)
        if not include_self:
            ids = ids[:-1]
        return self.filter(pk__in=ids).order_by("path")


def fill_paths(model: Any, using: str = "default") -> int:
    """Paths for the organisations that have none (rows put in by bulk_create), parents before
    children: one UPDATE per level. Returns the rows filled. Migration 0005 does the same for
    the rows that existed before the path, written out there as migrations do not import."""
    rows = model._default_manager.db_manager(using)
    segment = Concat(_text("pk"), Value("."))
    filled = rows.filter(path="", parent__isnull=True).update(path=segment)
    while True:
        parent_path = models.Subquery(
            rows.filter(pk=models.OuterRef("parent_id")).values("path")[:1]
        )
        ready = rows.filter(path="", parent__isnull=False).exclude(parent__path="")
        count = ready.update(path=Concat(parent_path, segment))
        if not count:
            return filled
        filled += count


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
    # Where in the tree (PATH_MAX_LENGTH above). Written only by save() and the move in it, never
    # by a form: roles reach down the tree along it, so a wrong path would be wrong access.
    path = models.CharField(max_length=PATH_MAX_LENGTH, db_index=True, editable=False, default="")

    # The path follows from the parent, whose change the history already records.
    history_exclude = frozenset({"version", "updated_at", "path"})
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
            # The path ends with the parent's id and the row's own, so a parent changed without
            # its path (QuerySet.update, SQL) is refused rather than leaving roles reaching
            # through the old parent. Empty only between a row's INSERT and its path (save(),
            # bulk_create).
            models.CheckConstraint(
                condition=Q(path="")
                | Q(parent__isnull=True, path=Concat(_text("id"), Value(".")))
                | Q(
                    EndsWith(
                        Concat(Value("."), "path"),
                        Concat(Value("."), _text("parent_id"), Value("."), _text("id"), Value(".")),
                    )
                ),
                name="organisation_path_ends_with_parent_and_self",
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"], name="org_kind_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def ancestors(self) -> list["Organisation"]:
        """Parents from the root down (for breadcrumbs): one query, none for a root."""
        if len(path_ids(self.path)) < 2:
            return []
        return list(Organisation.objects.above(self).only("pk", "name", "path"))

    def lineage_ids(self) -> list[int]:
        """This organisation's id and its ancestors', nearest first (roles reach down the
        tree): read from the path, no query."""
        ids = path_ids(self.path)
        if not ids:
            return [self.pk] if self.pk else []
        return ids[::-1]

    def clean(self) -> None:
        if self.parent_id and self.pk and self.path:
            parent = self.parent
            if parent is not None and parent.path.startswith(self.path):
                raise ValidationError({"parent": MovedUnderItselfError.default_message})
        if self.ended_on and self.ended_on > timezone.localdate():
            raise ValidationError({"ended_on": _("The end date cannot be in the future.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, keeping the path right: a new organisation gets its parent's path and its own
        id; a change of parent moves the whole subtree (`_move`). The path column is written
        only here, so a save from an instance read before someone else moved it cannot put an
        old path back."""
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            if self._state.adding:
                # Locked, so a move of the parent (which locks its subtree) is either done
                # before we read its path or waits until this row, with its path, is in.
                parent_path = ""
                if self.parent_id is not None:
                    parent_path = (
                        Organisation.objects.using(using)
                        .select_for_update()
                        .filter(pk=self.parent_id)
                        .values_list("path", flat=True)
                        .get()
                    )
                super().save(*args, **kwargs)
                if len(parent_path + path_segment(self.pk)) > PATH_MAX_LENGTH:
                    # The row goes with the rolled-back savepoint; the instance is new again.
                    self.pk, self._state.adding = None, True
                    raise TooDeepError
                self.path = parent_path + path_segment(self.pk)
                Organisation.objects.using(using).filter(pk=self.pk).update(path=self.path)
                return
            fields = kwargs.get("update_fields")
            if fields is None:
                fields = [f.name for f in self._meta.concrete_fields if not f.primary_key]
            fields = [name for name in fields if name != "path"]
            loaded = getattr(self, "_loaded_values", {})
            if "parent_id" in loaded and loaded["parent_id"] == self.parent_id:
                # Not moved by this instance: never write back a parent someone else changed.
                fields = [name for name in fields if name not in ("parent", "parent_id")]
            elif "parent" in fields or "parent_id" in fields:
                self._move(using)
                loaded.update(parent_id=self.parent_id, path=self.path)
            kwargs["update_fields"] = fields
            super().save(*args, **kwargs)

    def _move(self, using: str) -> None:
        """Put this organisation (and everything below it) under `self.parent_id`, if that is
        not where it is now: one UPDATE rewrites the path prefix of the whole subtree.

        The subtree, the row itself and the new parent are locked first, in one statement in id
        order, and the paths read as they are now: a
        concurrent move is done first, and a unit being created below waits or is done, so the
        UPDATE, a statement after the lock, sees it. Refused (MovedUnderItselfError) if the new
        parent is this organisation or below it, and (TooDeepError) if a path would get longer
        than the column holds."""
        rows = Organisation.objects.using(using).select_for_update()
        old = self.path
        for _attempt in range(5):
            wanted = Q(pk=self.pk) | Q(path__startswith=old)
            if self.parent_id is not None:
                wanted |= Q(pk=self.parent_id)
            locked = dict(rows.filter(wanted).order_by("pk").values_list("pk", "path"))
            if locked.get(self.pk) == old:
                break
            old = locked[self.pk]  # moved meanwhile: lock the subtree where it is now
        else:
            raise RuntimeError("the organisation keeps moving")  # pragma: no cover
        parent_path = ""
        if self.parent_id is not None:
            if self.parent_id not in locked:
                raise Organisation.DoesNotExist(f"no organisation {self.parent_id}")
            parent_path = locked[self.parent_id]
            if parent_path.startswith(old):
                raise MovedUnderItselfError
        new = parent_path + path_segment(self.pk)
        deepest = max(len(path) for path in locked.values() if path.startswith(old))
        if deepest - len(old) + len(new) > PATH_MAX_LENGTH:
            raise TooDeepError
        if new != old:
            # The row's new parent in the same statement: the path check holds row by row.
            parent = Value(self.parent_id, output_field=models.BigIntegerField())
            Organisation.objects.using(using).filter(path__startswith=old).update(
                path=Concat(Value(new), Substr("path", len(old) + 1)),
                parent_id=Case(
                    When(pk=self.pk, then=parent),
                    default=models.F("parent_id"),
                    output_field=models.BigIntegerField(),
                ),
            )
        self.path = new


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
        """Roles held in the organisation or any organisation above it: their ids are in its
        path, so no query is needed to find them."""
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
