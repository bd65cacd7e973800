"""The influence ledger's pages: the case owner's task list "Advice to follow up" with the
answer form, one piece of advice with its answers, and the figures per body and per owner
organisation and year (an accessible chart, the same numbers in a table, CSV and XLSX)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from medvirke.bodies.models import Body
from medvirke.core import exports
from medvirke.core.once import once_per_form
from medvirke.organisations.models import Organisation

from .. import figures, permissions, services
from ..forms.minutes import ResponseForm
from ..models import OPEN_STATUSES, Advice, Case

OPEN_FIRST = CaseWhen(
    When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
)


def _ledger_trail() -> list[dict[str, str]]:
    return [{"label": _("Advice to follow up"), "url": reverse("advice_follow_up")}]


# --- the case owner's task list and answers -----------------------------------------------------


@login_required
def advice_follow_up(request: HttpRequest) -> HttpResponse:
    """Advice addressed to the person or their units, or in cases they own; open first."""
    items = list(
        permissions.advice_to_answer(request.user)
        .select_related("case__body", "recipient_unit", "recipient_person")
        .annotate(open_first=OPEN_FIRST)
        .order_by("open_first", "due_on", "pk")
    )
    today = timezone.localdate()
    return render(
        request,
        "meetings/ledger/mine.html",
        {
            "open_items": [a for a in items if a.is_open],
            "answered": [a for a in items if not a.is_open],
            "today": today,
        },
    )


def _advice_page(
    request: HttpRequest, advice: Advice, form: ResponseForm | None, status: int = 200
) -> HttpResponse:
    may_respond = permissions.can_respond(request.user, advice)
    if may_respond and form is None:
        form = ResponseForm()
    return render(
        request,
        "meetings/ledger/advice.html",
        {
            "advice": advice,
            "case": advice.case,
            "responses": list(advice.responses.select_related("responded_by")),
            "form": form if may_respond else None,
            "trail": _ledger_trail(),
            "overdue": advice.is_open and advice.due_on < timezone.localdate(),
        },
        status=status,
    )


@login_required
@once_per_form
def advice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One piece of advice and its answers; the case owner or the recipient answers here (a
    changed answer is a new row)."""
    advice = permissions.get_advice_for_user(request.user, pk)
    if request.method != "POST":
        return _advice_page(request, advice, None)
    if not permissions.can_respond(request.user, advice):
        return render(
            request,
            "meetings/ledger/refused.html",
            {
                "message": _(
                    "Only the case owner or the recipient can answer the advice. You can "
                    "read it, but your answer was not saved."
                ),
                "back": reverse("advice_detail", args=[advice.pk]),
                "trail": _ledger_trail(),
            },
            status=403,
        )
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.respond_to_advice(
                advice,
                status=form.cleaned_data["status"],
                reasoning=form.cleaned_data["reasoning"],
                by=request.user,
            )
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Your answer is saved; the council and the representatives are told."),
            )
            return redirect("advice_follow_up")
    return _advice_page(request, advice, form, status=400)


# --- figures ------------------------------------------------------------------------------------


def _year(request: HttpRequest, years: list[int]) -> int:
    try:
        return int(request.GET.get("aar", ""))
    except ValueError:
        return years[0] if years else timezone.localdate().year


def _years(cases: QuerySet[Case]) -> list[int]:
    return sorted(set(cases.order_by().values_list("year", flat=True).distinct()), reverse=True)


def _body_scope(request: HttpRequest, body: Body) -> dict[str, Any]:
    all_cases = Case.objects.filter(body=body)
    years = _years(all_cases)
    year = _year(request, years)
    result = figures.compute(
        all_cases.filter(year=year), Advice.objects.filter(case__body=body, case__year=year)
    )
    return {
        "title": _("Influence ledger: %(name)s") % {"name": body.name},
        "name": body.name,
        "year": year,
        "years": years,
        "figures": result[None],
        "table": figures.table(result, [(None, body.name)]),
        "page": reverse("ledger_body", args=[body.pk]),
        "export": lambda fmt: reverse("ledger_body_export", args=[body.pk, fmt]),
    }


def _owned_bodies(org: Organisation) -> list[tuple[int, str]]:
    """(pk, name) of the bodies owned by the organisation or any below it: one query, the
    owners matched by their path."""
    owners = Organisation.objects.below(org).values("pk")
    return list(Body.objects.filter(owner__in=owners).order_by("name").values_list("pk", "name"))


def _owner_scope(request: HttpRequest, org: Organisation) -> dict[str, Any]:
    bodies = _owned_bodies(org)
    ids = [pk for pk, _name in bodies]
    all_cases = Case.objects.filter(body_id__in=ids)
    years = _years(all_cases)
    year = _year(request, years)
    result = figures.compute(
        all_cases.filter(year=year),
        Advice.objects.filter(case__body_id__in=ids, case__year=year),
        group="body",
    )
    columns = [(pk, name) for pk, name in bodies if pk in result]
    return {
        "title": _("Influence ledger: %(name)s") % {"name": org.name},
        "name": org.name,
        "year": year,
        "years": years,
        "figures": result[None],
        "table": figures.table(result, [(None, _("Total")), *columns]),
        "page": reverse("ledger_owner", args=[org.pk]),
        "export": lambda fmt: reverse("ledger_owner_export", args=[org.pk, fmt]),
    }


def _ledger_page(request: HttpRequest, scope: dict[str, Any]) -> HttpResponse:
    year = scope["year"]
    header, *rows = scope["table"]
    return render(
        request,
        "meetings/ledger/figures.html",
        {
            **scope,
            "header": header,
            "rows": rows,
            "chart": figures.chart_bars(scope["figures"]),
            "csv_url": scope["export"]("csv") + f"?aar={year}",
            "xlsx_url": scope["export"]("xlsx") + f"?aar={year}",
        },
    )


def _export(scope: dict[str, Any], fmt: str) -> HttpResponseBase:
    # Through core.exports: a body or organisation name that begins like a formula is written
    # as text, and the counts stay numbers.
    name = f"laering-{slugify(scope['name'])[:60]}-{scope['year']}"
    if fmt == "csv":
        return exports.csv_response(scope["table"], f"{name}.csv")
    if fmt == "xlsx":
        return exports.xlsx_response(
            scope["table"],
            f"{name}.xlsx",
            sheet_title=str(scope["year"]),
            column_widths={"A": 45},
        )
    raise Http404


@login_required
def ledger_body(request: HttpRequest, pk: int) -> HttpResponse:
    body = permissions.get_ledger_body_for_user(request.user, pk)
    return _ledger_page(request, _body_scope(request, body))


@login_required
def ledger_owner(request: HttpRequest, pk: int) -> HttpResponse:
    org = permissions.get_ledger_owner_for_user(request.user, pk)
    return _ledger_page(request, _owner_scope(request, org))


@login_required
def ledger_body_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    body = permissions.get_ledger_body_for_user(request.user, pk)
    return _export(_body_scope(request, body), fmt)


@login_required
def ledger_owner_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    org = permissions.get_ledger_owner_for_user(request.user, pk)
    return _export(_owner_scope(request, org), fmt)
