"""Deploy checks of our own, run by `manage.py check --deploy`."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.SECRET_KEY.startswith("django-insecure"):
        return [
            Error(
                "MEDVIRKE_SECRET_KEY is not set; production must not use the development key.",
                id="medvirke.E001",
            )
        ]
    return []
