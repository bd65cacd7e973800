"""The influence ledger's figures are served from a cache between changes: a new answer or a
new case shows at once on the council's and the owner organisation's page, each reader gets
their own language, and a page computed afresh runs as few queries whatever the data."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from medvirke.core.caching import page_cache as cache
from medvirke.core.testing import nb
from medvirke.meetings import services
from medvirke.meetings.models import Advice, AdviceResponse, Case, Meeting

from .conftest import Council, case
from .test_pages_minutes import login, text

pytestmark = pytest.mark.django_db
S = AdviceResponse.Status


def figure(page: str, label: str) -> str:
    """The first number in the row `label` of the figures table."""
    return page.split(f'<th scope="row">{label}</th><td>')[1].split("<")[0]


def main(page: str) -> str:
    return page.split("<main")[1].split("</main>")[0]


def advise(world: Any, sak: Case, label: str) -> Advice:
    return services.record_advice(
        sak,
        text=f"Råd {label}",
        due_on=timezone.localdate() + timedelta(days=20),
        by=world.secretary,
    )


@pytest.fixture(name="urls")
def urls_fixture(world: Any, council: Council, meeting: Meeting) -> dict[str, str]:
    year = f"?aar={timezone.localtime(meeting.starts_at).year}"
    return {
        "body": reverse("ledger_body", args=[council.body.pk]) + year,
        "owner": reverse("ledger_owner", args=[world.hf.pk]) + year,
    }


def test_a_new_answer_or_case_shows_at_once(
    world: Any, council: Council, meeting: Meeting, urls: dict[str, str]
) -> None:
    sak = case(world, council.body, meeting, title="Ventetid")
    advice = advise(world, sak, "1")
    secretary, administrator = login(world.secretary), login(world.administrator)
    pages = {"body": secretary, "owner": administrator}
    for key, client in pages.items():
        page = text(client.get(urls[key]))
        assert figure(page, "Advice answered") == "0" and figure(page, "Cases") == "1"
        again = text(client.get(urls[key]))
        assert main(again) == main(page)  # served again unchanged

    services.respond_to_advice(advice, status=S.FOLLOWED, reasoning="Fulgt", by=world.case_handler)
    case(world, council.body, meeting, title="Orientering", kind=Case.Kind.ORIENTATION)

    for key, client in pages.items():
        page = text(client.get(urls[key]))
        assert figure(page, "Advice answered") == "1", key
        assert figure(page, "Advice: Followed") == "1", key
        assert figure(page, "Cases") == "2", key


def test_each_reader_gets_the_figures_in_their_own_language(
    world: Any, council: Council, meeting: Meeting, urls: dict[str, str]
) -> None:
    advise(world, case(world, council.body, meeting), "1")
    english = text(login(world.secretary).get(urls["body"]))
    bokmal_reader = Client()
    bokmal_reader.force_login(world.administrator)  # language not set: Bokmål
    bokmal = text(bokmal_reader.get(urls["body"]))

    assert figure(english, "Advice given") == "1"
    assert figure(bokmal, nb("Advice given")) == "1"
    assert nb("Advice given") != "Advice given"


def test_a_page_computed_afresh_runs_as_few_queries_with_more_data(
    world: Any, council: Council, meeting: Meeting, urls: dict[str, str]
) -> None:
    secretary, administrator = login(world.secretary), login(world.administrator)

    def cold() -> tuple[int, int]:
        counts = []
        for key, client in (("body", secretary), ("owner", administrator)):
            cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(urls[key]).status_code == 200
            counts.append(len(ctx.captured_queries))
        return counts[0], counts[1]

    sak = case(world, council.body, meeting)
    services.respond_to_advice(
        advise(world, sak, "0"), status=S.FOLLOWED, reasoning="Fulgt", by=world.case_handler
    )
    before = cold()
    for i in range(8):
        more = case(world, council.body, meeting, title=f"Sak {i}")
        advice = advise(world, more, str(i))
        if i % 2:
            services.respond_to_advice(
                advice, status=S.PARTLY_FOLLOWED, reasoning="Delvis", by=world.case_handler
            )
    assert cold() == before
