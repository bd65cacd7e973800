"""On a phone held upright (320 CSS pixels, WCAG 1.4.10 Reflow) nothing needs sideways scrolling
except wide tables, which scroll in their own box that the keyboard can reach."""

import pytest
from playwright.sync_api import expect

from medvirke.core.testing import PASSWORD, World
from medvirke.organisations import services
from medvirke.organisations.models import StaffRole

from .support import CheckedPage

PHONE = {"width": 320, "height": 640}


def assert_no_sideways_scrolling(browser: CheckedPage) -> None:
    overflow = browser.page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            return [...document.querySelectorAll("body *")]
                .filter(el => el.getBoundingClientRect().right > width + 1)
                .filter(el => !el.closest(".mv-table-wrap"))
                .slice(0, 5).map(el => el.outerHTML.slice(0, 120));
        }"""
    )
    width = browser.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{browser.path} is {width}px wide: {overflow}"


@pytest.mark.browser
def test_pages_fit_a_narrow_phone_screen(open_browser, world: World) -> None:
    services.invite(
        email="ny.kollega@example.no",
        organisation=world.hf,
        role=StaffRole.Role.AUDITOR,
        by=world.administrator,
    )
    browser: CheckedPage = open_browser(viewport=PHONE)
    page = browser.page
    browser.visit("/konto/login/")
    assert_no_sideways_scrolling(browser)
    browser.login(world.administrator.email, PASSWORD)
    assert_no_sideways_scrolling(browser)

    # The user menu opens inside the screen.
    page.locator("details.mv-usermenu > summary").click()
    box = page.locator("details.mv-usermenu ul").bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    page.locator("details.mv-usermenu > summary").click()

    for path in [
        "/organisasjoner/",
        f"/organisasjoner/{world.hf.pk}/",
        f"/organisasjoner/{world.hf.pk}/endre/",
        f"/organisasjoner/{world.hf.pk}/historikk/",
    ]:
        browser.visit(path)
        assert_no_sideways_scrolling(browser)

    browser.visit(f"/organisasjoner/{world.hf.pk}/inviter/")
    browser.submit(browser.t("Send invitation"))  # empty: the errors must fit too
    assert_no_sideways_scrolling(browser)

    # The staff table scrolls in its own box, and a keyboard user can scroll it.
    browser.visit(f"/organisasjoner/{world.hf.pk}/")
    staff = page.get_by_role(
        "group", name=browser.t("Staff and roles in %(name)s", name=world.hf.name)
    )
    assert staff.evaluate("el => el.scrollWidth > el.clientWidth"), "expected a wide table"
    staff.focus()
    expect(staff).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("box => box.scrollLeft > 0", arg=staff.element_handle())
