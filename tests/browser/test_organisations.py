"""Finding one's way in the organisation tree: tabs, an organisation, breadcrumbs, search."""

import pytest
from playwright.sync_api import expect

from medvirke.core.testing import PASSWORD, World

from .support import CheckedPage


def breadcrumbs(browser: CheckedPage):
    return browser.page.get_by_role("navigation", name=browser.t("You are here"))


@pytest.mark.browser
def test_person_browses_organisation_tree_and_searches(browser: CheckedPage, world: World) -> None:
    page = browser.page
    browser.login(world.case_handler.email, PASSWORD)
    menu = page.get_by_role("navigation", name=browser.t("Main menu"))
    browser.click(menu.get_by_role("link", name=browser.t("Organisations"), exact=True))
    assert browser.path == "/organisasjoner/"
    expect(browser.heading()).to_have_text(browser.t("Organisations"))

    # The tabs: the specialist health service first, with each authority's health trusts.
    tabs = page.get_by_role("navigation", name=browser.t("Parts of the sector"))
    health_tab = tabs.get_by_role("link", name=browser.t("Specialist health service"))
    user_org_tab = tabs.get_by_role("link", name=browser.t("User organisations"))
    expect(health_tab).to_have_attribute("aria-current", "page")
    results = page.locator("main ul.mv-tree")
    expect(results.get_by_role("link", name=world.rhf.name, exact=True)).to_be_visible()
    expect(results.get_by_role("link", name=world.hf.name, exact=True)).to_be_visible()
    expect(results.get_by_role("link", name=world.user_org.name)).to_have_count(0)

    browser.click(user_org_tab)
    expect(user_org_tab).to_have_attribute("aria-current", "page")
    expect(health_tab).not_to_have_attribute("aria-current", "page")
    expect(results.get_by_role("link", name=world.user_org.name, exact=True)).to_be_visible()
    expect(results.get_by_role("link", name=world.rhf.name)).to_have_count(0)

    # Down the tree: authority → health trust → clinic.
    browser.click(health_tab)
    browser.click(results.get_by_role("link", name=world.hf.name, exact=True))
    assert browser.path == f"/organisasjoner/{world.hf.pk}/"
    expect(browser.heading()).to_contain_text(world.hf.name)
    expect(page.get_by_text(browser.t("Your roles here:"))).to_contain_text(
        browser.t("Case handler / unit manager")
    )
    units = page.get_by_role("region", name=browser.t("Units"))
    browser.click(units.get_by_role("link", name=world.clinic.name, exact=True))
    expect(browser.heading()).to_contain_text(world.clinic.name)
    trail = breadcrumbs(browser)
    expect(trail.get_by_role("listitem")).to_have_text(
        [browser.t("Organisations"), world.rhf.name, world.hf.name, world.clinic.name]
    )
    expect(trail.locator("[aria-current=page]")).to_have_text(world.clinic.name)

    # And back up by the breadcrumbs.
    browser.click(breadcrumbs(browser).get_by_role("link", name=world.hf.name, exact=True))
    assert browser.path == f"/organisasjoner/{world.hf.pk}/"
    browser.click(breadcrumbs(browser).get_by_role("link", name=world.rhf.name, exact=True))
    assert browser.path == f"/organisasjoner/{world.rhf.pk}/"
    expect(breadcrumbs(browser).get_by_role("listitem")).to_have_text(
        [browser.t("Organisations"), world.rhf.name]
    )
    browser.click(
        breadcrumbs(browser).get_by_role("link", name=browser.t("Organisations"), exact=True)
    )
    assert browser.path == "/organisasjoner/"

    # Search by part of a name: every match, with the organisation it belongs to; no tabs.
    search = page.get_by_role("search")
    search.get_by_label(browser.t("Search by name")).fill("klinikk")
    browser.submit(search.get_by_role("button", name=browser.t("Search"), exact=True))
    expect(page.get_by_role("searchbox", name=browser.t("Search by name"))).to_have_value("klinikk")
    match = results.get_by_role("listitem").filter(has_text=world.clinic.name)
    expect(match).to_have_count(1)
    expect(match).to_contain_text(world.hf.name)
    expect(results.get_by_role("link", name=world.other_hf.name)).to_have_count(0)
    expect(page.get_by_role("navigation", name=browser.t("Parts of the sector"))).to_have_count(0)

    # The short name finds the authority too.
    page.get_by_role("searchbox", name=browser.t("Search by name")).fill(world.rhf.short_name)
    browser.press("Enter")
    expect(results.get_by_role("link", name=world.rhf.name, exact=True)).to_be_visible()

    # Nothing found says so.
    page.get_by_role("searchbox", name=browser.t("Search by name")).fill("finnes ikke")
    browser.press("Enter")
    expect(page.get_by_text(browser.t("No organisations found."))).to_be_visible()

    browser.click_link(browser.t("Clear search"))
    assert browser.path == "/organisasjoner/"
    expect(page.get_by_role("navigation", name=browser.t("Parts of the sector"))).to_be_visible()
