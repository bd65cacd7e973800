from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "medvirke.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .caching import create_cache_table
        from .tasks import connect as connect_task_signals

        # sender=self: once per migrate run, not once per installed app.
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="medvirke_cache_table")
        connect_task_signals()  # a finished task's arguments are blanked (invitation tokens)
