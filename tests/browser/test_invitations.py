"""An administrator invites a colleague by e-mail; the colleague chooses a password and is in."""

import pytest
from playwright.sync_api import expect

from medvirke.core.testing import PASSWORD, World

from .support import CheckedPage, link_path

INVITEE = "kari.nordmann@example.no"
INVITEE_PASSWORD = "Blåbærsyltetøy-på-hytta"


@pytest.mark.browser
def test_administrator_invites_a_colleague_who_sets_a_password(
    open_browser, world: World, mailoutbox
) -> None:
    admin: CheckedPage = open_browser()
    page = admin.page
    admin.login(world.administrator.email, PASSWORD)
    admin.click_link(world.hf.name, exact=True)
    expect(admin.heading()).to_contain_text(world.hf.name)
    admin.click_link(admin.t("Invite a person"))
    assert admin.path == f"/organisasjoner/{world.hf.pk}/inviter/"

    # A typo in the address: the summary and the field say so, and nothing typed is lost.
    form = page.locator("main form.mv-form")
    email = form.get_by_label(admin.t("E-mail address"))
    name = form.get_by_label(admin.t("Name"))
    role = form.get_by_label(admin.t("Role"))
    message = form.get_by_label(admin.t("Message to the person"))
    email.fill("kari.nordmann(at)example.no")
    name.fill("Kari Nordmann")
    role.select_option("case_handler")
    message.fill("Velkommen til brukerutvalget!")
    admin.submit(admin.t("Send invitation"))

    assert admin.path == f"/organisasjoner/{world.hf.pk}/inviter/"
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # app.js moves focus there so screen readers read it
    expect(summary.get_by_role("heading")).to_have_text(
        admin.t("Please correct the following before you continue")
    )
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_email_error")).to_be_visible()
    expect(email).to_have_accessible_description(
        page.locator("#id_email_error").inner_text().strip()
    )
    expect(email).to_have_value("kari.nordmann(at)example.no")
    expect(name).to_have_value("Kari Nordmann")
    expect(role).to_have_value("case_handler")
    expect(message).to_have_value("Velkommen til brukerutvalget!")
    # The summary's link leads to the field.
    summary.get_by_role("link").click()
    expect(email).to_be_focused()
    assert not mailoutbox

    email.fill(INVITEE)
    admin.submit(admin.t("Send invitation"))
    assert admin.path == f"/organisasjoner/{world.hf.pk}/"
    expect(page.get_by_role("status")).to_contain_text(INVITEE)
    waiting = page.get_by_role("table", name=admin.t("Invitations waiting for an answer"))
    expect(waiting.get_by_role("row").filter(has_text=INVITEE)).to_contain_text(
        admin.t("Case handler / unit manager")
    )

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [INVITEE]
    assert world.hf.name in mail.subject
    assert "Velkommen til brukerutvalget!" in mail.body
    invitation_path = link_path(mail.body)

    # The colleague opens the link in their own browser.
    invitee: CheckedPage = open_browser()
    ipage = invitee.page
    invitee.visit(invitation_path)
    expect(invitee.heading()).to_contain_text(world.hf.name)
    expect(ipage.get_by_text("Velkommen til brukerutvalget!")).to_be_visible()
    full_name = ipage.get_by_label(invitee.t("Your full name"))
    password1 = ipage.get_by_label(invitee.t("Choose a password"))
    password2 = ipage.get_by_label(invitee.t("Repeat the password"))
    expect(full_name).to_have_value("Kari Nordmann")
    password1.fill(INVITEE_PASSWORD)
    password2.fill(INVITEE_PASSWORD + "!")
    invitee.submit(invitee.t("Create account and accept"))

    assert invitee.path == invitation_path
    expect(ipage.locator(".ds-error-summary")).to_contain_text(
        invitee.t("The two passwords are not the same.")
    )
    expect(password2).to_have_attribute("aria-invalid", "true")
    expect(full_name).to_have_value("Kari Nordmann")
    password1.fill(INVITEE_PASSWORD)
    password2.fill(INVITEE_PASSWORD)
    invitee.submit(invitee.t("Create account and accept"))

    assert invitee.path == "/"
    expect(invitee.page.get_by_role("status")).to_contain_text(world.hf.name)
    expect(invitee.heading()).to_contain_text("Kari Nordmann")
    card = ipage.get_by_role("listitem").filter(
        has=ipage.get_by_role("link", name=world.hf.name, exact=True)
    )
    expect(card).to_contain_text(invitee.t("Case handler / unit manager"))

    # The link cannot be used twice.
    invitee.visit(invitation_path, status=410)
    expect(invitee.heading()).to_have_text(invitee.t("The invitation cannot be used"))

    # The administrator sees the new colleague, and the whole story in the history.
    admin.visit(f"/organisasjoner/{world.hf.pk}/")
    staff = page.get_by_role(
        "table", name=admin.t("Staff and roles in %(name)s", name=world.hf.name)
    )
    expect(staff.get_by_role("row").filter(has_text=INVITEE)).to_contain_text("Kari Nordmann")
    expect(page.get_by_text(admin.t("No invitations are waiting."))).to_be_visible()
    admin.click_link(admin.t("History"), exact=True)
    assert admin.path == f"/organisasjoner/{world.hf.pk}/historikk/"
    rows = page.get_by_role("table", name=admin.t("History")).get_by_role("row")
    invited = rows.filter(has_text=INVITEE).filter(has_text=admin.t("Invited"))
    accepted = rows.filter(has_text=INVITEE).filter(has_text=admin.t("Accepted"))
    expect(invited).to_have_count(1)
    expect(invited).to_contain_text(world.administrator.display_name)
    expect(accepted).to_have_count(1)
    expect(accepted).to_contain_text("Kari Nordmann")
