"""The person's own notifications ("Varsler"): the list, and marking them as read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import Notification

PAGE_SIZE = 50


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.for_user(request.user)
    page = Paginator(mine.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    return render(
        request,
        "core/notifications.html",
        {
            "page": page,
            "unread_count": mine.unread().count(),
            "trail": [{"url": reverse("dashboard"), "label": _("Overview")}],
        },
    )


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or reverse("notifications")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("notifications")
    return redirect(target)


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    Notification.objects.filter(pk=notification.pk).mark_read()
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.for_user(request.user).mark_read()
    return _back(request)
