"""Issue 3, "done when": a body is created, a call goes out, a user organisation nominates, the
secretariat appoints and declines, the representative confirms, fetches the letter and later
resigns, and the vacant seat goes out in a new call, all of it in the body's history.

Four people, each in their own browser, doing it as a new user would: through the menu, the
forms' labels and buttons, some of it with the keyboard. Every page is checked by axe-core
(see support.CheckedPage). MFA for staff is off in tests (root conftest), so a login lands
straight on the overview.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.utils.text import capfirst
from playwright.sync_api import Locator, expect

from medvirke.core.testing import PASSWORD, World
from medvirke.representatives.models import Representative
from medvirke.representatives.testing import register_candidate

from .support import CheckedPage, t

BODY = "Brukerutvalget for psykisk helse"
MANDATE = (
    "Utvalget gir råd til direktøren om tjenestene innen psykisk helse og rus, og skal "
    "være med fra starten i planarbeid og prioriteringer."
)
LADDER_WHY = "Mandatet sier at utvalget er med fra starten i planarbeid: medbestemmelse."
KARI = "Kari Brukerstemme"
OLA = "Ola Erfaring"
DECLINE_REASON = "Utvalget trenger nå noen med erfaring fra rusfeltet."


def field_label(verbose_name: str) -> str:
    """A model form field's label as the page shows it (the verbose name, capitalised)."""
    return capfirst(t(verbose_name))


def approved_candidate(world: World, name: str) -> Representative:
    """A representative the coordinator has registered and who has accepted (approved in
    world.user_org). register_candidate() makes an account without a password; this stands in
    for the step where the person gets one (not walked through here): a password and a
    verified address, since with mandatory e-mail verification allauth will not log in an
    unverified one."""
    email = f"{name.lower().replace(' ', '.')}@example.no"
    representative = register_candidate(
        email=email, full_name=name, organisation=world.user_org, by=world.coordinator
    )
    user = representative.user
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return representative


def menu_link(person: CheckedPage, text: str) -> Locator:
    menu = person.page.get_by_role("navigation", name=person.t("Main menu"))
    return menu.get_by_role("link", name=person.t(text), exact=True)


def nominee(person: CheckedPage, name: str) -> Locator:
    """The nominee's card on the secretariat's call page."""
    return person.page.get_by_role("article", name=name, exact=True)


@pytest.mark.browser
def test_body_call_nomination_appointment_resignation_and_new_call(
    open_browser, world: World
) -> None:
    kari = approved_candidate(world, KARI)
    ola = approved_candidate(world, OLA)

    # --- 1. The secretariat creates the body and opens a call for one vacant seat ------------
    secretary: CheckedPage = open_browser()
    spage = secretary.page
    secretary.login(world.secretary.email, PASSWORD)
    assert secretary.path == "/"  # MFA is off: no second step
    secretary.click(menu_link(secretary, "Councils and groups"))
    expect(secretary.heading()).to_have_text(secretary.t("Councils and groups"))
    secretary.click_link(secretary.t("New body"), exact=True)

    # The secretary works in the HF and the clinic below it, so Medvirke asks which one.
    spage.get_by_label(secretary.t("Owner organisation")).select_option(str(world.hf.pk))
    secretary.submit(secretary.t("Continue"))
    expect(secretary.heading()).to_have_text(secretary.t("New body in %(org)s", org=world.hf.name))

    form = spage.locator("main form.mv-form")
    form.get_by_label(field_label("kind"), exact=True).select_option("user_group")
    form.get_by_label(field_label("mandate"), exact=True).fill(MANDATE)
    form.get_by_label(field_label("step on the participation ladder"), exact=True).select_option(
        str(3)
    )
    form.get_by_label(field_label("why this step"), exact=True).fill(LADDER_WHY)
    seats = form.get_by_role("group", name=secretary.t("Number of seats"))
    seats.get_by_label(field_label("leader"), exact=True).fill("1")
    seats.get_by_label(field_label("deputy leader"), exact=True).fill("0")
    seats.get_by_label(field_label("members"), exact=True).fill("2")
    seats.get_by_label(field_label("deputies (ranked)"), exact=True).fill("0")
    form.get_by_label(f"{world.secretary.display_name} ({world.secretary.email})").check()
    # The name last, and Enter in it sends the form, as in any form.
    name = form.get_by_label(field_label("name"), exact=True)
    name.fill(BODY)
    name.focus()
    secretary.press("Enter")

    expect(secretary.heading()).to_have_text(BODY)
    expect(spage.get_by_role("status")).to_contain_text(
        secretary.t("%(name)s has been created.", name=BODY)
    )
    expect(spage.get_by_text(LADDER_WHY)).to_be_visible()
    body_path = secretary.path
    body_pk = int(re.fullmatch(r"/utvalg/(\d+)/", body_path).group(1))  # type: ignore[union-attr]

    secretary.click_link(secretary.t("Open a call for candidates"), exact=True)
    expect(secretary.heading()).to_have_text(secretary.t("Open a call for candidates"))
    member_1 = f"{secretary.t('Member')} 1"
    seat_group = spage.get_by_role("group", name=secretary.t("Seats to fill"))
    # Every vacant seat is ticked to begin with; this call is for one of them.
    for box in seat_group.get_by_role("checkbox").all():
        box.uncheck()
    seat_group.get_by_label(secretary.t("%(seat)s – vacant", seat=member_1), exact=True).check()
    recipients = spage.get_by_role(
        "group", name=secretary.t("Ask these organisations and forums"), exact=True
    )
    recipients.get_by_label(world.user_org.name, exact=True).check()
    secretary.submit(secretary.t("Open the call"))

    expect(secretary.heading()).to_have_text(
        secretary.t("Call for candidates: %(name)s", name=BODY)
    )
    expect(spage.get_by_role("status")).to_contain_text(
        secretary.t("The call has been opened and sent to %(count)s organisation.", count=1)
    )
    first_call_path = secretary.path
    expect(spage.locator("main dl")).to_contain_text(world.user_org.name)
    expect(spage.get_by_text(secretary.t("No nominations yet."))).to_be_visible()

    # --- 2. The user organisation's coordinator nominates two candidates ---------------------
    coordinator: CheckedPage = open_browser()
    cpage = coordinator.page
    coordinator.login(world.coordinator.email, PASSWORD)
    coordinator.click(menu_link(coordinator, "Calls for candidates"))
    expect(coordinator.heading()).to_have_text(coordinator.t("Calls for us"))
    calls = cpage.get_by_role("table", name=coordinator.t("Open calls for candidates"))
    expect(calls.get_by_role("row").filter(has_text=BODY)).to_contain_text(
        coordinator.t("None yet")
    )
    coordinator.click(calls.get_by_role("link", name=BODY, exact=True))
    expect(coordinator.heading()).to_have_text(
        coordinator.t("Call for candidates: %(body)s", body=BODY)
    )

    candidate = cpage.get_by_label(coordinator.t("Candidate"), exact=True)
    justification = cpage.get_by_label(coordinator.t("Justification"), exact=True)
    candidate.select_option(label=f"{KARI} ({kari.user.email})")
    justification.fill("Kari har lang erfaring som pårørende og leder en lokal likepersongruppe.")
    coordinator.submit(coordinator.t("Nominate"))
    expect(cpage.get_by_role("status")).to_contain_text(
        coordinator.t("%(person)s has been nominated. The secretariat has been told.", person=KARI)
    )

    # The second one with the keyboard: Tab from the justification to the button, then Enter.
    candidate.select_option(label=f"{OLA} ({ola.user.email})")
    justification.fill("Ola kjenner tjenestene fra innsiden og har god tid det neste året.")
    justification.focus()
    nominate_button = cpage.get_by_role("button", name=coordinator.t("Nominate"), exact=True)
    for _ in range(3):
        if nominate_button.evaluate("button => button === document.activeElement"):
            break
        cpage.keyboard.press("Tab")
    expect(nominate_button).to_be_focused()
    coordinator.press("Enter")
    ours = cpage.get_by_role("table", name=coordinator.t("Our nominations"))
    expect(ours.get_by_role("row")).to_have_count(3)  # the header and the two candidates
    for person in (KARI, OLA):
        expect(ours.get_by_role("row").filter(has_text=person)).to_contain_text(
            world.coordinator.display_name
        )

    # --- 3. The secretariat appoints Kari and declines Ola with a reason ---------------------
    secretary.visit(body_path)
    call_table = spage.get_by_role("table", name=secretary.t("Calls for candidates"))
    secretary.click(call_table.get_by_role("link").first)
    assert secretary.path == first_call_path
    kari_card = nominee(secretary, KARI)
    expect(kari_card).to_contain_text(world.user_org.name)
    expect(kari_card.get_by_label(field_label("seat"), exact=True)).to_have_value(
        re.compile(r"\d+")
    )
    expect(
        kari_card.get_by_label(field_label("seat"), exact=True).locator("option:checked")
    ).to_have_text(secretary.t("%(seat)s – vacant", seat=member_1))
    secretary.submit(
        kari_card.locator("form[action$='/oppnevn/']").get_by_role(
            "button", name=secretary.t("Appoint")
        )
    )
    expect(spage.get_by_role("status")).to_contain_text(KARI)

    ola_card = nominee(secretary, OLA)
    ola_card.locator("summary").click()  # "Decline Ola …" opens the decline form
    ola_card.get_by_label(field_label("reason for declining"), exact=True).fill(DECLINE_REASON)
    secretary.submit(
        ola_card.locator("form[action$='/avsla/']").get_by_role(
            "button", name=secretary.t("Decline")
        )
    )
    expect(spage.get_by_role("status")).to_contain_text(OLA)
    expect(spage.get_by_text(secretary.t("Every nomination has been handled."))).to_be_visible()
    handled = spage.get_by_role("table", name=secretary.t("Handled nominations"))
    expect(handled.get_by_role("row").filter(has_text=OLA)).to_contain_text(DECLINE_REASON)
    # Nobody else is coming for this seat: the call is closed.
    secretary.submit(secretary.t("Close the call"))
    expect(spage.get_by_role("status")).to_contain_text(
        secretary.t(
            "The call is closed: no more nominations. Pending nominees can still be appointed."
        )
    )

    # The coordinator sees the outcome, with the reason for Ola.
    coordinator.visit(coordinator.path)
    expect(ours.get_by_role("row").filter(has_text=OLA)).to_contain_text(DECLINE_REASON)

    # --- 4. Kari confirms and downloads the letter of appointment ----------------------------
    representative: CheckedPage = open_browser()
    rpage = representative.page
    representative.login(kari.user.email, PASSWORD)
    representative.click(menu_link(representative, "My engagements"))
    expect(representative.heading()).to_have_text(representative.t("My engagements"))
    waiting = rpage.get_by_role(
        "region", name=representative.t("Appointments waiting for your confirmation")
    )
    expect(waiting).to_contain_text(BODY)
    letter_link = waiting.get_by_role("link", name=representative.t("Letter of appointment (PDF)"))
    letter_path = letter_link.get_attribute("href")
    representative.submit(
        waiting.get_by_role("button", name=f"{representative.t('Confirm')} {BODY}", exact=True)
    )
    expect(rpage.get_by_role("status")).to_contain_text(
        representative.t("Thank you. You have confirmed the appointment to %(body)s.", body=BODY)
    )
    expect(waiting).to_have_count(0)
    current = rpage.get_by_role("table", name=representative.t("Current appointments"))
    row = current.get_by_role("row").filter(has_text=BODY)
    expect(row).to_contain_text(world.user_org.name)
    expect(row).not_to_contain_text(representative.t("Not yet"))

    assert letter_path
    assert (
        row.get_by_role("link", name=representative.t("Letter (PDF)")).get_attribute("href")
        == letter_path
    )
    letter = rpage.request.get(representative.base_url + letter_path)  # Kari's own cookies
    assert letter.status == 200
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")

    # --- 5. Later, Kari resigns ----------------------------------------------------------------
    representative.click(row.get_by_role("link", name=representative.t("Resign")))
    expect(representative.heading()).to_have_text(
        representative.t("Resign from %(body)s", body=BODY)
    )
    confirm_box = rpage.get_by_label(
        representative.t("I am stepping down from this seat before the term ends")
    )
    confirm_box.focus()
    rpage.keyboard.press("Space")
    expect(confirm_box).to_be_checked()
    rpage.get_by_label(
        representative.t("Message to the secretariat and your organisation"), exact=False
    ).fill("Jeg flytter til en annen by i sommer.")
    representative.submit(representative.t("Resign"))
    assert representative.path == "/utvalg/mine-verv/"
    expect(rpage.get_by_role("status")).to_contain_text(BODY)
    nothing_held = representative.t("You hold no appointment at the moment.")
    expect(rpage.get_by_text(nothing_held)).to_be_visible()
    earlier = rpage.get_by_role("table", name=representative.t("Earlier appointments"))
    expect(earlier.get_by_role("row").filter(has_text=BODY)).to_contain_text(
        representative.t("Resigned")
    )

    # --- 6. The secretariat sees the seat vacant and opens a new call from it in one step -----
    secretary.click(menu_link(secretary, "Councils and groups"))
    secretary.click_link(BODY, exact=True)
    assert secretary.path == body_path
    members = spage.get_by_role(
        "table", name=secretary.t("Seats and members of %(name)s", name=BODY)
    )
    seat_row = members.get_by_role("row").filter(
        has=spage.get_by_role("rowheader", name=member_1, exact=True)
    )
    expect(seat_row).to_contain_text(secretary.t("Vacant"))
    expect(seat_row).to_contain_text(secretary.t("No open call"))
    vacancies = spage.get_by_role("region", name=secretary.t("Vacant seats"))
    one_step = vacancies.get_by_role(
        "button", name=f"{secretary.t('Open a call for this seat')} – {member_1}", exact=True
    )
    one_step.focus()
    secretary.press("Enter")
    assert secretary.path.startswith("/utvalg/foresporsel/")
    assert secretary.path != first_call_path
    expect(secretary.heading()).to_have_text(
        secretary.t("Call for candidates: %(name)s", name=BODY)
    )
    # Sent to the organisation that nominated Kari, for the seat she left.
    expect(spage.get_by_role("status")).to_contain_text(world.user_org.name)
    facts = spage.locator("main dl.mv-dl").first
    expect(facts).to_contain_text(member_1)
    expect(facts).to_contain_text(world.user_org.name)

    # The coordinator has the new call in the list.
    coordinator.click(menu_link(coordinator, "Calls for candidates"))
    expect(calls.get_by_role("row").filter(has_text=BODY)).to_contain_text(
        coordinator.t("None yet")
    )

    # --- 7. The body's history shows every step and who took it ------------------------------
    secretary.click(spage.get_by_role("navigation").get_by_role("link", name=BODY, exact=True))
    secretary.click_link(secretary.t("History"), exact=True)
    assert secretary.path == f"/utvalg/{body_pk}/historikk/"
    history = spage.get_by_role("table", name=secretary.t("History"))
    rows = history.get_by_role("row")

    def by(name: str) -> Locator:
        """Rows whose "Who" column is `name`."""
        return rows.filter(has=spage.locator("td:nth-child(2)", has_text=re.compile(rf"^{name}$")))

    expect(by(world.secretary.display_name).first).to_be_visible()
    expect(by(world.coordinator.display_name)).to_have_count(2)  # the two nominations
    expect(by(KARI)).to_have_count(2)  # confirmed, then resigned
    # The secretary's steps: created the body, the two calls, the appointment, the decline ...
    expect(by(world.secretary.display_name).filter(has_text=BODY).first).to_be_visible()
    assert by(world.secretary.display_name).count() >= 5
