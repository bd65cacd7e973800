"""The secretariat's meeting pages: who may open them, planning a meeting, the agenda, calling
the meeting, papers (bad uploads refused at the field, downloads checked), case proposals,
the attendance sheet with its quorum, and flat query counts."""

import html
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from medvirke.bodies.models import Body
from medvirke.bodies.tests.test_secretariat_query_counts import council_with
from medvirke.core.models import AuditEvent, Notification
from medvirke.core.testing import count_queries
from medvirke.meetings import services
from medvirke.meetings.models import Attendance, Case, CaseProposal, Meeting, Paper

from . import bulk
from .conftest import at, case, plan

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03" + b"\x00" * 200
MAX_QUERIES = 30


def text(response: Any) -> str:
    """The page as a person reads it: tags removed, whitespace collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(body).split())


def shown(message: str, **params: Any) -> str:
    """`message` as the Bokmål page shows it (the English msgid until it is translated)."""
    with translation.override("nb"):
        return translation.gettext(message) % params


def field_error(response: Any, name: str) -> str:
    """The message shown next to a field (its validation message), or ''."""
    match = re.search(
        rf'id="id_{re.escape(name)}_error"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split()) if match else ""


def paper(world: Any, meeting: Meeting, title: str = "Saksframlegg", **kw: Any) -> Paper:
    return services.publish_paper(
        meeting,
        upload=SimpleUploadedFile(f"{title}.pdf", PDF),
        title=title,
        by=world.secretary,
        **kw,
    )


def hide(body: Body) -> Body:
    Body.objects.filter(pk=body.pk).update(is_public=False)
    body.refresh_from_db()
    return body


def pages(meeting: Meeting, item: Case, doc: Paper, proposal: CaseProposal) -> dict[str, str]:
    body_pk = meeting.body_id
    return {
        "plan": reverse("meeting_plan", args=[body_pk]),
        "create": reverse("meeting_create", args=[body_pk]),
        "proposals": reverse("proposal_inbox", args=[body_pk]),
        "detail": reverse("meeting_detail", args=[meeting.pk]),
        "edit": reverse("meeting_edit", args=[meeting.pk]),
        "call": reverse("meeting_call", args=[meeting.pk]),
        "case": reverse("case_create", args=[meeting.pk]),
        "case_edit": reverse("case_edit", args=[item.pk]),
        "upload": reverse("paper_upload", args=[meeting.pk]),
        "attendance": reverse("meeting_attendance", args=[meeting.pk]),
        "download": reverse("paper_download", args=[doc.pk]),
    }


@pytest.fixture(name="everything")
def everything_fixture(world: Any, council: Any, meeting: Meeting) -> dict[str, str]:
    item = case(world, council.body, meeting, title="Ventetider i psykisk helsevern")
    doc = paper(world, meeting, case=item)
    proposal = services.propose_case(
        council.body, title="Parkering", description="", by=council.members[0].user
    )
    return pages(meeting, item, doc, proposal)


# --- who may open the pages -------------------------------------------------------------------


def test_every_page_renders_for_the_secretariat(client, world, everything) -> None:
    client.force_login(world.secretary)
    for name, url in everything.items():
        response = client.get(url)
        assert response.status_code == 200, name
    assert "attachment" in client.get(everything["download"])["Content-Disposition"]


def test_an_outsider_is_refused_every_page_of_a_non_public_body(
    client, world, council, everything
) -> None:
    hide(council.body)
    client.force_login(world.outsider)
    for name, url in everything.items():
        assert client.get(url).status_code in (403, 404), name
    post = {"aar": "2026"}
    assert client.post(everything["call"], post).status_code == 403
    assert not Notification.objects.filter(subject__contains="Møteinnkalling").exists()


def test_the_secretariats_pages_are_refused_to_an_outsider_of_a_public_body(
    client, world, everything
) -> None:
    client.force_login(world.outsider)
    for name in ("create", "proposals", "edit", "call", "case", "case_edit", "upload"):
        assert client.get(everything[name]).status_code == 403, name
    assert client.get(everything["attendance"]).status_code == 403


def test_a_member_sees_the_meeting_but_not_the_secretariats_actions(
    client, world, council, everything
) -> None:
    client.force_login(council.members[0].user)
    response = client.get(everything["detail"])
    assert response.status_code == 200
    assert "Ventetider i psykisk helsevern" in text(response)
    assert reverse("meeting_call", args=[response.context["meeting"].pk]) not in (
        response.content.decode()
    )
    assert client.get(everything["case"]).status_code == 403


def test_the_body_page_links_to_the_meeting_plan(client, world, council) -> None:
    client.force_login(world.secretary)
    response = client.get(reverse("body_detail", args=[council.body.pk]))
    assert reverse("meeting_plan", args=[council.body.pk]) in response.content.decode()


# --- plan, agenda, call ----------------------------------------------------------------------


def test_plan_a_meeting_add_three_cases_and_call_it(client, world, council) -> None:
    client.force_login(world.secretary)
    starts = at(20, 10)
    response = client.post(
        reverse("meeting_create", args=[council.body.pk]),
        {
            "title": "Budsjettmøte",
            "starts_at": f"{timezone.localtime(starts):%Y-%m-%dT%H:%M}",
            "ends_at": f"{timezone.localtime(starts):%Y-%m-%d}T15:00",
            "place": "Møterom 2",
            "video_link": "https://video.example.no/abc",
            "paper_deadline_days": "7",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "meeting_detail", args=[meeting.pk]
    )
    titles = ["Budsjett 2027", "Ventetider", "Parkering ved sykehuset"]
    for title in titles:
        response = client.post(
            reverse("case_create", args=[meeting.pk]),
            {
                "title": title,
                "description": "",
                "kind": Case.Kind.ADVICE,
                "owner_unit": world.clinic.pk,
                "owner_person": world.case_handler.pk,
                "phase": Case.Phase.PLANNING,
                "ladder_step": "2",
                "no_individual_patient": "on",
            },
        )
        assert response.status_code == 302, field_error(response, "title")
    year = f"{timezone.localtime(starts).year % 100:02d}"
    page = text(client.get(reverse("meeting_detail", args=[meeting.pk])))
    for number, title in enumerate(titles, start=1):
        assert f"Sak {number}/{year}" in page and title in page
    assert "Klinikk for psykisk helse" in page
    plan_page = text(
        client.get(
            reverse("meeting_plan", args=[council.body.pk])
            + f"?aar={timezone.localtime(starts).year}"
        )
    )
    assert "Budsjettmøte" in plan_page and "Planlagt" in plan_page

    confirm = client.get(reverse("meeting_call", args=[meeting.pk]))
    assert re.search(r"\b5 (personer|people)\b", text(confirm))  # three members, two deputies
    assert not Notification.objects.exists()  # nothing goes out before the POST
    response = client.post(reverse("meeting_call", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CALLED
    told = Notification.objects.filter(user__representative__in=council.members)
    assert told.count() == 3
    assert all(all(t in n.body for t in titles) for n in told)
    # Calling twice is refused with a message, and nobody is told twice.
    client.post(reverse("meeting_call", args=[meeting.pk]))
    assert Notification.objects.filter(user__representative__in=council.members).count() == 3


def test_a_meeting_ending_before_it_starts_is_refused_with_the_input_kept(
    client, world, council
) -> None:
    client.force_login(world.secretary)
    response = client.post(
        reverse("meeting_create", args=[council.body.pk]),
        {
            "title": "Feil tid",
            "starts_at": "2030-03-05T14:00",
            "ends_at": "2030-03-05T10:00",
            "place": "Rom 9",
            "video_link": "",
            "paper_deadline_days": "7",
        },
    )
    assert response.status_code == 200
    assert "slutte etter" in field_error(response, "ends_at") or "end after" in field_error(
        response, "ends_at"
    )
    content = response.content.decode()
    assert 'value="Feil tid"' in content and 'value="Rom 9"' in content
    assert 'value="2030-03-05T14:00"' in content and 'value="2030-03-05T10:00"' in content
    assert 'href="#id_ends_at"' in content  # the error summary links to the field
    assert not Meeting.objects.exists()


def test_editing_a_meeting_to_end_before_it_starts_is_refused(
    client, world, council, meeting
) -> None:
    client.force_login(world.secretary)
    day = f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}"
    response = client.post(
        reverse("meeting_edit", args=[meeting.pk]),
        {
            "starts_at": f"{day}T12:00",
            "ends_at": f"{day}T11:00",
            "place": "Nytt rom",
            "paper_deadline_days": "5",
        },
    )
    assert field_error(response, "ends_at")
    meeting.refresh_from_db()
    assert meeting.place == "Rom 1"


def test_editing_a_meeting_moves_it_and_keeps_the_old_values_in_the_history(
    client, world, council, meeting
) -> None:
    client.force_login(world.secretary)
    day = f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}"
    response = client.post(
        reverse("meeting_edit", args=[meeting.pk]),
        {
            "starts_at": f"{day}T12:00",
            "ends_at": f"{day}T15:00",
            "place": "Nytt rom",
            "video_link": "video.example.no/rom",
            "paper_deadline_days": "5",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.place, meeting.paper_deadline_days) == ("Nytt rom", 5)
    assert meeting.video_link == "https://video.example.no/rom"
    assert f"{timezone.localtime(meeting.starts_at):%H:%M}" == "12:00"
    event = AuditEvent.objects.for_object(meeting).newest_first().first()
    assert event is not None and event.changes["place"] == ["Rom 1", "Nytt rom"]


def test_open_advice_from_an_earlier_meeting_is_a_follow_up_item(
    client, world, council, meeting
) -> None:
    earlier = Meeting.objects.create(
        body=council.body, starts_at=at(-30, 10), ends_at=at(-30, 12), created_by=world.secretary
    )
    sak = case(world, council.body, earlier, title="Ventetid for BUP")
    services.record_advice(
        sak,
        text="Innfør fast ventetidsgaranti",
        due_on=timezone.localdate(),
        by=world.secretary,
    )
    client.force_login(world.secretary)
    page = text(client.get(reverse("meeting_detail", args=[meeting.pk])))
    assert "Innfør fast ventetidsgaranti" in page and "Ventetid for BUP" in page


def test_a_case_about_a_patient_is_refused_at_the_field(client, world, council, meeting) -> None:
    client.force_login(world.secretary)
    response = client.post(
        reverse("case_create", args=[meeting.pk]),
        {
            "title": "Klage fra pasient 15089310056",
            "kind": Case.Kind.DISCUSSION,
            "phase": Case.Phase.IDEA,
            "ladder_step": "2",
            "no_individual_patient": "on",
        },
    )
    assert response.status_code == 200
    assert "enkeltpasient" in field_error(response, "title") or "individual" in field_error(
        response, "title"
    )
    assert 'value="Klage fra pasient 15089310056"' in response.content.decode()
    assert not Case.objects.exists()


def test_a_case_without_the_declaration_or_an_exempt_case_without_basis_is_refused(
    client, world, council, meeting
) -> None:
    client.force_login(world.secretary)
    response = client.post(
        reverse("case_create", args=[meeting.pk]),
        {
            "title": "Lukket sak",
            "kind": Case.Kind.DISCUSSION,
            "phase": Case.Phase.IDEA,
            "ladder_step": "2",
            "exempt": "on",
        },
    )
    assert field_error(response, "exemption_basis")
    assert field_error(response, "no_individual_patient")
    assert not Case.objects.exists()


def test_an_outsider_on_a_public_body_sees_an_exempt_case_without_its_title_or_papers(
    client, world, council, meeting
) -> None:
    secret = case(
        world,
        council.body,
        meeting,
        title="Personalsak i klinikken",
        is_public=False,
        exemption_basis="offl. § 14",
    )
    doc = paper(world, meeting, title="Hemmelig notat", case=secret)
    client.force_login(world.outsider)
    page = text(client.get(reverse("meeting_detail", args=[meeting.pk])))
    assert "offl. § 14" in page
    assert "Personalsak" not in page and "Hemmelig notat" not in page
    assert client.get(reverse("paper_download", args=[doc.pk])).status_code == 403
    client.force_login(council.members[0].user)
    assert "Personalsak" in text(client.get(reverse("meeting_detail", args=[meeting.pk])))
    assert client.get(reverse("paper_download", args=[doc.pk])).status_code == 200


def test_editing_a_case_keeps_its_number_and_records_the_change(
    client, world, council, meeting
) -> None:
    item = case(world, council.body, meeting, title="Gammel tittel")
    client.force_login(world.secretary)
    response = client.post(
        reverse("case_edit", args=[item.pk]),
        {
            "title": "Ny tittel",
            "kind": Case.Kind.ORIENTATION,
            "phase": Case.Phase.EVALUATION,
            "ladder_step": "3",
            "no_individual_patient": "on",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.number, item.ladder_step) == ("Ny tittel", 1, 3)


# --- papers ----------------------------------------------------------------------------------


def test_a_program_renamed_to_pdf_is_refused_at_the_field_and_nothing_saved(
    client, world, council, meeting
) -> None:
    item = case(world, council.body, meeting)
    client.force_login(world.secretary)
    response = client.post(
        reverse("paper_upload", args=[meeting.pk]),
        {
            "title": "Saksframlegg",
            "case": str(item.pk),
            "file": SimpleUploadedFile("saksframlegg.pdf", EXE, "application/pdf"),
        },
    )
    assert response.status_code == 200
    message = field_error(response, "file")
    assert "ikke tillatt" in message or "not accepted" in message or "godtas" in message, message
    content = response.content.decode()
    assert 'value="Saksframlegg"' in content
    assert f'<option value="{item.pk}" selected>' in content
    assert not Paper.objects.exists()


def test_an_oversized_upload_is_refused_at_the_field(
    client, world, council, meeting, settings
) -> None:
    settings.MEDVIRKE_MAX_UPLOAD_MB = 1
    client.force_login(world.secretary)
    response = client.post(
        reverse("paper_upload", args=[meeting.pk]),
        {"title": "Stor", "file": SimpleUploadedFile("stor.pdf", PDF + b"0" * (1024 * 1024))},
    )
    assert "1 MB" in field_error(response, "file")
    assert not Paper.objects.exists()


def test_a_paper_after_the_deadline_is_flagged_with_a_tag_and_text(client, world, council) -> None:
    soon = plan(world, council.body, days=3)
    item = case(world, council.body, soon)
    client.force_login(world.secretary)
    response = client.post(
        reverse("paper_upload", args=[soon.pk]),
        {"title": "Sent notat", "case": str(item.pk), "file": SimpleUploadedFile("n.pdf", PDF)},
    )
    assert response.status_code == 302
    assert Paper.objects.get().late
    content = client.get(reverse("meeting_detail", args=[soon.pk])).content.decode()
    assert re.search(r'class="ds-tag"[^>]*>[^<]+</span> <span>[^<]*\d\d\.\d\d\.\d{4}', content)
    page = text(client.get(reverse("meeting_detail", args=[soon.pk])))
    assert "Sent notat" in page and ("etter fristen" in page or "after the deadline" in page)


def test_the_download_is_an_attachment_and_refused_to_an_outsider(
    client, world, council, meeting
) -> None:
    hide(council.body)
    doc = paper(world, meeting, title="Innkalling")
    url = reverse("paper_download", args=[doc.pk])
    client.force_login(world.outsider)
    assert client.get(url).status_code == 403
    client.force_login(council.members[1].user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="Innkalling.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# --- proposals -------------------------------------------------------------------------------


def test_the_secretariat_accepts_a_proposal_to_a_meeting(client, world, council, meeting) -> None:
    kari = council.members[0].user
    proposal = services.propose_case(
        council.body, title="Parkering ved sykehuset", description="Dyrt", by=kari
    )
    client.force_login(world.secretary)
    inbox = text(client.get(reverse("proposal_inbox", args=[council.body.pk])))
    assert "Parkering ved sykehuset" in inbox
    told = Notification.objects.get(user=world.secretary)
    assert told.url == reverse("proposal_inbox", args=[council.body.pk])  # the notice leads here
    response = client.post(
        reverse("proposal_accept", args=[proposal.pk]),
        {f"a{proposal.pk}-meeting": str(meeting.pk), f"a{proposal.pk}-kind": Case.Kind.DISCUSSION},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == CaseProposal.Status.ACCEPTED
    assert proposal.case is not None and proposal.case.meeting == meeting
    assert Notification.objects.filter(user=kari, subject__contains=proposal.case.reference)


def test_answering_a_proposal_needs_a_reason(client, world, council) -> None:
    kari = council.members[0].user
    proposal = services.propose_case(council.body, title="Kantina", description="", by=kari)
    client.force_login(world.secretary)
    url = reverse("proposal_answer", args=[proposal.pk])
    response = client.post(url, {f"s{proposal.pk}-answer": " "})
    assert response.status_code == 200
    assert field_error(response, f"s{proposal.pk}-answer")
    response = client.post(url, {f"s{proposal.pk}-answer": "Hører ikke under rådet"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == CaseProposal.Status.DECLINED
    assert Notification.objects.get(user=kari).url == reverse("my_proposals")
    assert "Hører ikke under rådet" in text(
        client.get(reverse("proposal_inbox", args=[council.body.pk]))
    )


# --- attendance ------------------------------------------------------------------------------


def test_the_attendance_sheet_shows_absences_deputies_and_the_quorum(
    client, world, council, meeting
) -> None:
    kari, ola, per = (m.user for m in council.members)
    services.send_absence_notice(meeting, representative=council.members[0], by=kari, reason="Syk")
    dag = council.deputies[0].user
    client.force_login(world.secretary)
    url = reverse("meeting_attendance", args=[meeting.pk])
    page = text(client.get(url))
    assert "Syk" in page and "Dag Vara" in page
    no = "Quorate: no, %(present)s of %(members)s present (%(needed)s needed)."
    assert shown(no, present=0, members=3, needed=2) in page
    data = {
        f"p{ola.pk}-present": "on",
        f"p{ola.pk}-arrived": "10:00",
        f"p{ola.pk}-left": "13:30",
        f"p{dag.pk}-present": "on",
        f"p{dag.pk}-arrived": "10:15",
        f"p{per.pk}-arrived": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert Attendance.objects.filter(meeting=meeting, present=True).count() == 2
    standing = Attendance.objects.get(person=dag)
    assert standing.stands_in_for is not None
    assert timezone.localtime(standing.arrived_at).strftime("%H:%M") == "10:15"
    page = text(client.get(url))
    assert shown("Quorate: yes, %(present)s of %(members)s present.", present=2, members=3) in page


def test_departure_before_arrival_is_refused_at_the_field(client, world, council, meeting) -> None:
    ola = council.members[1].user
    client.force_login(world.secretary)
    url = reverse("meeting_attendance", args=[meeting.pk])
    response = client.post(
        url, {f"p{ola.pk}-present": "on", f"p{ola.pk}-arrived": "12:00", f"p{ola.pk}-left": "11:00"}
    )
    assert response.status_code == 200
    assert field_error(response, f"p{ola.pk}-left")
    assert 'value="12:00"' in response.content.decode()
    assert not Attendance.objects.exists()


def test_marking_the_meeting_held(client, world, council, meeting) -> None:
    client.force_login(world.secretary)
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("minutes_edit", args=[meeting.pk]) not in page
    client.post(reverse("meeting_held", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("minutes_edit", args=[meeting.pk]) in page  # on to the minutes
    assert reverse("meeting_held", args=[meeting.pk]) not in page


# --- query counts ----------------------------------------------------------------------------


def test_the_meeting_plan_query_count_is_flat(client, world, council) -> None:
    client.force_login(world.secretary)
    url = reverse("meeting_plan", args=[council.body.pk]) + f"?aar={at(400).year}"

    def grow(n: int) -> None:
        """`n` more meetings that year, each with a case and a paper for it."""
        for m in bulk.meetings(world, council.body, [400] * n):
            bulk.papers(world, m, list(bulk.cases(world, council.body, m, 1)))

    grow(10)
    few = count_queries(client, url)
    grow(990)
    many = count_queries(client, url)
    assert few == many <= MAX_QUERIES, (few, many)


def test_the_meeting_page_query_count_is_flat(client, world, council, meeting) -> None:
    client.force_login(world.secretary)
    url = reverse("meeting_detail", args=[meeting.pk])
    for i in range(2):
        paper(world, meeting, case=case(world, council.body, meeting, title=f"Sak {i}"))

    def grow(n: int) -> None:
        """`n` more cases (public and exempt, owned by the clinic) with a paper each, and as
        many papers for the meeting as a whole."""
        public = bulk.cases(world, council.body, meeting, n // 2, owner_unit=world.clinic)
        exempt = bulk.cases(
            world,
            council.body,
            meeting,
            n - n // 2,
            owner_unit=world.clinic,
            is_public=False,
            exemption_basis="offl. § 14",
        )
        bulk.papers(world, meeting, [*public, *exempt, *([None] * n)], late=True)

    grow(8)
    few = count_queries(client, url)
    grow(990)
    many = count_queries(client, url)
    assert few == many <= MAX_QUERIES, (few, many)


def test_the_attendance_sheet_query_count_is_flat(client, world) -> None:
    client.force_login(world.secretary)
    small, large = council_with(world, 10), council_with(world, 1000)
    urls = []
    for body in (small, large):
        m = plan(world, body, days=10)
        urls.append(reverse("meeting_attendance", args=[m.pk]))
    few, many = count_queries(client, urls[0]), count_queries(client, urls[1])
    assert few == many <= MAX_QUERIES, (few, many)
