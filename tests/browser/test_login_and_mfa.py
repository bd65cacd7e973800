"""A staff member's first login with required two-factor authentication, and the next one."""

import time

import pytest
from playwright.sync_api import expect

from medvirke.core.testing import PASSWORD, World

from .support import CheckedPage, totp_code


@pytest.mark.browser
def test_staff_member_logs_in_with_mfa(browser: CheckedPage, world: World, settings) -> None:
    settings.MEDVIRKE_REQUIRE_MFA_FOR_STAFF = True
    person = world.secretary

    # First login: e-mail and password; a staff member is sent on to set up an authenticator
    # app, and allauth asks for the password once more before an MFA change (its secure default).
    browser.login(person.email, PASSWORD)
    assert browser.path.startswith("/konto/reauthenticate/")
    assert "2fa%2Ftotp%2Factivate" in browser.path
    browser.page.locator("input[name=password]").fill(PASSWORD)
    browser.submit(browser.t("Confirm"))
    assert browser.path.startswith("/konto/2fa/totp/activate/")
    # Nothing else is reachable before the authenticator is set up.
    browser.visit("/organisasjoner/")
    assert browser.path.startswith("/konto/2fa/totp/activate/")

    secret = browser.page.locator("#authenticator_secret").input_value()
    assert len(secret) >= 16
    qr_name = browser.t("QR code for your authenticator app. The same secret is written out below.")
    expect(browser.page.get_by_role("img", name=qr_name)).to_be_visible()  # the QR code
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
    browser.page.locator("input[name=code]").fill(wrong)
    browser.submit(browser.t("Activate"))
    assert browser.path.startswith("/konto/2fa/totp/activate/"), "a wrong code was accepted"
    expect(browser.page.locator("input[name=code]")).to_have_attribute("aria-invalid", "true")

    # Start at the beginning of a 30-second window, so the reuse below is tried while the
    # activation code is still current (and refused as used, not as expired).
    if 30 - time.time() % 30 < 20:
        time.sleep(30 - time.time() % 30 + 0.1)
    activation_code = totp_code(secret)
    browser.page.locator("input[name=code]").fill(activation_code)
    browser.submit(browser.t("Activate"))
    # allauth shows the recovery codes made together with the authenticator.
    assert browser.path.startswith("/konto/2fa/recovery-codes/")
    browser.click_link(browser.t("Overview"), exact=True)
    assert browser.path == "/"

    browser.logout()
    assert browser.path.startswith("/konto/login/")

    # Next login: password, then the code from the app. The code typed to activate counts
    # once: the person is told to wait for the app's next code.
    browser.login(person.email, PASSWORD)
    assert browser.path.startswith("/konto/2fa/authenticate/")
    browser.page.locator("input[name=code]").fill(activation_code)
    browser.submit(browser.t("Sign In"))
    assert browser.path.startswith("/konto/2fa/authenticate/"), "a used code signed in again"
    expect(browser.page.locator("main")).to_contain_text(
        browser.t(
            "This code has already been used. Wait until your authenticator app shows a new "
            "code, then enter that one."
        )
    )
    while (code := totp_code(secret)) == activation_code:
        time.sleep(1)
    browser.page.locator("input[name=code]").fill(code)
    browser.submit(browser.t("Sign In"))

    assert browser.path == "/"
    expect(browser.heading()).to_have_text(browser.t("Welcome, %(name)s", name=person.display_name))
    card = browser.page.get_by_role("listitem").filter(
        has=browser.page.get_by_role("link", name=world.hf.name, exact=True)
    )
    expect(card).to_contain_text(browser.t("Secretariat"))


@pytest.mark.browser
def test_person_reaches_every_page_in_the_user_menu(browser: CheckedPage, world: World) -> None:
    page = browser.page
    browser.visit("/konto/login/")
    browser.click_link(browser.t("Forgot your password?"))
    assert browser.path == "/konto/password/reset/"

    browser.login(world.secretary.email, PASSWORD)
    menu = page.locator("details.mv-usermenu")
    for name, path in [
        ("My profile", "/profil/"),
        ("Two-factor authentication", "/konto/2fa/"),
        ("Change password", "/konto/password/change/"),
    ]:
        menu.locator("summary").click()
        browser.click(menu.get_by_role("link", name=browser.t(name)))
        assert browser.path == path
    browser.visit("/profil/")
    browser.click_link(browser.t("Change e-mail address"))
    assert browser.path == "/konto/email/"
