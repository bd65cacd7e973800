from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BodiesConfig(AppConfig):
    name = "medvirke.bodies"
    label = "bodies"
    verbose_name = _("Councils and groups")

    def ready(self) -> None:
        from medvirke.representatives.permissions import EXTRA_HEALTH_ACCESS

        from .permissions import is_handling_secretariat

        EXTRA_HEALTH_ACCESS.append(is_handling_secretariat)
