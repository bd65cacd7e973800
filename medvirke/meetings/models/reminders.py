"""What the daily reminder job (meetings/reminders.py) has sent: one row per kind, record and
step, so a second run, a caught-up day or a second worker never sends a reminder again."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from medvirke.core.models import AppendOnlyModel


class Reminder(AppendOnlyModel):
    """One reminder sent: about advice past its date (`object_id` is the advice, `step` 1 when
    the date has passed, 2 a fortnight later) or about a meeting's papers due (`object_id` is
    the meeting, step 1). No foreign key: removing wrongly recorded advice must not be stopped,
    or its deletion widened, by the record that it was once reminded of."""

    class Kind(models.TextChoices):
        ADVICE_OVERDUE = "advice_overdue", _("Advice past its date")
        PAPERS_DUE = "papers_due", _("Papers due")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    step = models.PositiveSmallIntegerField(_("step"), default=1)
    # The day the job ran for (yesterday when it caught up) and how many people it told.
    for_day = models.DateField(_("for the day"))
    recipients = models.PositiveIntegerField(_("people told"), default=0)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "step"], name="reminder_once_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id} ({self.step})"
