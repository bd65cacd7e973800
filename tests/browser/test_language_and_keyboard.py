"""The language switch in the header, and using Medvirke with the keyboard alone."""

import pytest
from playwright.sync_api import Locator, expect

from medvirke.core.testing import PASSWORD, World

from .support import CheckedPage, t


def language_button(browser: CheckedPage, language: str) -> Locator:
    """The header button that switches to `language` (its label is in that language)."""
    return browser.page.locator(f"form.mv-language button[value={language}]")


@pytest.mark.browser
def test_language_switch_changes_the_interface(open_browser, world: World) -> None:
    browser: CheckedPage = open_browser()
    page = browser.page
    html = page.locator("html")
    heading = "Log in to Medvirke"
    # The switch must change something visible, so the words checked below must differ.
    assert t(heading, "nb") != t(heading, "en"), f"{heading!r} has no Bokmål translation"

    # Someone not logged in: Bokmål by default, English with one click, and back.
    browser.visit("/konto/login/")
    expect(html).to_have_attribute("lang", "nb")
    expect(browser.heading()).to_have_text(t(heading, "nb"))
    expect(language_button(browser, "en")).to_have_text("English")
    expect(language_button(browser, "en")).to_have_attribute("lang", "en")

    browser.click(page.get_by_role("button", name="English", exact=True))
    assert browser.path == "/konto/login/"  # the same page, now in English
    expect(html).to_have_attribute("lang", "en")
    expect(browser.heading()).to_have_text(t(heading, "en"))
    expect(page.get_by_role("button", name=t("Log in", "en"), exact=True)).to_be_visible()
    expect(language_button(browser, "nb")).to_have_text("Norsk (bokmål)")
    expect(language_button(browser, "nb")).to_have_attribute("lang", "nb")

    browser.click(page.get_by_role("button", name="Norsk (bokmål)", exact=True))
    expect(html).to_have_attribute("lang", "nb")
    expect(browser.heading()).to_have_text(t(heading, "nb"))
    expect(page.get_by_role("button", name=t("Log in", "nb"), exact=True)).to_be_visible()

    # A logged-in person: the choice is kept in their profile, so it follows them.
    person = world.secretary
    browser.login(person.email, PASSWORD)
    menu = page.get_by_role("navigation", name=t("Main menu", "nb"))
    expect(menu.get_by_role("link", name=t("Overview", "nb"), exact=True)).to_be_visible()
    browser.click(language_button(browser, "en"))
    assert browser.path == "/"
    expect(html).to_have_attribute("lang", "en")
    expect(browser.heading()).to_have_text(t("Welcome, %(name)s", "en", name=person.display_name))
    menu = page.get_by_role("navigation", name=t("Main menu", "en"))
    expect(menu.get_by_role("link", name=t("Overview", "en"), exact=True)).to_be_visible()
    person.refresh_from_db()
    assert person.language == "en"

    elsewhere: CheckedPage = open_browser()  # another browser that asks for Bokmål
    elsewhere.login(person.email, PASSWORD)
    expect(elsewhere.page.locator("html")).to_have_attribute("lang", "en")

    browser.click(language_button(browser, "nb"))
    expect(html).to_have_attribute("lang", "nb")
    expect(browser.heading()).to_have_text(t("Welcome, %(name)s", "nb", name=person.display_name))
    person.refresh_from_db()
    assert person.language == "nb"


def tab_to(browser: CheckedPage, target: Locator, *, most: int) -> None:
    """Press Tab until `target` has focus, at most `most` times."""
    for _ in range(most):
        browser.page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    focused = browser.page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{most} Tab presses did not reach {target}; focus is on {focused}")


@pytest.mark.browser
def test_keyboard_only_user_can_skip_to_content_and_submit_forms(
    browser: CheckedPage, world: World
) -> None:
    page = browser.page
    keyboard = page.keyboard
    person = world.administrator
    browser.visit("/konto/login/")

    # The first Tab reaches the skip link, which shows itself; Enter moves focus to the content.
    keyboard.press("Tab")
    skip = page.get_by_role("link", name=browser.t("Skip to main content"))
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    assert page.url.endswith("#main")

    # From the content, the next Tab is the login form's first field.
    email = page.locator("input[name=login]")
    password = page.locator("input[name=password]")
    keyboard.press("Tab")
    expect(email).to_be_focused()
    keyboard.type(person.email)
    tab_to(browser, password, most=3)
    keyboard.type("not the password")
    tab_to(browser, page.get_by_role("button", name=browser.t("Log in"), exact=True), most=4)
    browser.press("Enter")

    # A wrong password: focus goes to the error summary, the e-mail address is kept.
    assert browser.path.startswith("/konto/login/")
    expect(page.locator(".ds-error-summary")).to_be_focused()
    expect(email).to_have_value(person.email)
    tab_to(browser, password, most=4)
    keyboard.type(PASSWORD)
    browser.press("Enter")  # Enter in a field submits its form
    assert browser.path == "/"

    # On the overview: skip the header again, then open the organisation with Enter.
    keyboard.press("Tab")
    expect(page.get_by_role("link", name=browser.t("Skip to main content"))).to_be_focused()
    keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    tab_to(browser, page.locator("main").get_by_role("link", name=world.hf.name), most=2)
    browser.press("Enter")
    assert browser.path == f"/organisasjoner/{world.hf.pk}/"

    # The user menu (a disclosure) opens with Enter and logs out with Enter.
    menu = page.locator("details.mv-usermenu")
    tab_to(browser, menu.locator("summary"), most=16)
    keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    logout = menu.get_by_role("button", name=browser.t("Log out"))
    tab_to(browser, logout, most=8)
    browser.press("Enter")
    assert browser.path.startswith("/konto/login/")
    expect(page.get_by_role("navigation", name=browser.t("Main menu"))).to_have_count(0)


@pytest.mark.browser
def test_not_found_and_no_access_pages(browser: CheckedPage, world: World) -> None:
    browser.visit("/finnes-ikke/", status=404)
    expect(browser.heading()).to_have_text(browser.t("We could not find the page"))

    browser.login(world.outsider.email, PASSWORD)
    browser.visit(f"/organisasjoner/{world.hf.pk + 1000}/", status=404)
    expect(browser.heading()).to_have_text(browser.t("We could not find the page"))

    # Someone without a role opens an organisation's edit page.
    browser.visit(f"/organisasjoner/{world.hf.pk}/endre/", status=403)
    expect(browser.heading()).to_have_text(browser.t("You do not have access to this page"))
    browser.click_link(browser.t("Go to your overview"))
    assert browser.path == "/"
