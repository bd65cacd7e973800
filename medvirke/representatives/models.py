"""The representatives' database (001 p.13, 26): people with own experience as patient or
relative, their health-data consent, affiliations, employment declarations and wishes.

The experience description and experience areas are health data (GDPR art. 9): they are kept only
while consent is given, never copied into the history (the history says they changed, not what
they say), and every read of them is written to the access log (see permissions.py).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medvirke.core.models import TrackedModel
from medvirke.organisations.models import Organisation


class ExperienceAreaQuerySet(models.QuerySet["ExperienceArea"]):
    def active(self) -> "ExperienceAreaQuerySet":
        return self.filter(is_active=True)


class ExperienceArea(TrackedModel):
    """A managed list (somatikk, psykisk helse, rus/TSB, kreft ...) that administrators edit."""

    name_nb = models.CharField(_("name (Bokmål)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    # Trust councils must cover somatic, mental health and TSB (Helse Vest guidelines).
    required_for_trust_councils = models.BooleanField(
        _("required in trust user councils"), default=False
    )
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = ExperienceAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("experience area")
        verbose_name_plural = _("experience areas")
        ordering = ["sort_order", "name_nb"]

    def __str__(self) -> str:
        return self.name_en if (get_language() or "nb").startswith("en") else self.name_nb


class RepresentativeQuerySet(models.QuerySet["Representative"]):
    def active(self) -> "RepresentativeQuerySet":
        return self.filter(deleted_at__isnull=True)

    def in_organisations(self, organisation_ids: list[int]) -> "RepresentativeQuerySet":
        """Representatives affiliated (approved or not) with any of these organisations."""
        return self.filter(affiliations__organisation_id__in=organisation_ids).distinct()

    def approved_by(self, organisation: Organisation) -> "RepresentativeQuerySet":
        return self.filter(
            affiliations__organisation=organisation,
            affiliations__status=Affiliation.Status.APPROVED,
        )

    def with_consent(self) -> "RepresentativeQuerySet":
        return self.filter(health_consent_at__isnull=False)

    def health_shared_with(self, organisation_ids: list[int]) -> "RepresentativeQuerySet":
        """People who share their health data with these organisations: the coordinators'
        half of the rule (permissions.health_shared_with_q, with the rest of it)."""
        from .permissions import health_shared_with_q

        return self.filter(health_shared_with_q(organisation_ids))

    def health_visible_to(self, user: Any) -> "RepresentativeQuerySet":
        """The people whose health data (experience areas and description) `user` may see:
        THE rule, for one person and for lists alike (permissions.can_see_health_data and
        permissions.health_visible_ids are built on this). See permissions.health_access."""
        # The rule, its parts and the rules registered by apps above live together in
        # permissions.py (which imports this module), hence the import here.
        from .permissions import health_access

        condition = health_access(user)
        return self.filter(condition) if condition is not None else self.none()

    def search(self, text: str) -> "RepresentativeQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(user__full_name__icontains=text) | Q(user__email__icontains=text))


class Representative(TrackedModel):
    class Experience(models.TextChoices):
        PATIENT = "patient", _("Patient / service user")
        RELATIVE = "relative", _("Relative")
        BOTH = "both", _("Both patient and relative")

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        OTHER = "other", _("Other")
        UNSPECIFIED = "unspecified", _("Prefer not to say")

    class Language(models.TextChoices):
        NB = "nb", _("Norwegian (Bokmål)")
        NN = "nn", _("Norwegian (Nynorsk)")
        SE = "se", _("North Sami")
        SMA = "sma", _("South Sami")
        SMJ = "smj", _("Lule Sami")
        EN = "en", _("English")
        OTHER = "other", _("Other")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="representative",
        verbose_name=_("person"),
    )
    experience = models.CharField(
        _("own experience as"),
        max_length=10,
        choices=Experience.choices,
        default=Experience.PATIENT,
    )
    # --- health data (GDPR art. 9): only with consent ---
    experience_areas = models.ManyToManyField(
        ExperienceArea,
        blank=True,
        related_name="representatives",
        verbose_name=_("experience areas"),
    )
    experience_description = models.TextField(
        _("description of own experience"), max_length=4000, blank=True
    )
    health_consent_at = models.DateTimeField(
        _("consent to store health data given"), null=True, blank=True
    )
    # --- other profile data ---
    municipality = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
        verbose_name=_("municipality"),
    )
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=12, choices=Gender.choices, default=Gender.UNSPECIFIED
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    minority_background = models.BooleanField(
        _("minority or immigrant background (self-declared)"), null=True, blank=True
    )
    availability = models.TextField(_("availability"), max_length=1000, blank=True)
    wished_areas = models.ManyToManyField(
        ExperienceArea, blank=True, related_name="+", verbose_name=_("areas I want to work with")
    )
    wished_levels = models.JSONField(_("levels I want to work at"), default=list, blank=True)
    hours_per_month = models.PositiveSmallIntegerField(
        _("hours a month I can give"), null=True, blank=True
    )
    public_consent = models.BooleanField(
        _("my name, role and term may be shown on public pages"), default=False
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    deletion_requested_at = models.DateTimeField(_("deletion requested"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    HEALTH_FIELDS = frozenset({"experience_description", "experience_areas"})
    history_redact = frozenset({"experience_description"})
    objects = RepresentativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("user representative")
        verbose_name_plural = _("user representatives")
        ordering = ["user__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="representative_birth_year_sane",
            ),
            # Health data exists only with consent (the database refuses it otherwise).
            models.CheckConstraint(
                condition=Q(health_consent_at__isnull=False) | Q(experience_description=""),
                name="representative_health_data_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.user.display_name

    @property
    def has_health_consent(self) -> bool:
        return self.health_consent_at is not None

    def age(self, on: Any = None) -> int | None:
        if self.birth_year is None:
            return None
        return (on or timezone.localdate()).year - self.birth_year

    @property
    def is_young(self) -> bool:
        """Youth representation in councils: up to 25 (ungdomsråd practice)."""
        age = self.age()
        return age is not None and age <= 25

    @property
    def is_sami_speaker(self) -> bool:
        return bool({"se", "sma", "smj"} & set(self.languages or []))


class Affiliation(TrackedModel):
    """Membership of a user organisation, approved (or not) by that organisation's coordinator."""

    class Status(models.TextChoices):
        # The person asked to join; the organisation has not decided yet.
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")
        # Ended by the person or by the organisation's coordinator; kept for the record.
        ENDED = "ended", _("Ended")

    representative = models.ForeignKey(
        Representative,
        on_delete=models.CASCADE,
        related_name="affiliations",
        verbose_name=_("representative"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="representative_affiliations",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.UniqueConstraint(
                fields=["representative", "organisation"],
                name="affiliation_unique",
                violation_error_message=_(
                    "The person is already registered with this organisation."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.representative} – {self.organisation}"


class JoinRequestQuerySet(models.QuerySet["JoinRequest"]):
    def open(self) -> "JoinRequestQuerySet":
        return self.filter(status=JoinRequest.Status.OPEN)

    def for_person(self, user: Any) -> "JoinRequestQuerySet":
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user_id=user.pk)


class JoinRequest(TrackedModel):
    """An organisation's request that a person join it as a user representative, answered by
    the person on their own page (representatives/foresporsler/).

    Registering someone by e-mail makes one of these whether or not the address has an
    account: a coordinator never gets an affiliation, a profile or health data by typing an
    address. Until the person accepts, the organisation sees only what it typed (name and
    address) and that the request waits for an answer; `user` (the account the address led
    to) is never shown to it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Said yes")
        DECLINED = "declined", _("Said no")
        # Closed without an answer: the person's data was deleted at their request.
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="join_requests",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="join_requests",
        verbose_name=_("person"),
    )
    email = models.EmailField(_("e-mail address as typed"), max_length=254)
    full_name = models.CharField(_("name as typed"), max_length=200)
    # Filled into a new profile if the person accepts and has none (typed by the coordinator).
    municipality = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked by"),
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    # The account the address led to is bookkeeping for answering, never shown to the
    # organisation, so not in its history either (the typed address is).
    history_exclude = TrackedModel.history_exclude | {"user"}
    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open request per organisation and person: registering again while one
            # waits does not ask twice (the database settles two coordinators at once).
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(status="open"),
                name="join_request_one_open",
            ),
        ]

    def __str__(self) -> str:
        # The typed name, never the account's: this is what the organisation knows.
        return f"{self.full_name} – {self.organisation}"


class EmploymentDeclaration(TrackedModel):
    """A declared employment: the basis of the conflict-of-interest check (000 merknad;
    001 p.18)."""

    representative = models.ForeignKey(
        Representative,
        on_delete=models.CASCADE,
        related_name="employments",
        verbose_name=_("representative"),
    )
    employer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("employer in Medvirke"),
    )
    employer_name = models.CharField(_("employer"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("employment declaration")
        verbose_name_plural = _("employment declarations")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="employment_ends_after_start",
                violation_error_message=_("The employment cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.employer_name} ({self.starts_on:%Y}–{self.ends_on or ''})"

    def is_current(self, on: Any = None) -> bool:
        day = on or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class ExternalEngagement(TrackedModel):
    """An engagement the representative reports that Medvirke does not know of (a project group
    elsewhere), so their organisation sees the whole picture."""

    representative = models.ForeignKey(
        Representative,
        on_delete=models.CASCADE,
        related_name="external_engagements",
        verbose_name=_("representative"),
    )
    title = models.CharField(_("what"), max_length=200)
    organisation_name = models.CharField(_("where"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("other engagement")
        verbose_name_plural = _("other engagements")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="external_engagement_ends_after_start",
                violation_error_message=_("The engagement cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.organisation_name}"
