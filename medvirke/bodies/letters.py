"""Documents as real PDFs, made with Typst (the `typst` wheel carries the compiler and fonts).

Escaping: the Typst sources in templates/bodies/participation/*.typ hold layout only. Every text
— names, the mandate, a person's own descriptions — is passed as JSON data through
`sys.inputs` and placed with `#d.field` or `text(d.field)`, which Typst always treats as plain
text, never as markup. A name like `*Kari* #import "x"` prints as written; there is no escaping
step that could be forgotten.
"""

import json
from datetime import date
from pathlib import Path
from typing import Any

import typst
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .models import Term

TEMPLATES = Path(__file__).parent / "templates" / "bodies" / "participation"
MANDATE_SUMMARY_CHARS = 1500


def compile_pdf(template: str, data: dict[str, Any]) -> bytes:
    """Compile one of our Typst templates with `data`; only the fonts inside the wheel are
    used, so the PDF looks the same on every server."""
    source = (TEMPLATES / template).read_bytes()
    return typst.compile(
        source,
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        ignore_system_fonts=True,
    )


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def mandate_summary(mandate: str, limit: int = MANDATE_SUMMARY_CHARS) -> list[str]:
    """The mandate's first paragraphs, cut at a word boundary with an ellipsis if it is long."""
    paragraphs, used = [], 0
    for paragraph in _paragraphs(mandate):
        if used + len(paragraph) > limit:
            room = limit - used
            if room > 80:
                paragraphs.append(paragraph[:room].rsplit(" ", 1)[0] + " …")
            elif not paragraphs:
                paragraphs.append(paragraph[:limit].rsplit(" ", 1)[0] + " …")
            else:
                paragraphs[-1] += " …"
            break
        paragraphs.append(paragraph)
        used += len(paragraph)
    return paragraphs


def letter_language(term: Term) -> str:
    return term.representative.user.language or settings.LANGUAGE_CODE


def appointment_letter_data(term: Term) -> dict[str, Any]:
    """The letter's texts in the representative's language (call inside that language)."""
    body = term.seat.body
    owner = body.owner
    person = term.representative.user
    signer = term.appointed_by
    appointed_on = timezone.localtime(term.appointed_at).date()
    nominated_by = term.nominated_by.name if term.nominated_by else _("not recorded")
    facts = [
        (_("Representative"), person.display_name),
        (_("Body"), body.name),
        (_("Owner"), owner.name),
        (_("Role"), term.seat.get_role_display()),
        (_("Term"), f"{_day(term.starts_on)} – {_day(term.ends_on)}"),
        (_("Nominated by"), nominated_by),
        (_("Level"), f"{body.get_level_display()}, {body.get_ladder_step_display()}"),
    ]
    engagements = settings.SITE_URL + reverse("participation_engagements")
    if term.confirmed_at:
        confirm = [
            _("You confirmed the appointment on %(date)s. Thank you.")
            % {"date": _day(timezone.localtime(term.confirmed_at).date())}
        ]
    else:
        confirm = [
            _(
                "Please confirm that you accept the appointment: log in to Medvirke, open "
                "My engagements and choose Confirm. You find it at %(link)s."
            )
            % {"link": engagements}
        ]
    confirm.append(
        _(
            "If you must step down during the term, tell both the body and the organisation "
            "that nominated you, so that a new representative can be appointed. You can do "
            "this under Resign on the same page."
        )
    )
    sender_lines = [line for line in (owner.address, owner.email, owner.phone) if line]
    return {
        "lang": "nb" if translation.get_language() in ("nb", "no", None) else "en",
        "title": _("Appointment to %(body)s") % {"body": body.name},
        "sender": owner.name,
        "sender_lines": sender_lines,
        "place_date": _day(appointed_on),
        "recipient_name": person.display_name,
        "recipient_lines": [person.email],
        "opening": [
            _(
                "%(owner)s appoints you as %(role)s in %(body)s for the term from %(from)s to "
                "%(to)s, on the nomination of %(org)s."
            )
            % {
                "owner": owner.name,
                "role": term.seat.get_role_display().lower(),
                "body": body.name,
                "from": _day(term.starts_on),
                "to": _day(term.ends_on),
                "org": nominated_by,
            },
            _(
                "As a user representative you speak for all patients, users and relatives, "
                "not only for your own experience or organisation."
            ),
        ],
        "facts": facts,
        "mandate_heading": _("The body's mandate (summary)"),
        "mandate": mandate_summary(body.mandate) or [_("No mandate is recorded.")],
        "confirm_heading": _("Confirmation"),
        "confirm": confirm,
        "closing": _("Kind regards"),
        "signer": signer.display_name,
        "signer_title": _("Secretariat, %(body)s") % {"body": body.name},
        "footer": _("Letter of appointment from Medvirke, %(owner)s") % {"owner": owner.name},
    }


def appointment_letter(term: Term) -> bytes:
    """The letter of appointment as a PDF, in the representative's language. `term` should come
    with seat__body__owner, representative__user, nominated_by and appointed_by loaded."""
    with translation.override(letter_language(term)):
        return compile_pdf("letter.typ", appointment_letter_data(term))


def personal_data_pdf(sections: list[dict[str, Any]], *, person: str, language: str) -> bytes:
    """The person's data export as a PDF: `sections` of titled items of (label, value) rows."""
    with translation.override(language):
        data = {
            "lang": "nb" if language in ("nb", "no") else "en",
            "title": _("Personal data held about %(person)s") % {"person": person},
            "person": person,
            "intro": [
                _(
                    "This is everything Medvirke holds about you, made on %(date)s. The same "
                    "data is available as a JSON file for other programs."
                )
                % {"date": _day(timezone.localdate())},
            ],
            "nothing": _("Nothing registered."),
            "sections": sections,
            "footer": _("Medvirke – your data"),
        }
        return compile_pdf("personal_data.typ", data)
