"""The representative's side: my meetings, absence notice (button and e-mail link), proposing
cases and their fate, and the advice I took part in."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from medvirke.bodies.tests.participation_support import make_council
from medvirke.core.models import AuditEvent, Notification
from medvirke.core.testing import count_queries
from medvirke.meetings import services
from medvirke.meetings.links import absence_token, absence_url
from medvirke.meetings.models import (
    AbsenceNotice,
    AdviceResponse,
    Case,
    CaseProposal,
    Meeting,
)

from . import bulk
from .conftest import at, case, plan

pytestmark = pytest.mark.django_db
FNR = "15089310056"  # a valid national identity number (check digits right)


def text(response) -> str:
    return html.unescape(response.content.decode())


def start_now(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=at(0, 0), ends_at=at(1, 0))
    meeting.refresh_from_db()


# --- my meetings ----------------------------------------------------------------------------------


def test_my_meetings_lists_only_the_bodies_i_sit_in(client, world, council, meeting) -> None:
    case(world, council.body, meeting, title="Ventetid i poliklinikken")
    other = make_council(world, name="Et annet råd")
    plan(world, other, days=10, title="Hemmelig møte")
    client.force_login(council.members[0].user)
    page = text(client.get(reverse("my_meetings")))
    assert council.body.name in page and "Ventetid i poliklinikken" in page
    assert "Et annet råd" not in page and "Hemmelig møte" not in page
    assert reverse("my_meeting_absence", args=[meeting.pk]) in page
    assert reverse("meeting_detail", args=[meeting.pk]) in page


def test_my_meetings_links_the_papers_to_the_checked_download(
    client, world, council, meeting
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    sak = case(world, council.body, meeting)
    pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    paper = services.publish_paper(
        meeting,
        upload=SimpleUploadedFile("saksframlegg.pdf", pdf, "application/pdf"),
        title="Saksframlegg ventetid",
        by=world.secretary,
        case=sak,
    )
    client.force_login(council.members[0].user)
    page = text(client.get(reverse("my_meetings")))
    assert "Saksframlegg ventetid" in page
    assert reverse("paper_download", args=[paper.pk]) in page
    assert client.get(reverse("paper_download", args=[paper.pk])).status_code == 200


def test_deputies_see_the_meetings_and_being_called_in(client, world, council, meeting) -> None:
    kari = council.members[0]
    services.send_absence_notice(meeting, representative=kari, by=kari.user)
    client.force_login(council.deputies[0].user)
    page = text(client.get(reverse("my_meetings")))
    assert council.body.name in page and kari.user.display_name in page


def test_outsider_has_no_meetings_and_cannot_propose(client, world, council, meeting) -> None:
    client.force_login(world.outsider)
    assert council.body.name not in text(client.get(reverse("my_meetings")))
    assert client.get(reverse("case_propose")).status_code == 403
    response = client.post(reverse("my_meeting_absence", args=[meeting.pk]))
    assert response.status_code == 403 and not AbsenceNotice.objects.exists()


def test_my_meetings_query_count_is_flat(client, world, council) -> None:
    client.force_login(council.members[0].user)

    def add(n: int) -> None:
        """`n` more meetings, upcoming and past, each with a public and an exempt case."""
        have = Meeting.objects.count()
        for m in bulk.meetings(world, council.body, range(have + 3, have + 3 + n)):
            bulk.cases(world, council.body, m, 1)
            bulk.cases(world, council.body, m, 1, is_public=False, exemption_basis="offl. § 13")

    add(10)
    small = count_queries(client, reverse("my_meetings"))
    add(990)
    services.send_absence_notice(
        Meeting.objects.order_by("pk").last(),  # type: ignore[arg-type]
        representative=council.members[0],
        by=council.members[0].user,
    )
    assert count_queries(client, reverse("my_meetings")) == small


# --- absence --------------------------------------------------------------------------------------


def test_absence_by_the_button_calls_the_first_deputy(client, world, council, meeting) -> None:
    kari = council.members[0]
    client.force_login(kari.user)
    response = client.post(reverse("my_meeting_absence", args=[meeting.pk]), follow=True)
    notice = AbsenceNotice.objects.get(meeting=meeting)
    assert notice.term.representative == kari and notice.sent_by == kari.user
    assert notice.deputy is not None and notice.deputy.representative == council.deputies[0]
    assert Notification.objects.filter(user=council.deputies[0].user).exists()
    assert council.deputies[0].user.display_name in text(response)
    # Sent once: the button is gone, a second post is refused with a message.
    assert reverse("my_meeting_absence", args=[meeting.pk]) not in text(response)
    client.post(reverse("my_meeting_absence", args=[meeting.pk]))
    assert AbsenceNotice.objects.count() == 1


def test_the_button_returns_to_the_page_it_was_on(client, world, council, meeting) -> None:
    client.force_login(council.members[0].user)
    url = reverse("my_meeting_absence", args=[meeting.pk])
    back = reverse("meeting_detail", args=[meeting.pk])
    assert client.post(url, {"next": back})["Location"] == back
    other = plan(world, council.body, days=30)
    url = reverse("my_meeting_absence", args=[other.pk])
    assert client.post(url, {"next": "https://evil.example/"})["Location"] == reverse("my_meetings")


def test_absence_by_the_email_link_works_logged_out(client, world, council, meeting) -> None:
    kari = council.members[0]
    url = reverse("absence_link", args=[absence_token(meeting, kari.user)])
    page = client.get(url)
    assert page.status_code == 200 and kari.user.display_name in text(page)
    response = client.post(url, {"reason": "Sykdom"}, follow=True)
    assert response.status_code == 200
    notice = AbsenceNotice.objects.get(meeting=meeting)
    assert notice.sent_by == kari.user and notice.reason == "Sykdom"
    assert notice.deputy is not None and notice.deputy.representative == council.deputies[0]
    assert Notification.objects.filter(user=council.deputies[0].user).exists()
    assert Notification.objects.filter(user=world.secretary).exists()
    # Opening the link again shows the notice; posting again adds nothing.
    client.post(url)
    assert AbsenceNotice.objects.count() == 1


def test_opening_the_email_link_changes_nothing(client, world, council, meeting) -> None:
    url = reverse("absence_link", args=[absence_token(meeting, council.members[0].user)])
    events, notes = AuditEvent.objects.count(), Notification.objects.count()
    for _i in range(2):
        assert client.get(url).status_code == 200
        assert client.head(url).status_code == 200
    assert not AbsenceNotice.objects.exists()
    assert AuditEvent.objects.count() == events and Notification.objects.count() == notes
    assert client.get(url)["Cache-Control"].startswith("max-age=0")


def test_absence_after_the_meeting_started_is_refused_with_a_message(
    client, world, council, meeting
) -> None:
    kari = council.members[0]
    url = reverse("absence_link", args=[absence_token(meeting, kari.user)])
    start_now(meeting)
    for response in (client.get(url), client.post(url)):
        assert re.search(r"started|startet", text(response))
        assert "<button" not in text(response).split("<main", 1)[1]
    client.force_login(kari.user)
    response = client.post(reverse("my_meeting_absence", args=[meeting.pk]), follow=True)
    assert re.search(r"started|startet", text(response))
    assert not AbsenceNotice.objects.exists()


def test_a_forged_or_altered_link_is_a_404(client, world, council, meeting) -> None:
    kari = council.members[0].user
    token = absence_token(meeting, kari)
    other = absence_token(meeting, council.members[1].user)
    forged = token.split(":")[0] + ":" + other.split(":", 1)[1]
    for bad in (forged, token[:-2] + "xx", "ikke-en-lenke"):
        assert client.get(reverse("absence_link", args=[bad])).status_code == 404
        assert client.post(reverse("absence_link", args=[bad])).status_code == 404
    assert not AbsenceNotice.objects.exists()
    assert absence_url(meeting, kari).startswith("http")


# --- case proposals -------------------------------------------------------------------------------


def test_a_member_proposes_a_case_and_the_secretariat_sees_it(
    client, world, council, meeting
) -> None:
    kari = council.members[0].user
    client.force_login(kari)
    assert client.get(reverse("case_propose")).status_code == 200
    response = client.post(
        reverse("case_propose"),
        {
            "body": council.body.pk,
            "title": "Parkering ved sykehuset",
            "description": "Det er for få plasser for pasienter.",
            "why": "Mange klager.",
        },
    )
    assert response.status_code == 302
    proposal = CaseProposal.objects.get()
    assert proposal.proposed_by == kari and proposal.body == council.body
    assert "Mange klager." in proposal.description
    assert Notification.objects.filter(user=world.secretary, subject__contains="Parkering").exists()
    page = text(client.get(reverse("my_proposals")))
    assert "Parkering ved sykehuset" in page
    client.force_login(world.secretary)
    inbox = text(client.get(reverse("proposal_inbox", args=[council.body.pk])))
    assert "Parkering ved sykehuset" in inbox


def test_a_patient_case_is_refused_at_the_field(client, world, council) -> None:
    client.force_login(council.members[0].user)
    data = {
        "body": council.body.pk,
        "title": "Saken til pasienten",
        "description": f"Gjelder {FNR} sin behandling",
        "why": "",
    }
    response = client.post(reverse("case_propose"), data)
    assert response.status_code == 200
    page = text(response)
    assert re.search(r'id="id_description"[^>]*aria-invalid="true"', page) or re.search(
        r'aria-invalid="true"[^>]*id="id_description"', page
    )
    assert 'id="id_description_error"' in page and 'id="id_title_error"' not in page
    assert "Saken til pasienten" in page  # what was typed is kept
    assert not CaseProposal.objects.exists()


def test_my_proposals_show_their_fate(client, world, council, meeting) -> None:
    kari = council.members[0].user
    accepted = services.propose_case(council.body, title="Godtatt sak", description="", by=kari)
    declined = services.propose_case(council.body, title="Avslått sak", description="", by=kari)
    services.propose_case(council.body, title="Ventende sak", description="", by=kari)
    services.propose_case(
        council.body, title="Olas sak", description="", by=council.members[1].user
    )
    sak = services.accept_proposal(
        accepted, meeting=meeting, kind=Case.Kind.DISCUSSION, by=world.secretary
    )
    services.answer_proposal(
        declined, reason="Hører hjemme i kvalitetsutvalget", by=world.secretary
    )
    client.force_login(kari)
    page = text(client.get(reverse("my_proposals")))
    assert sak.reference in page
    assert timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y") in page
    assert "Hører hjemme i kvalitetsutvalget" in page and "Ventende sak" in page
    assert "Olas sak" not in page


def test_my_proposals_query_count_is_flat(client, world, council, meeting) -> None:
    kari = council.members[0].user
    client.force_login(kari)

    def add(n: int) -> None:
        for i in range(n):
            p = services.propose_case(council.body, title=f"Sak {i}", description="", by=kari)
            services.accept_proposal(
                p, meeting=meeting, kind=Case.Kind.DISCUSSION, by=world.secretary
            )

    def bulk_add(n: int) -> None:
        """`n` more of kari's proposals, open and answered (bulk-created)."""
        made = bulk.cases(world, council.body, meeting, n // 2, kind=Case.Kind.DISCUSSION)
        CaseProposal.objects.bulk_create(
            CaseProposal(
                body=council.body,
                title=f"Forslag {i}",
                proposed_by=kari,
                **(
                    {"status": CaseProposal.Status.ACCEPTED, "case": made[i // 2]}
                    if i % 2 == 0 and i // 2 < len(made)
                    else {}
                ),
            )
            for i in range(n)
        )

    add(1)
    bulk_add(9)
    small = count_queries(client, reverse("my_proposals"))
    bulk_add(990)
    assert count_queries(client, reverse("my_proposals")) == small
    assert "Forslag 989" in text(client.get(reverse("my_proposals")))


# --- advice ---------------------------------------------------------------------------------------


def _advice(world, council, meeting, title: str = "Ventetid"):
    sak = case(world, council.body, meeting, title=title)
    return services.record_advice(
        sak,
        text=f"Rådet anbefaler tiltak i {title}",
        due_on=timezone.localdate() + timedelta(days=30),
        by=world.secretary,
    )


def test_advice_i_took_part_in_shows_the_answer(client, world, council, meeting) -> None:
    kari, ola = council.members[0].user, council.members[1].user
    services.record_attendance(meeting, person=kari, by=world.secretary)
    services.record_attendance(meeting, person=ola, by=world.secretary, present=False)
    advice = _advice(world, council, meeting)
    services.respond_to_advice(
        advice,
        status=AdviceResponse.Status.PARTLY_FOLLOWED,
        reasoning="Vi innfører SMS, men ikke brev",
        by=world.case_handler,
    )
    client.force_login(kari)
    page = text(client.get(reverse("my_advice")))
    assert "Rådet anbefaler tiltak i Ventetid" in page
    assert "Vi innfører SMS, men ikke brev" in page
    advice.refresh_from_db()
    assert str(advice.get_status_display()) in page
    client.force_login(ola)  # absent: took no part
    assert "Rådet anbefaler tiltak" not in text(client.get(reverse("my_advice")))


def test_my_advice_query_count_is_flat(client, world, council, meeting) -> None:
    kari = council.members[0].user
    services.record_attendance(meeting, person=kari, by=world.secretary)
    client.force_login(kari)
    _advice(world, council, meeting, "A0")

    def grow(n: int) -> None:
        """`n` more pieces of advice in the meeting's cases, every other one answered."""
        given = bulk.advice(world, bulk.cases(world, council.body, meeting, n))
        bulk.answer(world, given[::2], "followed")

    grow(9)
    small = count_queries(client, reverse("my_advice"))
    grow(990)
    assert count_queries(client, reverse("my_advice")) == small
    assert text(client.get(reverse("my_advice"))).count("Råd i Sak") >= 40  # a full page


def test_the_meeting_notice_carries_each_members_own_absence_link(
    client, world, council, meeting
) -> None:
    services.call_meeting(meeting, by=world.secretary)
    kari, ola = council.members[0].user, council.members[1].user
    note = Notification.objects.get(user=kari)
    assert absence_url(meeting, kari).split(":")[0] in note.body
    link = re.search(r"https?://\S+/moter/forfall/\S+/", note.body)
    assert link is not None
    assert link.group(0) not in Notification.objects.get(user=ola).body
    path = link.group(0).split("/moter/", 1)[1]
    client.post("/moter/" + path)
    assert AbsenceNotice.objects.get().term.representative.user == kari
