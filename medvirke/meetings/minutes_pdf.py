"""The minutes as read on the pages and printed as a PDF (Typst), in a full version for the
secretariat and members and a public version that leaves out exempt cases.

Escaping works as for the letters (bodies/letters.py): the Typst source holds layout only and
every text arrives as JSON data through `sys.inputs`, placed as plain text, never markup.
"""

import json
from pathlib import Path
from typing import Any

import typst
from django.db.models import Max, Prefetch
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from medvirke.representatives.models import Representative

from .models import Advice, Attendance, Case, CaseConclusion, Dissent, Minutes

TEMPLATE = Path(__file__).parent / "templates" / "meetings" / "minutes" / "minutes.typ"


def case_rows(minutes: Minutes) -> list[dict[str, Any]]:
    """Per case on the agenda: the case, its conclusion (or None), the dissents and the advice
    (three queries, whatever the number of cases)."""
    cases = list(
        Case.objects.on_agenda(minutes.meeting).select_related("owner_unit", "owner_person")
    )
    conclusions = {
        c.case_id: c
        for c in CaseConclusion.objects.filter(minutes=minutes).prefetch_related(
            Prefetch(
                "dissents",
                queryset=Dissent.objects.select_related("person").order_by("pk"),
                to_attr="dissent_list",
            )
        )
    }
    advice: dict[int, list[Advice]] = {}
    for item in (
        Advice.objects.filter(case__in=cases)
        .select_related("recipient_unit", "recipient_person")
        .order_by("pk")
    ):
        advice.setdefault(item.case_id, []).append(item)
    rows = []
    for case in cases:
        conclusion = conclusions.get(case.pk)
        rows.append(
            {
                "case": case,
                "conclusion": conclusion,
                "dissents": conclusion.dissent_list if conclusion else [],
                "advice": advice.get(case.pk, []),
                "takes_advice": case.kind in (Case.Kind.ADVICE, Case.Kind.CONSULTATION),
            }
        )
    return rows


def _publicly_named(rows: list[dict[str, Any]]) -> set[int]:
    """The dissenting members who may be named in public (one query): as on the public
    pages, those who consented, are not anonymised and have a name."""
    people = {d.person_id for row in rows for d in row["dissents"]}
    if not people:
        return set()
    return set(
        Representative.objects.active()
        .filter(user_id__in=people, public_consent=True)
        .exclude(user__full_name="")
        .values_list("user_id", flat=True)
    )


def _dissent_label(dissent: Dissent, named: set[int] | None) -> str:
    """Whose dissent it is; `named` (public version) limits the names to those who consented."""
    if named is not None and dissent.person_id not in named:
        return _("Dissent from a member")
    return _("Dissent from %(person)s") % {"person": dissent.person}


def _day(value: Any) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def minutes_data(minutes: Minutes, *, public: bool) -> dict[str, Any]:
    """The texts of the PDF in the current language; `public` leaves out exempt cases (only
    their number and the legal basis are given) and the names of those present, and names a
    dissenting member only if they consented to being named in public ("a member" otherwise)."""
    meeting = minutes.meeting
    body = meeting.body
    starts = timezone.localtime(meeting.starts_at)
    version = minutes.versions.aggregate(top=Max("number"))["top"]
    status = minutes.get_status_display()
    if version:
        status = _("%(status)s, version %(number)s") % {"status": status, "number": version}
    facts = [
        (_("Body"), body.name),
        (_("Owner"), body.owner.name),
        (_("Time"), f"{_day(starts.date())} {starts:%H:%M}"),
        (_("Place"), meeting.place or "–"),
        (_("Status"), str(status)),
    ]
    if not public:
        present = [
            str(a.person)
            for a in Attendance.objects.filter(meeting=meeting, present=True)
            .select_related("person")
            .order_by("person__full_name")
        ]
        facts.append((_("Present"), ", ".join(present) or "–"))
    cases: list[dict[str, Any]] = []
    rows = case_rows(minutes)
    named = _publicly_named(rows) if public else None
    for row in rows:
        case = row["case"]
        heading = _("Case %(ref)s %(title)s") % {"ref": case.reference, "title": case.title}
        if public and not case.is_public:
            cases.append(
                {
                    "heading": _("Case %(ref)s") % {"ref": case.reference},
                    "exempt": _("Exempt from public access (%(basis)s).")
                    % {"basis": case.exemption_basis},
                    "conclusion": "",
                    "dissents": [],
                    "advice": [],
                }
            )
            continue
        conclusion = row["conclusion"]
        cases.append(
            {
                "heading": heading,
                "exempt": ""
                if case.is_public
                else _("Exempt from public access (%(basis)s).") % {"basis": case.exemption_basis},
                "conclusion": conclusion.text if conclusion else _("No conclusion recorded."),
                "dissents": [
                    {"label": _dissent_label(d, named), "text": d.text} for d in row["dissents"]
                ],
                "advice": [
                    {
                        "text": a.text,
                        "line": _("To %(recipient)s, answer due %(date)s")
                        % {
                            "recipient": a.recipient_person or a.recipient_unit,
                            "date": _day(a.due_on),
                        },
                    }
                    for a in row["advice"]
                ],
            }
        )
    title = _("Minutes: %(body)s, %(date)s") % {"body": body.name, "date": _day(starts.date())}
    if public:
        title = _("%(title)s (public version)") % {"title": title}
    return {
        "lang": "nb" if translation.get_language() in ("nb", "no", None) else "en",
        "title": title,
        "author": body.name,
        "facts": facts,
        "text": [p.strip() for p in minutes.text.replace("\r\n", "\n").split("\n\n") if p.strip()],
        "cases_heading": _("Cases"),
        "cases": cases,
        "conclusion_label": _("Conclusion"),
        "advice_label": _("The council's advice"),
        "footer": _("Minutes from Medvirke, %(body)s") % {"body": body.name},
    }


def minutes_pdf(minutes: Minutes, *, public: bool) -> bytes:
    """The minutes as a PDF; `minutes` should come with meeting__body__owner loaded."""
    data = minutes_data(minutes, public=public)
    return typst.compile(
        TEMPLATE.read_bytes(),
        sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)},
        ignore_system_fonts=True,
    )
