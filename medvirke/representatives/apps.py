from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepresentativesConfig(AppConfig):
    name = "medvirke.representatives"
    label = "representatives"
    verbose_name = _("Representatives")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (keeps the cached page layout true)
