"""Bodies (councils, user groups, forums, project groups), their seats and terms, calls for
candidates and nominations (001 p.13 "Slik oppnevnes brukerrepresentanter"; 000 ch. 1)."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirke.core.models import LockableModel, TrackedModel
from medvirke.organisations.models import Organisation
from medvirke.representatives.models import ExperienceArea, Representative


class BodyQuerySet(models.QuerySet["Body"]):
    def active(self) -> "BodyQuerySet":
        return self.filter(ended_on__isnull=True)

    def owned_by(self, organisation_ids: list[int]) -> "BodyQuerySet":
        return self.filter(owner_id__in=organisation_ids)

    def public(self) -> "BodyQuerySet":
        return self.filter(is_public=True)


class Body(TrackedModel):
    class Kind(models.TextChoices):
        REGIONAL_COUNCIL = "regional_council", _("Regional user council (RHF)")
        TRUST_COUNCIL = "trust_council", _("User council (HF)")
        USER_COUNCIL = "user_council", _("User council (municipality, NAV, unit)")
        USER_GROUP = "user_group", _("User group (unit)")
        FORUM = "forum", _("Forum for user participation")
        YOUTH_COUNCIL = "youth_council", _("Youth council")
        WORKING_GROUP = "working_group", _("Working group")
        PROJECT_GROUP = "project_group", _("Project group")
        REFERENCE_GROUP = "reference_group", _("Reference group")
        STEERING_GROUP = "steering_group", _("Steering group (incl. research projects)")
        CONTROL_COMMISSION = "control_commission", _("Control commission")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual level")
        SERVICE = "service", _("Service level")
        SYSTEM = "system", _("System level")
        POLITICAL = "political", _("Political level")

    class LadderStep(models.IntegerChoices):
        # 004_e2f3233b7e63ade5.txt, fig. 3: the participation ladder.
        INFORMATION = 1, _("1 Information")
        CONSULTATION = 2, _("2 Consultation")
        CODETERMINATION = 3, _("3 Co-determination / partnership")
        USER_CONTROL = 4, _("4 User control")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="bodies",
        verbose_name=_("owner organisation"),
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, default=Level.SYSTEM)
    ladder_step = models.PositiveSmallIntegerField(
        _("step on the participation ladder"), choices=LadderStep.choices
    )
    ladder_justification = models.TextField(
        _("why this step"),
        max_length=2000,
        help_text=_("Quote or summarise the part of the mandate that places the body here."),
    )
    mandate = models.TextField(_("mandate"), max_length=10000)
    leader_seats = models.PositiveSmallIntegerField(_("leader"), default=1)
    deputy_leader_seats = models.PositiveSmallIntegerField(_("deputy leader"), default=1)
    member_seats = models.PositiveSmallIntegerField(_("members"), default=5)
    deputy_seats = models.PositiveSmallIntegerField(_("deputies (ranked)"), default=2)
    observer_seats = models.PositiveSmallIntegerField(_("observers"), default=0)
    term_years = models.PositiveSmallIntegerField(_("term length (years)"), default=2)
    max_years = models.PositiveSmallIntegerField(_("maximum total time (years)"), default=6)
    deputies_step_in = models.BooleanField(
        _("deputies step in, in rank order, when a member resigns"), default=True
    )
    is_public = models.BooleanField(_("shown on public pages"), default=True)
    secretariat = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="secretariat_for",
        verbose_name=_("secretariat staff"),
    )
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic lock (core/locking.py): the edit form carries the version it was opened with.
    version = models.PositiveIntegerField(default=1, editable=False)

    history_exclude = frozenset({"version"})

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ladder_step__gte=1, ladder_step__lte=4), name="body_ladder_step_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(term_years__gte=1) & Q(max_years__gte=1), name="body_terms_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def seat_counts(self) -> dict[str, int]:
        return {
            Seat.Role.LEADER: self.leader_seats,
            Seat.Role.DEPUTY_LEADER: self.deputy_leader_seats,
            Seat.Role.MEMBER: self.member_seats,
            Seat.Role.DEPUTY: self.deputy_seats,
            Seat.Role.OBSERVER: self.observer_seats,
        }


class Seat(LockableModel):
    """One place in a body (member 3, deputy 1 ...). Terms come and go; the seat stays, so its
    history shows who held it and how each term ended."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        DEPUTY_LEADER = "deputy_leader", _("Deputy leader")
        MEMBER = "member", _("Member")
        DEPUTY = "deputy", _("Deputy")
        OBSERVER = "observer", _("Observer")

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="seats", verbose_name=_("body")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    # Deputies are called in this order; for other roles it just numbers the seats.
    rank = models.PositiveSmallIntegerField(_("number"))
    retired_on = models.DateField(_("removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["body", "role", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["body", "role", "rank"], name="seat_unique_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.body} – {self.get_role_display()} {self.rank}"


class TermQuerySet(models.QuerySet["Term"]):
    def current(self, on: date | None = None) -> "TermQuerySet":
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day, ended_on__isnull=True)

    def expiring_within(self, days: int, on: date | None = None) -> "TermQuerySet":
        day = on or timezone.localdate()
        return self.current(day).filter(ends_on__lte=day + timedelta(days=days))

    def carried_over(self, on: date | None = None) -> "TermQuerySet":
        """Expired but still serving because nobody has been appointed (OnBoard#30)."""
        day = on or timezone.localdate()
        return self.current(day).filter(ends_on__lt=day)

    def publicly_named(self) -> "TermQuerySet":
        """Terms whose representative may be named on public pages: they consented, are not
        anonymised, and have a name (a missing name would fall back to the e-mail address)."""
        return self.filter(
            representative__public_consent=True, representative__deleted_at__isnull=True
        ).exclude(representative__user__full_name="")


class Term(TrackedModel):
    """A representative's term in a seat: from appointment to how it ended."""

    class EndReason(models.TextChoices):
        TERM_END = "term_end", _("Term ended")
        RESIGNED = "resigned", _("Resigned")
        REPLACED = "replaced", _("Replaced")
        DIED = "died", _("Died")
        REMOVED = "removed", _("Removed")

    seat = models.ForeignKey(
        Seat, on_delete=models.PROTECT, related_name="terms", verbose_name=_("seat")
    )
    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        related_name="terms",
        verbose_name=_("representative"),
    )
    nominated_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    nomination = models.OneToOneField(
        "Nomination",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="term",
        verbose_name=_("nomination"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    confirmed_at = models.DateTimeField(_("confirmed by the representative"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("how it ended"), max_length=10, choices=EndReason.choices, blank=True
    )
    override_reason = models.TextField(_("reason for overriding a warning"), blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("appointed by"),
    )
    appointed_at = models.DateTimeField(_("appointed"), auto_now_add=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="term_ends_after_start",
                violation_error_message=_("A term must end after it starts."),
            ),
            # One seat, one open term: two secretaries racing for the last seat cannot both win.
            models.UniqueConstraint(
                fields=["seat"],
                condition=Q(ended_on__isnull=True),
                name="one_open_term_per_seat",
                violation_error_message=_("Someone already holds this seat."),
            ),
        ]
        # Open terms are what every page asks for ("where we are represented", members,
        # vacancies): partial indexes on them stay a sixth of the size of the full ones.
        indexes = [
            models.Index(
                fields=["nominated_by"],
                condition=Q(ended_on__isnull=True),
                name="open_term_nominated_by_idx",
            ),
            models.Index(
                fields=["representative"],
                condition=Q(ended_on__isnull=True),
                name="open_term_representative_idx",
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"
        return f"{self.representative} – {self.seat} ({period})"

    @property
    def is_carried_over(self) -> bool:
        return self.ended_on is None and self.ends_on < timezone.localdate()

    def years(self) -> float:
        end = self.ended_on or self.ends_on
        return max(0, (end - self.starts_on).days) / 365.25


class CallQuerySet(models.QuerySet["Call"]):
    def open(self) -> "CallQuerySet":
        return self.filter(closed_at__isnull=True, deadline__gte=timezone.localdate())

    def sent_to(self, organisation_ids: list[int]) -> "CallQuerySet":
        return self.filter(recipients__id__in=organisation_ids).distinct()

    def on_public_bodies(self) -> "CallQuerySet":
        """Calls for active bodies that are shown on the public pages."""
        return self.filter(body__is_public=True, body__ended_on__isnull=True)


class Call(TrackedModel):
    """A request for candidates (forespørsel om kandidater) for one or more seats."""

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="calls", verbose_name=_("body")
    )
    seats = models.ManyToManyField(Seat, related_name="calls", verbose_name=_("seats"))
    deadline = models.DateField(_("deadline for nominations"))
    profile_wanted = models.TextField(_("profile wanted"), max_length=4000, blank=True)
    areas_wanted = models.ManyToManyField(
        ExperienceArea, blank=True, related_name="+", verbose_name=_("experience areas wanted")
    )
    recipients = models.ManyToManyField(
        Organisation, related_name="calls_received", verbose_name=_("sent to")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call for candidates")
        verbose_name_plural = _("calls for candidates")
        ordering = ["deadline"]

    def __str__(self) -> str:
        return f"{self.body} – {self.deadline:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None and self.deadline >= timezone.localdate()


class Nomination(TrackedModel):
    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        APPOINTED = "appointed", _("Appointed")
        DECLINED = "declined", _("Declined")

    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("call")
    )
    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name=_("candidate"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("nominated by")
    )
    justification = models.TextField(_("justification"), max_length=4000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NOMINATED
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    override_reason = models.TextField(_("reason for overriding a warning"), blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("nominated by (person)"),
    )
    created_at = models.DateTimeField(_("nominated"), auto_now_add=True)

    # A justification often describes the person's own experience (health data, and erased on a
    # deletion request): the history records that it changed, not what it said.
    history_redact = frozenset({"justification"})

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "representative"],
                condition=~Q(status="withdrawn"),
                name="nomination_once_per_call",
                violation_error_message=_("This person has already been nominated to this call."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.representative} → {self.call}"


def total_years(representative: Representative, body: Body, extra: Any = None) -> float:
    """Years served in `body` (all terms, including the one proposed)."""
    years = sum(
        t.years() for t in Term.objects.filter(representative=representative, seat__body=body)
    )
    return years + (extra or 0)
