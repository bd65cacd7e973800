from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BodiesConfig(AppConfig):
    name = "medvirke.bodies"
    label = "bodies"
    verbose_name = _("Councils and groups")

    def ready(self) -> None:
        from medvirke.representatives.permissions import EXTRA_HEALTH_ACCESS

        from .permissions import handling_secretariat_scope

        if handling_secretariat_scope not in EXTRA_HEALTH_ACCESS:
            EXTRA_HEALTH_ACCESS.append(handling_secretariat_scope)
