"""Rows for the query-count tests, bulk-created: 1,000 cases, papers or pieces of advice through
the services would take minutes, and the pages read only the rows, not how they came to be."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db.models import Max
from django.utils import timezone

from medvirke.bodies.models import Body
from medvirke.meetings.models import Advice, AdviceResponse, Case, Meeting, Paper

from .conftest import at


def meetings(world: Any, body: Body, days: Iterable[int], **kw: Any) -> list[Meeting]:
    """A planned meeting of `body` on each day in `days` (counted from today), 10 to 14."""
    return Meeting.objects.bulk_create(
        Meeting(
            body=body,
            starts_at=at(day, 10),
            ends_at=at(day, 14),
            place="Rom 1",
            created_by=world.secretary,
            **kw,
        )
        for day in days
    )


def cases(
    world: Any, body: Body, meeting: Meeting | None, n: int, title: str = "Sak", **kw: Any
) -> list[Case]:
    """`n` advice cases of `body` on `meeting` (or none), numbered on from the year's last."""
    year = timezone.localtime(meeting.starts_at).year if meeting else timezone.localdate().year
    last = Case.objects.filter(body=body, year=year).aggregate(n=Max("number"))["n"] or 0
    fields: dict[str, Any] = {
        "kind": Case.Kind.ADVICE,
        "ladder_step": 2,
        "no_individual_patient": True,
        "owner_person": world.case_handler,
        **kw,
    }
    return Case.objects.bulk_create(
        Case(
            body=body,
            year=year,
            number=last + 1 + i,
            meeting=meeting,
            agenda_order=i,
            title=f"{title} {last + 1 + i}",
            created_by=world.secretary,
            **fields,
        )
        for i in range(n)
    )


def papers(world: Any, meeting: Meeting, for_cases: list[Case | None], **kw: Any) -> list[Paper]:
    """One paper on `meeting` for each entry of `for_cases` (None: a paper for the meeting)."""
    return Paper.objects.bulk_create(
        Paper(
            meeting=meeting,
            case=case,
            title=f"Saksframlegg {i}",
            file=f"papers/bulk-{meeting.pk}-{i}.pdf",
            content_type="application/pdf",
            size=1000,
            published_by=world.secretary,
            **kw,
        )
        for i, case in enumerate(for_cases)
    )


def advice(world: Any, for_cases: list[Case], due_in: int = 30, **kw: Any) -> list[Advice]:
    """Unanswered advice in each case, to the case handler unless told otherwise."""
    kw.setdefault("recipient_person", world.case_handler)
    return Advice.objects.bulk_create(
        Advice(
            case=case,
            text=f"Råd i {case.title}",
            due_on=timezone.localdate() + timedelta(days=due_in),
            created_by=world.secretary,
            **kw,
        )
        for case in for_cases
    )


def answer(world: Any, given: list[Advice], status: str) -> None:
    """Answer each piece of advice with `status` (the advice's current answer set to match)."""
    AdviceResponse.objects.bulk_create(
        AdviceResponse(advice=a, status=status, reasoning="Svar", responded_by=world.case_handler)
        for a in given
    )
    Advice.objects.filter(pk__in=[a.pk for a in given]).update(status=status)
