from typing import Any

from django.http import HttpRequest

from .models import Notification


def notifications(request: HttpRequest) -> dict[str, Any]:
    """`unread_notifications`: the logged-in person's unread count, queried only if a template
    uses it (one COUNT query, once per request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cache: dict[str, int] = {}

    def unread_notifications() -> int:
        if "count" not in cache:
            cache["count"] = Notification.objects.for_user(user).unread().count()
        return cache["count"]

    return {"unread_notifications": unread_notifications}
