"""Meetings and what belongs to one: the agenda's cases (numbered per body and year, "Sak
12/26"), case proposals, papers, absence notices and attendance."""

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medvirke.bodies.models import Body, Seat, Term, TermQuerySet
from medvirke.core.models import TrackedModel
from medvirke.organisations.models import Organisation

from .membership import VOTING_ROLES, Quorum, member_terms, members_of

# How many days before the meeting papers are due, unless the meeting says otherwise.
DEFAULT_PAPER_DEADLINE_DAYS = 7

User = settings.AUTH_USER_MODEL


# --- meetings -----------------------------------------------------------------------------------


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def for_body(self, body: Body | int) -> "MeetingQuerySet":
        return self.filter(body=body)

    def in_year(self, year: int) -> "MeetingQuerySet":
        """The body's meeting plan for one year."""
        return self.filter(starts_at__year=year).order_by("starts_at")

    def upcoming(self, now: datetime | None = None) -> "MeetingQuerySet":
        return self.filter(ends_at__gt=now or timezone.now()).order_by("starts_at")

    def past(self, now: datetime | None = None) -> "MeetingQuerySet":
        return self.filter(ends_at__lte=now or timezone.now()).order_by("-starts_at")


class Meeting(TrackedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CALLED = "called", _("Called")
        HELD = "held", _("Held")
        MINUTES_APPROVED = "minutes_approved", _("Minutes approved")

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("body")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    paper_deadline_days = models.PositiveSmallIntegerField(
        _("papers due (days before the meeting)"), default=DEFAULT_PAPER_DEADLINE_DAYS
    )
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("planned by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic lock (core/locking.py): the edit form carries the version it was opened with.
    version = models.PositiveIntegerField(default=1, editable=False)

    history_exclude = frozenset({"version"})

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("A meeting must end after it starts."),
            ),
        ]
        indexes = [models.Index(fields=["body", "starts_at"], name="meeting_body_start_idx")]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at)
        return f"{self.body} {when:%d.%m.%Y}" + (f" – {self.title}" if self.title else "")

    @property
    def papers_due_at(self) -> datetime:
        try:
            return self.starts_at - timedelta(days=self.paper_deadline_days)
        except OverflowError:
            # A meeting stored in year 1 (before the forms bounded dates): its page still shows.
            return self.starts_at

    def has_started(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    @property
    def day(self) -> date:
        """The meeting's date where it is held (terms are current or not per day)."""
        return timezone.localtime(self.starts_at).date()

    def member_terms(self) -> TermQuerySet:
        """The terms current in the body on the meeting's day."""
        return member_terms(self.body_id, self.day)

    def members(self) -> list[Any]:
        """The people holding those terms: who is called and told about the meeting."""
        return members_of(self.body_id, self.day)

    def quorum(self, at: datetime | None = None) -> Quorum:
        """More than half of the members present (deputies standing in for an absent member
        count). Members are the body's voting seats (leader, deputy leader, members), filled or
        not, as the mandate sets the body's size; `at` counts only those there at that moment."""
        seats = Seat.objects.filter(
            body_id=self.body_id, role__in=VOTING_ROLES, retired_on__isnull=True
        ).count()
        present = (
            Attendance.objects.filter(meeting=self)
            .present(at)
            .filter(Q(term__seat__role__in=VOTING_ROLES) | Q(stands_in_for__isnull=False))
            .count()
        )
        return Quorum(members=seats, present=present)


# --- cases ------------------------------------------------------------------------------------


class CaseQuerySet(models.QuerySet["Case"]):
    def for_body(self, body: Body | int) -> "CaseQuerySet":
        return self.filter(body=body)

    def on_agenda(self, meeting: "Meeting") -> "CaseQuerySet":
        return self.filter(meeting=meeting).order_by("agenda_order", "number")

    def public(self) -> "CaseQuerySet":
        return self.filter(is_public=True)


class Case(TrackedModel):
    """A case (sak) on a body's agenda, numbered per body and year: "Sak 12/26"."""

    class Kind(models.TextChoices):
        ORIENTATION = "orientation", _("For information")
        DISCUSSION = "discussion", _("For discussion")
        CONSULTATION = "consultation", _("Consultation / statement")
        ADVICE = "advice", _("Decision / advice")

    class Phase(models.TextChoices):
        IDEA = "idea", _("Idea")
        PLANNING = "planning", _("Planning")
        IMPLEMENTATION = "implementation", _("Implementation")
        EVALUATION = "evaluation", _("Evaluation")

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="cases", verbose_name=_("body")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("case number"))
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("meeting"),
    )
    agenda_order = models.PositiveSmallIntegerField(_("order on the agenda"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=20000, blank=True)
    kind = models.CharField(_("type of case"), max_length=16, choices=Kind.choices)
    owner_unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case owner (unit)"),
    )
    owner_person = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case owner (person)"),
    )
    is_public = models.BooleanField(_("public"), default=True)
    exemption_basis = models.CharField(
        _("legal basis for exemption from public access"), max_length=300, blank=True
    )
    phase = models.CharField(
        _("involvement phase"), max_length=16, choices=Phase.choices, default=Phase.PLANNING
    )
    ladder_step = models.PositiveSmallIntegerField(
        _("step on the participation ladder"), choices=Body.LadderStep.choices
    )
    # The person who registered the case declared it is not about one named patient.
    no_individual_patient = models.BooleanField(_("not about an individual patient"), default=False)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic lock (core/locking.py): the edit form carries the version it was opened with.
    version = models.PositiveIntegerField(default=1, editable=False)

    history_exclude = frozenset({"version"})

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "number"],
                name="case_number_unique_per_body_year",
                violation_error_message=_("This case number is already taken."),
            ),
            models.CheckConstraint(
                condition=Q(is_public=True) | ~Q(exemption_basis=""),
                name="case_exempt_needs_basis",
                violation_error_message=_("Give the legal basis for exempting the case."),
            ),
            models.CheckConstraint(
                condition=Q(ladder_step__gte=1, ladder_step__lte=4),
                name="case_ladder_step_1_to_4",
            ),
        ]
        # The ledger counts a year's cases of some bodies by kind and phase (index-only).
        indexes = [
            models.Index(fields=["body", "year", "kind", "phase"], name="case_body_year_ledger_idx")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        """The number as people say it: "12/26"."""
        return f"{self.number}/{self.year % 100:02d}"


class CaseProposal(TrackedModel):
    """A representative's proposal for the agenda; the secretariat accepts or answers it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Not accepted")

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="case_proposals", verbose_name=_("body")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=20000, blank=True)
    proposed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    answer = models.TextField(_("answer"), blank=True)
    case = models.OneToOneField(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("case"),
    )
    answered_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)

    class Meta:
        verbose_name = _("case proposal")
        verbose_name_plural = _("case proposals")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(answer=""),
                name="case_proposal_decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title


def paper_path(instance: "Paper", filename: str) -> str:
    # The stored name never trusts the uploaded one beyond its (checked) extension.
    return f"meetings/{instance.meeting_id}/{timezone.now():%Y%m%d%H%M%S}-{filename[-80:]}"


class Paper(TrackedModel):
    """A meeting paper (saksdokument), optionally belonging to one case."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="papers", verbose_name=_("meeting")
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="papers",
        verbose_name=_("case"),
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=paper_path, max_length=300)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    # Published after the deadline (meeting start minus its paper deadline): flagged on the agenda.
    late = models.BooleanField(_("published late"), default=False)
    published_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ["published_at"]

    def __str__(self) -> str:
        return self.title


# --- attendance -------------------------------------------------------------------------------


class AbsenceNotice(TrackedModel):
    """A member's absence notice (forfall) and the deputy called in for them."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="absences", verbose_name=_("meeting")
    )
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="+", verbose_name=_("absent member")
    )
    reason = models.TextField(_("message"), max_length=2000, blank=True)
    deputy = models.ForeignKey(
        Term,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deputy called in"),
    )
    deputy_called_at = models.DateTimeField(_("deputy called"), null=True, blank=True)
    sent_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("absence notice")
        verbose_name_plural = _("absence notices")
        ordering = ["sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "term"], name="absence_once_per_meeting"),
            # A deputy stands in for one absent member at a time.
            models.UniqueConstraint(
                fields=["meeting", "deputy"],
                condition=Q(deputy__isnull=False),
                name="deputy_called_once_per_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term.representative} – {self.meeting}"


class AttendanceQuerySet(models.QuerySet["Attendance"]):
    def present(self, at: datetime | None = None) -> "AttendanceQuerySet":
        """Present at the meeting (at a moment: arrived by then and not yet gone)."""
        rows = self.filter(present=True)
        if at is not None:
            rows = rows.filter(
                Q(arrived_at__isnull=True) | Q(arrived_at__lte=at),
                Q(left_at__isnull=True) | Q(left_at__gt=at),
            )
        return rows


class Attendance(TrackedModel):
    """Who was there, recorded by the secretariat, with arrival and departure."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    term = models.ForeignKey(
        Term,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seat held"),
    )
    stands_in_for = models.ForeignKey(
        AbsenceNotice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stands in for"),
    )
    present = models.BooleanField(_("present"), default=True)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="attendance_once_per_person"
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True)
                | Q(arrived_at__isnull=True)
                | Q(left_at__gt=models.F("arrived_at")),
                name="attendance_leaves_after_arrival",
                violation_error_message=_("Departure must be after arrival."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.meeting}"
