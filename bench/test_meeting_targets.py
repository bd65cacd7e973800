"""The benchmark's meeting and ledger pages on generated data (small scale): a recent held
meeting of the HF's busiest body with its cases and papers, measured as that body's
secretariat; the body's ledger as the same person, the HF's ledger as its administrator; all
three under both targets, answering 200 with the figures the notes promise."""

import pytest
from django.db.models import Count

from bench.generate import generate
from bench.runner import build_pages, choose_targets, logged_in_client, measure_queries
from medvirke.bodies.models import Body
from medvirke.core.testing import nb
from medvirke.meetings.models import Meeting
from medvirke.organisations.models import StaffRole

pytestmark = pytest.mark.django_db


def test_meeting_and_ledger_pages_are_measured_as_the_right_people(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    generate("small", 1)

    t = choose_targets()
    pages = {page.key: page for page in build_pages(t)}

    body = Body.objects.get(pk=t.ledger_body_id)
    assert body.owner_id == t.hf_id
    busiest = Body.objects.filter(owner_id=t.hf_id).annotate(n=Count("cases")).order_by("-n")[0]
    assert body.cases.count() == busiest.cases.count()  # type: ignore[attr-defined]
    assert body.secretariat.filter(pk=t.ledger_user_id).exists()
    meeting = Meeting.objects.get(pk=t.meeting_id)
    assert meeting.body_id == body.pk and meeting.status in ("held", "minutes_approved")
    assert not Meeting.objects.filter(
        body=body, status__in=["held", "minutes_approved"], starts_at__gt=meeting.starts_at
    ).exists()
    assert t.meeting_cases == meeting.cases.count() > 0
    assert t.meeting_papers == meeting.papers.count() > 0
    assert t.ledger_owner_cases >= t.ledger_body_cases > 0
    assert StaffRole.objects.filter(
        user_id=t.user_id, organisation_id=t.hf_id, role=StaffRole.Role.ADMINISTRATOR
    ).exists()

    ours = [pages["meeting"], pages["ledger_body"], pages["ledger_owner"]]
    assert all(page.target and page.scale_target for page in ours)
    assert pages["meeting"].path == f"/moter/{t.meeting_id}/"
    assert pages["meeting"].user_id == pages["ledger_body"].user_id == t.ledger_user_id
    assert pages["ledger_owner"].user_id is None  # the run's person: the HF administrator
    assert pages["ledger_body"].path.endswith(f"?aar={t.ledger_year}")

    measured = measure_queries(ours, t.user_id, repeat=1)
    assert {key: m["status"] for key, m in measured.items()} == dict.fromkeys(measured, 200)
    figures = {
        "ledger_body": (t.ledger_user_id, t.ledger_body_cases, t.ledger_body_advice),
        "ledger_owner": (t.user_id, t.ledger_owner_cases, t.ledger_owner_advice),
    }
    for key, (person, cases, advice) in figures.items():
        page = logged_in_client(person).get(pages[key].path).content.decode()
        assert f'<th scope="row">{nb("Cases")}</th><td>{cases}</td>' in page
        assert f'<th scope="row">{nb("Advice given")}</th><td>{advice}</td>' in page
