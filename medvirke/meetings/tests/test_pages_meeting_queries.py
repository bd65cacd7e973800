"""The meeting page and the influence ledger's figures keep a flat number of queries, counted on
the first visit, while a body's history grows from 10 to 1,000 rows of each kind: more cases
with owners and papers, earlier meetings with advice, answers, attendance and absence notices.
The page shows what was added, with the same queries."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from medvirke.core.testing import count_queries
from medvirke.meetings import services
from medvirke.meetings.models import Advice, AdviceResponse, Case, Meeting

from . import bulk
from .conftest import Council
from .test_pages_minutes import login, text

pytestmark = pytest.mark.django_db
S = AdviceResponse.Status


def grow(world: Any, council: Council, meeting: Meeting, n: int) -> None:
    """`n` more of everything: an earlier held meeting with advice (answered, changed, open)
    and attendance, and on `meeting` cases with an owner unit or person and their papers.
    Bulk-created: through the services 1,000 of each would take minutes."""
    (earlier,) = bulk.meetings(world, council.body, [-31], status=Meeting.Status.HELD)
    given = bulk.advice(
        world, bulk.cases(world, council.body, earlier, n // 2, title=f"Tidligere sak {n}")
    ) + bulk.advice(
        world,
        bulk.cases(world, council.body, earlier, n - n // 2, title=f"Tidligere sak {n}b"),
        recipient_person=None,
        recipient_unit=world.clinic,
        due_in=-2,
    )
    bulk.answer(world, given[1::3], S.UNDER_CONSIDERATION)
    bulk.answer(world, given[2::3], S.FOLLOWED)
    for rep in council.members:
        services.record_attendance(
            earlier,
            person=rep.user,
            by=world.secretary,
            arrived_at=earlier.starts_at,
            left_at=earlier.ends_at,
        )
    on_agenda = bulk.cases(
        world, council.body, meeting, n // 2, title=f"Sak på agendaen {n}"
    ) + bulk.cases(
        world,
        council.body,
        meeting,
        n - n // 2,
        title=f"Sak på agendaen {n}b",
        owner_person=None,
        owner_unit=world.clinic,
    )
    bulk.papers(world, meeting, [*on_agenda, *on_agenda, None])


def test_the_meeting_page_and_the_ledger_run_the_same_queries_with_more_history(
    world: Any, council: Council, meeting: Meeting
) -> None:
    secretary, member = login(world.secretary), login(council.members[0].user)
    administrator = login(world.administrator)
    services.send_absence_notice(
        meeting, representative=council.members[1], by=council.members[1].user
    )
    meeting_url = reverse("meeting_detail", args=[meeting.pk])
    # The figures of the year the earlier meetings' advice counts in.
    year = f"?aar={(timezone.localdate() - timedelta(days=31)).year}"
    body_url = reverse("ledger_body", args=[council.body.pk]) + year
    owner_url = reverse("ledger_owner", args=[world.hf.pk]) + year
    grow(world, council, meeting, 10)

    def counts() -> dict[str, int]:
        return {
            "meeting as secretariat": count_queries(secretary, meeting_url),
            "meeting as member": count_queries(member, meeting_url),
            "body ledger": count_queries(secretary, body_url),
            "owner ledger": count_queries(administrator, owner_url),
        }

    small = counts()
    grow(world, council, meeting, 990)
    assert counts() == small

    # What was added is on the pages: the agenda with owners and papers, the open advice.
    last = Case.objects.filter(meeting=meeting).order_by("number").last()
    assert last is not None
    page = text(secretary.get(meeting_url))
    assert last.title in page and world.clinic.name in page
    assert "Råd i Tidligere sak 990" in page  # open advice from the earlier meeting
    assert last.title in text(member.get(meeting_url))
    given = Advice.objects.filter(case__year=int(year.split("=")[1])).count()
    assert given >= 1000
    ledger = text(secretary.get(body_url))
    assert f'<th scope="row">Advice given</th><td>{given}</td>' in ledger
    assert f'<th scope="row">Advice given</th><td>{given}</td><td>{given}</td>' in text(
        administrator.get(owner_url)
    )
