"""The public pages (publikum in the domain brief; 000 tiltak 2.2.1.2): councils with their
mandate, ladder step and consenting members, open calls for candidates, and a directory of user
organisations. No login, nothing to change, and the same page for everyone: a logged-in person
sees here exactly what an outsider sees."""

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import queries
from .forms import BodyFilterForm, DirectorySearchForm

PAGE_SIZE = 25


def _trail(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [
        {"label": label, "url": url}
        for label, url in [(_("Public pages"), reverse("portal_home")), *items]
    ]


def _page(request: HttpRequest, rows: Any) -> tuple[Any, str]:
    """The requested page of `rows` and the other query parameters, for the page links."""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("side"))
    params = request.GET.copy()
    params.pop("side", None)
    return page, params.urlencode()


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "body_count": queries.public_bodies().count(),
            "call_count": queries.open_calls().count(),
            "organisation_count": queries.user_organisations(None).count(),
        },
    )


@require_safe
def body_list(request: HttpRequest) -> HttpResponse:
    form = BodyFilterForm(request.GET or None, owners=queries.body_owners())
    bodies = queries.listed_bodies(form.value("q"), form.value("type"), form.value("eier"))
    page, extra = _page(request, bodies)
    return render(
        request,
        "portal/body_list.html",
        {"form": form, "page": page, "extra": extra, "filtered": bool(extra), "trail": _trail()},
    )


@require_safe
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body = queries.public_body(pk)
    members, unnamed = queries.public_members(body, timezone.localdate())
    calls = queries.body_calls(body)
    return render(
        request,
        "portal/body_detail.html",
        {
            "body": body,
            "members": members,
            "unnamed": unnamed,
            "calls": [(call, queries.seats_sought(call)) for call in calls],
            "trail": _trail((_("Councils and groups"), reverse("portal_body_list"))),
        },
    )


@require_safe
def call_list(request: HttpRequest) -> HttpResponse:
    page, extra = _page(request, queries.open_calls())
    return render(
        request,
        "portal/call_list.html",
        {
            "page": page,
            "extra": extra,
            "calls": [(call, queries.seats_sought(call)) for call in page.object_list],
            "trail": _trail(),
        },
    )


@require_safe
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    query = form.value("q")
    page, extra = _page(request, queries.user_organisations(query))
    return render(
        request,
        "portal/organisation_list.html",
        {"form": form, "query": query, "page": page, "extra": extra, "trail": _trail()},
    )
