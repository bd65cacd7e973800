"""The influence ledger's pages: the case owner's list of advice to follow up and the answer
form (others refused with a message), and the figures per body and per owner organisation
(known advice gives known figures; the CSV and XLSX carry the same numbers; flat queries)."""

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from medvirke.core.testing import count_queries
from medvirke.meetings import services
from medvirke.meetings.models import Advice, AdviceResponse, Case, Meeting

from . import bulk
from .conftest import case
from .test_pages_minutes import login, text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
S = AdviceResponse.Status


def advise(world: Any, sak: Case, label: str, *, given_days_ago: int, due_in: int) -> Advice:
    advice = services.record_advice(
        sak, text=f"Råd {label}", due_on=TODAY + timedelta(days=due_in), by=world.secretary
    )
    Advice.objects.filter(pk=advice.pk).update(
        created_at=timezone.now() - timedelta(days=given_days_ago)
    )
    return advice


def answer(world: Any, advice: Advice, status: str) -> None:
    services.respond_to_advice(advice, status=status, reasoning="Fordi", by=world.case_handler)


@pytest.fixture(name="known")
def known_fixture(world: Any, council: Any, meeting: Meeting) -> dict[str, Any]:
    """Four cases (two early) and five pieces of advice with known answers:
    followed in 10 days (in time; first "under consideration", then changed), partly followed
    in 20 days (late), not followed in 30 days (in time), under consideration in 5 days (in
    time), and one unanswered. Median days to answer: 15."""
    body = council.body
    advice_case = case(world, body, meeting, title="Ventetid", phase=Case.Phase.PLANNING)
    consult = case(
        world, body, meeting, title="Høring", kind=Case.Kind.CONSULTATION, phase=Case.Phase.IDEA
    )
    case(world, body, meeting, title="Orientering", kind=Case.Kind.ORIENTATION, phase="evaluation")
    case(world, body, meeting, title="Drøfting", kind=Case.Kind.DISCUSSION, phase="implementation")
    followed = advise(world, advice_case, "1", given_days_ago=10, due_in=5)
    partly = advise(world, advice_case, "2", given_days_ago=20, due_in=-1)
    not_followed = advise(world, advice_case, "3", given_days_ago=30, due_in=0)
    pending = advise(world, consult, "4", given_days_ago=5, due_in=10)
    unanswered = advise(world, consult, "5", given_days_ago=40, due_in=-10)
    answer(world, followed, S.UNDER_CONSIDERATION)
    answer(world, followed, S.FOLLOWED)  # a changed answer: the first one still dates it
    answer(world, partly, S.PARTLY_FOLLOWED)
    answer(world, not_followed, S.NOT_FOLLOWED)
    answer(world, pending, S.UNDER_CONSIDERATION)
    return {"year": advice_case.year, "unanswered": unanswered, "followed": followed}


EXPECTED = {
    "Cases": "4",
    "Cases: Decision / advice": "1",
    "Cases: Consultation / statement": "1",
    "Cases: For information": "1",
    "Cases: For discussion": "1",
    "Cases handled early (idea or planning)": "2",
    "Share handled early": "50 %",
    "Advice given": "5",
    "Advice answered": "4",
    "Answered in time": "3",
    "Advice: Followed": "1",
    "Advice: Partly followed": "1",
    "Advice: Not followed": "1",
    "Advice: Under consideration": "1",
    "Advice: Not answered": "1",
    "Median days to answer": "15",
}


def test_the_body_figures_match_the_known_advice(world: Any, council: Any, known: Any) -> None:
    client = login(world.secretary)
    page_url = reverse("ledger_body", args=[council.body.pk]) + f"?aar={known['year']}"
    page = text(client.get(page_url))
    for label, value in EXPECTED.items():
        assert f'<th scope="row">{label}</th><td>{value}</td>' in page, label
    # The chart: an image with a text alternative, each bar labelled with its number.
    assert 'role="img"' in page and "<title>Followed: 1</title>" in page
    assert "<script" not in page.split("<main")[-1]

    response = client.get(
        reverse("ledger_body_export", args=[council.body.pk, "csv"]) + f"?aar={known['year']}"
    )
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    assert body.startswith("\ufeff")  # Excel reads æøå
    rows = {r[0]: r[1] for r in csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";")}
    for label, value in EXPECTED.items():
        assert rows[label] == value, label

    from openpyxl import load_workbook

    response = client.get(
        reverse("ledger_body_export", args=[council.body.pk, "xlsx"]) + f"?aar={known['year']}"
    )
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(content)).active
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert cells["Advice given"] == 5 and cells["Median days to answer"] == "15"


def test_the_owner_organisation_figures_add_up_the_bodies(
    world: Any, council: Any, known: Any
) -> None:
    client = login(world.administrator)
    page = text(client.get(reverse("ledger_owner", args=[world.hf.pk]) + f"?aar={known['year']}"))
    assert '<th scope="row">Advice given</th><td>5</td><td>5</td>' in page
    assert council.body.name in page
    assert login(world.outsider).get(reverse("ledger_owner", args=[world.hf.pk])).status_code == 403


def test_the_ledger_pages_run_a_flat_number_of_queries(
    world: Any, council: Any, meeting: Meeting, known: Any
) -> None:
    client = login(world.administrator)
    body_url = reverse("ledger_body", args=[council.body.pk]) + f"?aar={known['year']}"
    owner_url = reverse("ledger_owner", args=[world.hf.pk]) + f"?aar={known['year']}"
    mine_url = reverse("advice_follow_up")
    handler = login(world.case_handler)

    def grow(n: int) -> None:
        """`n` more pieces of advice in cases of the meeting, two in three answered."""
        given = bulk.advice(world, bulk.cases(world, council.body, meeting, n), due_in=3)
        bulk.answer(world, given[1::3], S.FOLLOWED)
        bulk.answer(world, given[2::3], S.PARTLY_FOLLOWED)

    grow(5)  # 10 with the known five
    before = (count_queries(client, body_url), count_queries(client, owner_url))
    before_mine = count_queries(handler, mine_url)
    grow(990)
    assert (count_queries(client, body_url), count_queries(client, owner_url)) == before
    assert count_queries(handler, mine_url) == before_mine
    assert '<th scope="row">Advice given</th><td>1000</td>' in text(client.get(body_url))


def test_the_case_owner_sees_their_advice_open_first_and_answers_it(world: Any, known: Any) -> None:
    client = login(world.case_handler)
    page = text(client.get(reverse("advice_follow_up")))
    waiting, answered = page.split("Waiting for an answer")[1].split(">Answered<")
    assert "Råd 5" in waiting and "Råd 4" in waiting and "Råd 1" not in waiting
    assert "Råd 1" in answered
    unanswered = known["unanswered"]
    response = client.post(
        reverse("advice_detail", args=[unanswered.pk]),
        {"status": S.PARTLY_FOLLOWED, "reasoning": "Vi gjør halvparten."},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("advice_detail", args=[unanswered.pk]),
        {"status": S.FOLLOWED, "reasoning": "Nå gjør vi alt."},
    )
    assert list(unanswered.responses.values_list("status", flat=True)) == [
        S.FOLLOWED,
        S.PARTLY_FOLLOWED,
    ]  # a changed answer is a new row; the first is kept
    page = text(client.get(reverse("advice_detail", args=[unanswered.pk])))
    assert "Vi gjør halvparten." in page and "Nå gjør vi alt." in page


def test_an_answer_from_someone_who_does_not_own_the_case_is_refused(
    world: Any, council: Any, known: Any
) -> None:
    advice = known["unanswered"]
    for person in (world.secretary, council.members[0].user):
        client = login(person)
        page = text(client.get(reverse("advice_detail", args=[advice.pk])))
        assert "Save the answer" not in page  # they read it, without the form
        response = client.post(
            reverse("advice_detail", args=[advice.pk]),
            {"status": S.FOLLOWED, "reasoning": "Jeg svarer for dem."},
        )
        assert response.status_code == 403
        assert "Only the case owner or the recipient can answer the advice" in text(response)
    assert not advice.responses.exists()
