"""The demo's logins: every demo person has a verified e-mail address and the shared password,
so anyone trying the demo can log in as any of them at once."""

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from medvirke.core.history import record
from medvirke.core.models import AuditEvent

DEMO_PASSWORD = "medvirke-demo-2026"  # noqa: S105 (printed for the demo on purpose)

# (e-mail, name, what they can do), as `load_demo` prints them.
Login = tuple[str, str, str]


def demo_user(email: str, name: str, **extra: Any) -> Any:
    """The demo person with this address, created the first time (with the demo password and a
    verified address). Accounts has no verb that creates a login with a password (real people
    choose their own through an invitation), so the row is made here, with its history event as
    `request_to_join` writes one for an account it creates."""
    user_model: Any = get_user_model()
    user = user_model.objects.filter(email=email).first()
    if user is None:
        user = user_model.objects.create_user(email, DEMO_PASSWORD, full_name=name, **extra)
        record(
            actor=None,
            action=AuditEvent.Action.CREATED,
            obj=user,
            changes={"email": [None, email], "full_name": [None, name]},
            note="demo",
        )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user
