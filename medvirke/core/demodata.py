"""Shared pieces for the apps' demo modules (`<app>/demo.py`, loaded by `load_demo`)."""

from typing import Any

DEMO_PASSWORD = "medvirke-demo-2026"  # noqa: S105 (printed for the demo on purpose)


def demo_user(email: str, name: str, **extra: Any) -> Any:
    """A demo person who can log in at once (verified e-mail, the shared demo password)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user_model: Any = get_user_model()
    user = user_model.objects.filter(email=email).first()
    if user is None:
        user = user_model.objects.create_user(email, DEMO_PASSWORD, full_name=name, **extra)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user
