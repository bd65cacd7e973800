"""The benchmark's choice of pages and people on generated data (small scale): every page
answers 200 to its own person, and each person has one session shared by their pages."""

import pytest

from bench.generate import generate
from bench.runner import build_pages, choose_targets, measure_queries, page_cookies
from medvirke.bodies.models import Body
from medvirke.organisations.models import StaffRole

pytestmark = pytest.mark.django_db


def test_council_pages_are_measured_as_their_own_people(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    generate("small", 1)

    targets = choose_targets()
    pages = {page.key: page for page in build_pages(targets)}

    body = Body.objects.get(pk=targets.body_id)
    assert body.secretariat.filter(pk=targets.body_user_id).exists()
    assert targets.body_seats == max(b.seats.count() for b in Body.objects.all())
    assert StaffRole.objects.filter(
        user_id=targets.coordinator_user_id,
        organisation_id=targets.user_org_id,
        role=StaffRole.Role.COORDINATOR,
    ).exists()
    assert targets.user_org_representatives > 0 and targets.user_org_current_terms > 0
    council = [pages["body"], pages["representation"], pages["representative_search"]]
    assert all(page.target and page.scale_target for page in council)
    assert pages["body"].path == f"/utvalg/{targets.body_id}/"
    assert pages["representation"].path == "/utvalg/representasjon/"
    assert pages["representative_search"].path == "/representanter/?q=sen"
    # The search finds people at this scale too, so it shows and logs health data at both.
    assert targets.representative_search_matches > 0
    assert pages["body"].user_id == targets.body_user_id
    assert pages["representation"].user_id == targets.coordinator_user_id

    cookies = page_cookies(list(pages.values()), targets.user_id)
    assert cookies["healthz"] == ""
    assert cookies["representation"] == cookies["representative_search"]
    assert len({cookies["tree"], cookies["body"], cookies["representation"]}) == 3

    measured = measure_queries(list(pages.values()), targets.user_id, repeat=1)
    assert {key: m["status"] for key, m in measured.items()} == dict.fromkeys(pages, 200)
