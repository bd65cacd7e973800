"""Minutes (protokoll) with conclusions, dissent and frozen versions, and the influence ledger:
advice, its recipient and due date, and the answers to it (kept as history)."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirke.bodies.models import Body
from medvirke.core.models import AppendOnlyModel, TrackedModel
from medvirke.organisations.models import Organisation

from .meetings import Case, Meeting
from .membership import ANSWERING_ROLES

User = settings.AUTH_USER_MODEL


# --- minutes ----------------------------------------------------------------------------------


class Minutes(TrackedModel):
    """The minutes (protokoll) of one meeting: draft → for comments → approved → published.
    Approved minutes are locked; a correction is a new MinutesVersion, the old ones kept."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FOR_COMMENT = "for_comment", _("Sent for comments")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    class ApprovedHow(models.TextChoices):
        CHAIR = "chair", _("By the chair")
        MEETING = "meeting", _("At the next meeting")

    meeting = models.OneToOneField(
        Meeting, on_delete=models.PROTECT, related_name="minutes", verbose_name=_("meeting")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    text = models.TextField(_("general notes"), max_length=50000, blank=True)
    comment_deadline = models.DateField(_("comments by"), null=True, blank=True)
    approved_how = models.CharField(
        _("approved"), max_length=8, choices=ApprovedHow.choices, blank=True
    )
    approved_at_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved at meeting"),
    )
    approved_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic lock: an edit carries the version it was opened with (no lost updates).
    version = models.PositiveIntegerField(default=1, editable=False)

    history_exclude = frozenset({"version", "updated_at"})

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{_('Minutes')} {self.meeting}"

    @property
    def is_locked(self) -> bool:
        return self.status in (self.Status.APPROVED, self.Status.PUBLISHED)


class MinutesVersion(models.Model):
    """A frozen copy of approved minutes (version 1 at approval, one more per correction)."""

    minutes = models.ForeignKey(
        Minutes, on_delete=models.PROTECT, related_name="versions", verbose_name=_("minutes")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    content = models.JSONField(_("content"))
    reason = models.TextField(_("reason for the correction"), blank=True)
    made_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("made by")
    )
    made_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("minutes version")
        verbose_name_plural = _("minutes versions")
        ordering = ["minutes", "number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="minutes_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.minutes} v{self.number}"


class MinutesComment(models.Model):
    minutes = models.ForeignKey(
        Minutes, on_delete=models.PROTECT, related_name="comments", verbose_name=_("minutes")
    )
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("comment"), max_length=10000)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment on the minutes")
        verbose_name_plural = _("comments on the minutes")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.author} – {self.minutes}"


class CaseConclusion(TrackedModel):
    """What the meeting concluded in one case."""

    minutes = models.ForeignKey(
        Minutes, on_delete=models.PROTECT, related_name="conclusions", verbose_name=_("minutes")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="conclusions", verbose_name=_("case")
    )
    text = models.TextField(_("conclusion"), max_length=20000)

    class Meta:
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")
        constraints = [
            models.UniqueConstraint(fields=["minutes", "case"], name="conclusion_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.text[:60]}"


class Dissent(TrackedModel):
    """A member's dissent (dissens) from a conclusion, in their own words."""

    conclusion = models.ForeignKey(
        CaseConclusion,
        on_delete=models.PROTECT,
        related_name="dissents",
        verbose_name=_("conclusion"),
    )
    person = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("member")
    )
    text = models.TextField(_("dissent"), max_length=10000)

    class Meta:
        verbose_name = _("dissent")
        verbose_name_plural = _("dissents")
        constraints = [
            models.UniqueConstraint(fields=["conclusion", "person"], name="dissent_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.conclusion.case.reference}"


# --- the influence ledger ---------------------------------------------------------------------


class AdviceStatus(models.TextChoices):
    UNANSWERED = "unanswered", _("Not answered")
    FOLLOWED = "followed", _("Followed")
    PARTLY_FOLLOWED = "partly", _("Partly followed")
    NOT_FOLLOWED = "not_followed", _("Not followed")
    UNDER_CONSIDERATION = "pending", _("Under consideration")


# Advice with these statuses comes back on the body's agenda until it gets a final answer.
OPEN_STATUSES = (AdviceStatus.UNANSWERED, AdviceStatus.UNDER_CONSIDERATION)


class AdviceQuerySet(models.QuerySet["Advice"]):
    def open(self) -> "AdviceQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def answered(self) -> "AdviceQuerySet":
        return self.exclude(status__in=OPEN_STATUSES)

    def overdue(self, on: Any = None) -> "AdviceQuerySet":
        return self.open().filter(due_on__lt=on or timezone.localdate())

    def for_body(self, body: Body | int) -> "AdviceQuerySet":
        return self.filter(case__body=body)

    def follow_up(
        self, body: Body | int, *, exclude_meeting: Meeting | None = None
    ) -> "AdviceQuerySet":
        """Advice of the body still without a final answer: it comes back on every agenda as a
        follow-up item until answered (the meeting that gave it excluded)."""
        items = (
            self.for_body(body)
            .open()
            .select_related("case", "recipient_unit", "recipient_person")
            .order_by("due_on", "pk")
        )
        if exclude_meeting is not None:
            items = items.exclude(case__meeting=exclude_meeting)
        return items


class Advice(TrackedModel):
    """The council's advice in one case, as its own record: who must answer, by when, and the
    current answer (the history of answers is AdviceResponse)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="advice", verbose_name=_("case")
    )
    text = models.TextField(_("advice"), max_length=20000)
    recipient_unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient (unit)"),
    )
    recipient_person = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient (person)"),
    )
    due_on = models.DateField(_("answer due"))
    status = models.CharField(
        _("status"), max_length=12, choices=AdviceStatus.choices, default=AdviceStatus.UNANSWERED
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = AdviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("advice")
        verbose_name_plural = _("advice")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_unit__isnull=False) | Q(recipient_person__isnull=False),
                name="advice_has_recipient",
                violation_error_message=_("Choose who must answer the advice."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="advice_status_due_idx"),
            # The ledger's figures read these columns for a year's cases: an index-only scan
            # per case (PostgreSQL), not a scan of all advice (views/ledger.py, figures.py).
            models.Index(
                fields=["case", "id", "status", "due_on", "created_at"],
                name="advice_case_ledger_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.text[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def answerers(self) -> list[Any]:
        """The people who may answer: the named person, or the unit's case handlers."""
        people = [p for p in (self.recipient_person, self.case.owner_person) if p is not None]
        units = [u for u in (self.recipient_unit, self.case.owner_unit) if u is not None]
        if not people and units:
            people = list(
                get_user_model()
                .objects.filter(
                    is_active=True,
                    staff_roles__role__in=ANSWERING_ROLES,
                    staff_roles__organisation__in=units,
                )
                .distinct()
            )
        return people


class AdviceResponse(AppendOnlyModel, TrackedModel):
    """One answer to advice; a changed answer is a new row, so the ledger keeps every answer."""

    class Status(models.TextChoices):
        FOLLOWED = AdviceStatus.FOLLOWED.value, AdviceStatus.FOLLOWED.label
        PARTLY_FOLLOWED = AdviceStatus.PARTLY_FOLLOWED.value, AdviceStatus.PARTLY_FOLLOWED.label
        NOT_FOLLOWED = AdviceStatus.NOT_FOLLOWED.value, AdviceStatus.NOT_FOLLOWED.label
        UNDER_CONSIDERATION = (
            AdviceStatus.UNDER_CONSIDERATION.value,
            AdviceStatus.UNDER_CONSIDERATION.label,
        )

    advice = models.ForeignKey(
        Advice, on_delete=models.PROTECT, related_name="responses", verbose_name=_("advice")
    )
    status = models.CharField(_("answer"), max_length=12, choices=Status.choices)
    reasoning = models.TextField(_("reasoning"), max_length=20000)
    responded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by")
    )
    responded_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer to advice")
        verbose_name_plural = _("answers to advice")
        ordering = ["advice", "-responded_at", "-pk"]
        # The ledger's first answer per advice (MIN of responded_at) from the index alone.
        indexes = [models.Index(fields=["advice", "responded_at"], name="response_advice_at_idx")]

    def __str__(self) -> str:
        return f"{self.advice.case.reference}: {self.get_status_display()}"
