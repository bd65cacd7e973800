"""The meeting page and the influence ledger's figures keep a flat number of queries while a
body's history grows: more cases with owners and papers, earlier meetings with advice, answers,
attendance and absence notices. The page shows what was added, with the same queries."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from medvirke.core.testing import count_queries
from medvirke.meetings import services
from medvirke.meetings.models import Advice, AdviceResponse, Meeting

from .conftest import Council, case, plan
from .test_pages_minutes import login, text

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
S = AdviceResponse.Status


def paper(world: Any, meeting: Meeting, title: str, **kw: Any) -> None:
    services.publish_paper(
        meeting,
        upload=SimpleUploadedFile(f"{title}.pdf", PDF),
        title=title,
        by=world.secretary,
        **kw,
    )


def grow(world: Any, council: Council, meeting: Meeting, n: int) -> None:
    """`n` more of everything: an earlier held meeting with advice (answered, changed, open)
    and attendance, and on `meeting` cases with an owner unit or person and their papers."""
    earlier = plan(world, council.body, days=-30 - n)
    for i in range(n):
        sak = case(world, council.body, earlier, title=f"Tidligere sak {n}-{i}")
        recipient = (
            {"recipient_unit": world.clinic} if i % 2 else {"recipient_person": world.case_handler}
        )
        advice = services.record_advice(
            sak,
            text=f"Råd {n}-{i}",
            due_on=timezone.localdate() + timedelta(days=i - 2),
            by=world.secretary,
            **recipient,
        )
        if i % 3 == 1:
            services.respond_to_advice(
                advice, status=S.UNDER_CONSIDERATION, reasoning="Vurderes", by=world.case_handler
            )
        if i % 3 == 2:
            services.respond_to_advice(
                advice, status=S.FOLLOWED, reasoning="Fulgt", by=world.case_handler
            )
    services.mark_held(earlier, by=world.secretary)
    for rep in council.members:
        services.record_attendance(
            earlier,
            person=rep.user,
            by=world.secretary,
            arrived_at=earlier.starts_at,
            left_at=earlier.ends_at,
        )
    for i in range(n):
        owner = {"owner_unit": world.clinic} if i % 2 else {}
        sak = case(world, council.body, meeting, title=f"Sak på agendaen {n}-{i}", **owner)
        paper(world, meeting, f"Saksframlegg {n}-{i}", case=sak)
        paper(world, meeting, f"Vedlegg {n}-{i}", case=sak)
    paper(world, meeting, f"Innkalling {n}")


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
    grow(world, council, meeting, 1)

    def counts() -> dict[str, int]:
        return {
            "meeting as secretariat": count_queries(secretary, meeting_url),
            "meeting as member": count_queries(member, meeting_url),
            "body ledger": count_queries(secretary, body_url),
            "owner ledger": count_queries(administrator, owner_url),
        }

    small = counts()
    grow(world, council, meeting, 6)
    assert counts() == small

    # What was added is on the pages: the agenda with owners and papers, the open advice.
    page = text(secretary.get(meeting_url))
    assert "Sak på agendaen 6-5" in page and "Vedlegg 6-5" in page and "Innkalling 6" in page
    assert world.clinic.name in page
    assert "Råd 6-0" in page  # open advice from the earlier meeting: a follow-up item
    assert "Råd 6-2" not in page  # followed: no longer waiting
    assert "Sak på agendaen 6-5" in text(member.get(meeting_url))
    given = Advice.objects.filter(case__year=int(year.split("=")[1])).count()
    assert given >= 6
    ledger = text(secretary.get(body_url))
    assert f'<th scope="row">Advice given</th><td>{given}</td>' in ledger
    assert f'<th scope="row">Advice given</th><td>{given}</td><td>{given}</td>' in text(
        administrator.get(owner_url)
    )
