"""Issue 11 point 1 in the browser: a coordinator asks a person to join; the person finds the
request from the overview page and says yes; only then does the coordinator see them as
approved. axe-core runs on every page (support.CheckedPage)."""

import pytest
from playwright.sync_api import expect

from medvirke.core.testing import PASSWORD, UserFactory, World

from .support import CheckedPage

PERSON = "kari.nordmann@example.no"


@pytest.mark.browser
def test_a_request_to_join_is_answered_by_the_person(open_browser, world: World) -> None:
    UserFactory.create(email=PERSON, full_name="Kari Nordmann")
    coordinator: CheckedPage = open_browser()
    page = coordinator.page
    coordinator.login(world.coordinator.email, PASSWORD)
    coordinator.visit("/representanter/ny/")
    form = page.locator("main form.mv-form")
    form.get_by_label(coordinator.t("E-mail address")).fill(PERSON)
    form.get_by_label(coordinator.t("Full name")).fill("K. Nordmann")
    coordinator.submit(coordinator.t("Send the request"))
    assert coordinator.path == "/representanter/"
    expect(page.get_by_role("status")).to_contain_text(PERSON)
    requests = page.locator("section[aria-labelledby='join-requests-heading']")
    expect(requests).to_contain_text("K. Nordmann")
    expect(requests).to_contain_text(coordinator.t("Waiting for an answer"))
    expect(page.locator("main")).not_to_contain_text("Kari Nordmann")  # the stored name

    person: CheckedPage = open_browser()
    person.login(PERSON, PASSWORD)
    person.click_link(person.t("Requests to join a user organisation"))
    assert person.path == "/representanter/foresporsler/"
    expect(person.page.locator("main")).to_contain_text(world.user_org.name)
    person.submit(person.page.get_by_role("button", name=person.t("Say yes"), exact=False))
    assert person.path == "/representanter/meg/"
    expect(person.page.locator("main")).to_contain_text(world.user_org.name)

    coordinator.visit("/representanter/")
    table = page.get_by_role("table", name=coordinator.t("Our user representatives"))
    expect(table).to_contain_text("Kari Nordmann")
    expect(table).to_contain_text(coordinator.t("Approved"))
