"""The public pages as an outsider meets them: not logged in, from the portal's front page to a
council and its members, the open calls and the directory of user organisations, partly with
the keyboard. Every page is checked by axe-core (see support.CheckedPage)."""

import pytest
from playwright.sync_api import Locator, expect

from medvirke.bodies.models import Body, Seat
from medvirke.core.testing import OrganisationFactory, World
from medvirke.organisations.models import Organisation
from medvirke.portal.tests.support import make_council, member

from .support import CheckedPage

COUNCIL = "Brukerutvalget i Testby HF"


def in_main(browser: CheckedPage, name: str) -> Locator:
    return browser.page.locator("main").get_by_role("link", name=name, exact=True)


def breadcrumbs(browser: CheckedPage) -> Locator:
    return browser.page.get_by_role("navigation", name=browser.t("You are here"))


def tab_to(browser: CheckedPage, target: Locator, *, most: int) -> None:
    """Press Tab until `target` has focus, at most `most` times."""
    for _ in range(most):
        browser.page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    focused = browser.page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{most} Tab presses did not reach {target}; focus is on {focused}")


@pytest.mark.browser
def test_outsider_finds_councils_members_calls_and_organisations(
    browser: CheckedPage, world: World
) -> None:
    from medvirke.bodies.tests.participation_support import open_call

    council = make_council(world, COUNCIL)
    member(world, council, "Kari Nordmann", consent=True)
    member(world, council, "Nils Skjult", consent=False, rank=2)
    open_call(world, council, seats=[council.seats.get(role=Seat.Role.MEMBER, rank=3)])
    make_council(world, "Hemmelig arbeidsgruppe", is_public=False)
    mental_helse = OrganisationFactory.create(
        name="Mental Helse", kind=Organisation.Kind.USER_ORG, email="post@mentalhelse.example"
    )
    OrganisationFactory.create(
        name="Mental Helse Trøndelag", kind=Organisation.Kind.USER_ORG_BRANCH, parent=mental_helse
    )
    page = browser.page

    # The front page of the public pages: no login, no main menu, three ways in.
    browser.visit("/offentlig/")
    expect(browser.heading()).to_have_text(browser.t("User participation: public information"))
    expect(page.get_by_role("navigation", name=browser.t("Main menu"))).to_have_count(0)

    # The councils: a list with kind, owner and ladder step; the non-public one is not there.
    browser.click(in_main(browser, browser.t("Councils and groups")))
    assert browser.path == "/offentlig/utvalg/"
    expect(browser.heading()).to_have_text(browser.t("Councils and groups"))
    table = page.get_by_role("table", name=browser.t("Councils and groups"))
    row = table.get_by_role("row").filter(has_text=COUNCIL)
    expect(row).to_contain_text(world.hf.name)
    expect(row).to_contain_text(str(Body.LadderStep(2).label))
    expect(table).not_to_contain_text("Hemmelig arbeidsgruppe")

    # Filter by kind (no JavaScript needed: a GET form).
    search = page.get_by_role("search")
    search.get_by_label(browser.t("Kind")).select_option("youth_council")
    browser.submit(search.get_by_role("button", name=browser.t("Show"), exact=True))
    expect(page.get_by_text(browser.t("No bodies match."))).to_be_visible()
    browser.click_link(browser.t("Clear filters"))

    # A council: mandate, ladder step with its reason, and the consenting member only.
    browser.click(page.get_by_role("link", name=COUNCIL, exact=True))
    assert browser.path == f"/offentlig/utvalg/{council.pk}/"
    expect(browser.heading()).to_have_text(COUNCIL)
    mandate = page.get_by_role("region", name=browser.t("Mandate"))
    expect(mandate).to_contain_text("Gi råd til direktøren om tjenestene.")
    expect(mandate).to_contain_text(council.ladder_justification)
    members = page.get_by_role("table", name=browser.t("Members of %(name)s", name=COUNCIL))
    kari = members.get_by_role("row").filter(has_text="Kari Nordmann")
    expect(kari).to_contain_text(world.user_org.name)
    expect(page.locator("main")).not_to_contain_text("Nils Skjult")
    expect(page.locator("main")).not_to_contain_text("@example.no")
    expect(breadcrumbs(browser).locator("[aria-current=page]")).to_have_text(COUNCIL)

    # The open calls, from the council's page.
    browser.click(in_main(browser, browser.t("All open calls for candidates")))
    assert browser.path == "/offentlig/foresporsler/"
    calls = page.get_by_role("table", name=browser.t("Open calls for candidates"))
    expect(calls.get_by_role("link", name=COUNCIL, exact=True)).to_be_visible()
    expect(calls).to_contain_text(world.user_org.name)

    # Back to the front page by the breadcrumbs, then to the directory with the keyboard only.
    browser.click(breadcrumbs(browser).get_by_role("link", name=browser.t("Public pages")))
    assert browser.path == "/offentlig/"
    directory_link = in_main(browser, browser.t("User organisations"))
    tab_to(browser, directory_link, most=10)
    browser.press("Enter")
    assert browser.path == "/offentlig/organisasjoner/"
    expect(page.get_by_role("heading", name="Mental Helse", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="post@mentalhelse.example")).to_have_attribute(
        "href", "mailto:post@mentalhelse.example"
    )
    expect(page.locator("main")).not_to_contain_text(world.hf.name)

    # Search by a branch's name: its organisation is found, with the branch shown.
    box = page.get_by_role("searchbox", name=browser.t("Search by name"))
    tab_to(browser, box, most=10)
    page.keyboard.type("trøndelag")
    browser.press("Enter")
    expect(box).to_have_value("trøndelag")
    expect(page.get_by_role("heading", name="Mental Helse", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Mental Helse Trøndelag")).to_be_visible()
    expect(page.get_by_role("heading", name=world.user_org.name)).to_have_count(0)


@pytest.mark.browser
def test_non_public_council_is_not_found_on_the_portal(browser: CheckedPage, world: World) -> None:
    hidden = make_council(world, "Hemmelig arbeidsgruppe", is_public=False)
    browser.visit(f"/offentlig/utvalg/{hidden.pk}/", status=404)
    expect(browser.page.locator("main")).not_to_contain_text("Hemmelig arbeidsgruppe")
