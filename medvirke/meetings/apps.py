from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "medvirke.meetings"
    label = "meetings"
    verbose_name = _("Meetings and cases")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (calendar addresses after a password change)
