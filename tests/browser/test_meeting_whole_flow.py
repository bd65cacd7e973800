"""Issue 4 as a new user meets it, in real browsers, from the plan to the ledger: the
secretariat plans a meeting and puts three cases on it (one proposed by a representative),
calls it; a member sends an absence notice and the first deputy is called in; the attendance is
recorded; the minutes with the council's advice and a dissent are drafted, commented on,
approved and published; the case owner answers "partly followed" with reasoning; the
representative who proposed the case reads the answer; the ledger's figures move.

Only the world is set up in Python (the body with its seats, members and ranked deputies, a case
owner with a role in the owner organisation). Everything the issue lists is done in the pages.
The secretariat works with the keyboard alone (Tab, Enter, Space, arrow keys and typing; focus
is moved with `focus()` as a Tab would, never a mouse click). Every page is checked by axe-core.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, expect

from medvirke.bodies.tests.pdftext import pdf_text
from medvirke.core.testing import PASSWORD, World
from medvirke.meetings.models import Case, Meeting
from medvirke.meetings.services.common import when
from medvirke.meetings.tests.conftest import seat_council

from .support import CheckedPage, link_path

pytestmark = pytest.mark.browser

DISSENT = "Rådet burde kreve kortere ventetid enn forslaget."
ADVICE = "Innfør SMS-varsling før hver time."
REASONING = "SMS kommer til våren; påminnelse per brev beholdes for dem uten mobil."
COMMENT = "Navnet mitt er feilstavet under sak 1."


def can_log_in(user) -> None:  # type: ignore[no-untyped-def]
    from allauth.account.models import EmailAddress

    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


# --- the keyboard ---------------------------------------------------------------------------------


def type_into(cp: CheckedPage, field: Locator, text: str) -> None:
    """Move to a field and type, replacing what was there."""
    field.focus()
    cp.page.keyboard.press("ControlOrMeta+A")
    cp.page.keyboard.type(text)


def choose(cp: CheckedPage, select: Locator, label: str, *, most: int = 40) -> None:
    """Pick an option of a closed drop-down with the arrow keys."""
    select.focus()
    cp.page.keyboard.press("Home")
    for _ in range(most):
        if select.evaluate("s => s.options[s.selectedIndex].text.trim()") == label:
            return
        cp.page.keyboard.press("ArrowDown")
    options = select.evaluate("s => [...s.options].map(o => o.text)")
    raise AssertionError(f"{label!r} is not among {options}")


def toggle(cp: CheckedPage, box: Locator) -> None:
    """A checkbox, radio button or disclosure: move to it and press Space (Enter for a summary)."""
    box.focus()
    cp.page.keyboard.press("Enter" if box.evaluate("e => e.tagName") == "SUMMARY" else "Space")


def activate(cp: CheckedPage, target: Locator) -> None:
    """Follow a link or press a button that loads a page: focus it and press Enter."""
    target.focus()
    expect(target).to_be_focused()
    cp.press("Enter")


def set_date(field: Locator, value: str) -> None:
    # Chromium's date widget orders its day/month/year segments by the operating system's
    # locale, not the page's, so typed digits land in different segments on different machines;
    # the value is set as a finished date instead (no mouse either way).
    field.fill(value)


def keyboard_login(cp: CheckedPage, email: str) -> None:
    cp.visit("/konto/login/")
    type_into(cp, cp.page.locator("input[name=login]"), email)
    type_into(cp, cp.page.locator("input[name=password]"), PASSWORD)
    cp.press("Enter")


# --- reading --------------------------------------------------------------------------------------


def partly_followed(cp: CheckedPage) -> int:
    """The figures table's count of advice answered "partly followed"."""
    label = cp.t("Advice: %(status)s", status=cp.t("Partly followed"))
    row = cp.page.locator("table tr", has=cp.page.get_by_role("rowheader", name=label, exact=True))
    return int(row.locator("td").first.inner_text().strip())


def mail_to(person, subject: str) -> mail.EmailMessage:  # type: ignore[no-untyped-def]
    found = [m for m in mail.outbox if m.to == [person.email] and subject in m.subject]
    assert found, (
        f"no e-mail to {person.email} about {subject!r}: {[m.subject for m in mail.outbox]}"
    )
    return found[-1]


def test_a_meeting_from_the_plan_to_the_answered_advice_in_the_ledger(
    open_browser: object, world: World, mailoutbox: list
) -> None:
    council = seat_council(world)
    body = council.body
    kari, ola, per = (m.user for m in council.members)
    dag = council.deputies[0].user
    for person in (kari, ola, per, dag, *[d.user for d in council.deputies[1:]]):
        can_log_in(person)
    owner_label = f"{world.case_handler.display_name} ({world.case_handler.email})"
    day = timezone.localdate() + timedelta(days=10)

    # --- the secretariat plans the meeting and puts two cases on it --------------------------
    secretary: CheckedPage = open_browser()  # type: ignore[operator]
    spage = secretary.page
    keyboard_login(secretary, world.secretary.email)
    secretary.visit(reverse("body_detail", args=[body.pk]))
    activate(secretary, spage.get_by_role("link", name=secretary.t("Meetings"), exact=True))
    activate(secretary, spage.get_by_role("link", name=secretary.t("Plan a meeting"), exact=True))
    type_into(secretary, spage.locator("#id_title"), "Rådsmøtet")
    set_date(spage.locator("#id_starts_at"), f"{day.isoformat()}T17:00")
    set_date(spage.locator("#id_ends_at"), f"{day.isoformat()}T20:00")
    type_into(secretary, spage.locator("#id_place"), "Møterom Fjorden")
    secretary.press("Enter")  # Enter in a field sends its form
    meeting = Meeting.objects.get(body=body)
    expect(secretary.heading()).to_contain_text("Rådsmøtet")

    for title, kind in (
        ("Ny ventetidsordning", Case.Kind.ADVICE),
        ("Orientering om budsjettet", Case.Kind.ORIENTATION),
    ):
        activate(secretary, spage.get_by_role("link", name=secretary.t("Add a case"), exact=True))
        type_into(secretary, spage.locator("#id_title"), title)
        choose(secretary, spage.locator("#id_kind"), str(secretary.t(kind.label)))
        choose(secretary, spage.locator("#id_owner_person"), owner_label)
        toggle(secretary, spage.locator("#id_no_individual_patient"))
        spage.locator("#id_title").focus()
        secretary.press("Enter")
        expect(spage.locator("#agenda")).to_be_visible()
        expect(spage.locator("main")).to_contain_text(title)

    # --- a member proposes the third case; the secretariat puts it on the agenda ---------------
    proposer: CheckedPage = open_browser()  # type: ignore[operator]
    proposer.login(kari.email, PASSWORD)
    proposer.visit(reverse("my_meetings"))
    proposer.click_link(proposer.t("Propose a case for the agenda"))
    proposer.page.get_by_label(proposer.t("Title")).fill("Parkering for pasienter")
    proposer.page.get_by_label(proposer.t("What is the case about?")).fill(
        "Det er for få parkeringsplasser ved poliklinikken."
    )
    proposer.submit(proposer.t("Send the proposal"))
    expect(proposer.page.locator("main")).to_contain_text("Parkering for pasienter")

    secretary.visit(reverse("meeting_detail", args=[meeting.pk]))
    year = timezone.localtime(meeting.starts_at).year
    activate(
        secretary,
        spage.get_by_role("link", name=secretary.t("Meeting plan %(year)s", year=year), exact=True),
    )
    activate(secretary, spage.get_by_role("link", name=secretary.t("Case proposals")))
    proposal = spage.get_by_role("article", name="Parkering for pasienter")
    meeting_label = secretary.t("Meeting %(date)s", date=f"{day:%d.%m.%Y}") + " – Rådsmøtet"
    choose(secretary, proposal.get_by_label(secretary.t("Meeting"), exact=True), meeting_label)
    choose(
        secretary,
        proposal.get_by_label(secretary.t("type of case"), exact=False),
        secretary.t(Case.Kind.ADVICE.label),
    )
    activate(
        secretary,
        proposal.get_by_role(
            "button", name=f"{secretary.t('Put on the agenda')} – Parkering for pasienter"
        ),
    )
    proposed = Case.objects.get(title="Parkering for pasienter")
    first, second = Case.objects.filter(meeting=meeting).exclude(pk=proposed.pk).order_by("number")
    assert proposed.meeting_id == meeting.pk

    # The proposed case gets its owner on the agenda's edit page.
    secretary.visit(reverse("meeting_detail", args=[meeting.pk]))
    case_name = secretary.t("Case %(reference)s", reference=proposed.reference)
    activate(
        secretary,
        spage.get_by_role("link", name=f"{secretary.t('Edit')} – {case_name}", exact=True),
    )
    choose(secretary, spage.locator("#id_owner_person"), owner_label)
    # The proposer already confirmed that the case is not about one patient.
    expect(spage.locator("#id_no_individual_patient")).to_be_checked()
    spage.locator("#id_title").focus()
    secretary.press("Enter")
    expect(spage.locator("section[aria-labelledby=agenda]")).to_contain_text(
        world.case_handler.display_name
    )

    # --- the meeting is called ---------------------------------------------------------------
    activate(secretary, spage.get_by_role("link", name=secretary.t("Call the meeting")))
    for case in (first, second, proposed):
        expect(spage.locator("main")).to_contain_text(case.title)
    activate(secretary, spage.get_by_role("button", name=secretary.t("Call the meeting")))
    expect(spage.get_by_role("status")).to_contain_text(
        secretary.t("The meeting has been called. The members have been sent the agenda.")
    )
    notice_subject = secretary.t(
        "Meeting notice: %(body)s, %(when)s", body=body.name, when=when(meeting.starts_at)
    )
    assert "Parkering for pasienter" in mail_to(ola, notice_subject).body

    # --- a member sends an absence notice; the first deputy is called in and told -------------
    absent: CheckedPage = open_browser()  # type: ignore[operator]
    absent.login(ola.email, PASSWORD)
    absent.visit(reverse("my_meetings"))
    absent.submit(
        absent.page.locator(f"#meeting-{meeting.pk}").get_by_role(
            "button", name=absent.t("Send absence notice")
        )
    )
    expect(absent.page.get_by_role("status")).to_contain_text(dag.display_name)
    called_in = mail_to(
        dag,
        absent.t(
            "You are called in to %(body)s, %(when)s", body=body.name, when=when(meeting.starts_at)
        ),
    )
    assert ola.display_name in called_in.body

    deputy: CheckedPage = open_browser()  # type: ignore[operator]
    deputy.login(dag.email, PASSWORD)
    deputy.visit(reverse("my_meetings"))
    mine = deputy.page.locator(f"#meeting-{meeting.pk}")
    expect(mine).to_contain_text(deputy.t("Called in as deputy"))
    expect(mine).to_contain_text(
        deputy.t("You take the place of %(person)s.", person=ola.display_name)
    )

    # --- the meeting is held; the attendance is recorded and the quorum shown -----------------
    secretary.visit(reverse("meeting_detail", args=[meeting.pk]))
    activate(secretary, spage.get_by_role("button", name=secretary.t("Mark as held")))
    activate(secretary, spage.get_by_role("link", name=secretary.t("Attendance"), exact=True))
    sheet = spage.locator("table")
    expect(sheet).to_contain_text(dag.display_name)
    expect(sheet).to_contain_text(secretary.t("called in for %(person)s", person=ola.display_name))
    expect(spage.locator("#quorum")).to_contain_text(
        secretary.t(
            "Quorate: no, %(present)s of %(members)s present (%(needed)s needed).",
            present=0,
            members=3,
            needed=2,
        )
    )
    # Ola's box is unticked (absence notice); the others and the deputy are ticked.
    expect(spage.locator(f"#id_p{ola.pk}-present")).not_to_be_checked()
    expect(spage.locator(f"#id_p{dag.pk}-present")).to_be_checked()
    activate(secretary, spage.get_by_role("button", name=secretary.t("Save attendance")))
    expect(spage.locator("#quorum")).to_contain_text(
        secretary.t("Quorate: yes, %(present)s of %(members)s present.", present=3, members=3)
    )

    # --- the minutes: conclusions, the council's advice and a dissent --------------------------
    activate(secretary, spage.get_by_role("link", name=secretary.t("Back to the meeting")))
    activate(secretary, spage.get_by_role("link", name=secretary.t("Minutes"), exact=True))
    activate(secretary, spage.get_by_role("button", name=secretary.t("Start the minutes")))
    conclusions = {
        first: "Rådet støtter ny ventetidsordning.",
        second: "Tatt til orientering.",
        proposed: "Rådet gir råd om parkering, se under.",
    }
    for case, text in conclusions.items():
        label = secretary.t(
            "Conclusion in case %(ref)s %(title)s", ref=case.reference, title=case.title
        )
        type_into(secretary, spage.get_by_label(label), text)  # "… (optional)" follows
    activate(secretary, spage.get_by_role("button", name=secretary.t("Save the minutes")))
    expect(spage.get_by_role("status")).to_contain_text(secretary.t("The minutes are saved."))

    section = spage.locator(f"#case-{proposed.pk}")
    toggle(
        secretary,
        section.locator(
            "summary",
            has_text=secretary.t(
                "Record the council's advice in case %(ref)s", ref=proposed.reference
            ),
        ),
    )
    type_into(secretary, section.get_by_label(secretary.t("Advice"), exact=True), ADVICE)
    activate(secretary, section.get_by_role("button", name=secretary.t("Record the advice")))
    expect(spage.locator(f"#case-{proposed.pk}")).to_contain_text(ADVICE)
    assert mail_to(
        world.case_handler,
        secretary.t(
            "Advice to answer from %(body)s: %(case)s", body=body.name, case=proposed.reference
        ),
    )

    section = spage.locator(f"#case-{first.pk}")
    toggle(
        secretary,
        section.locator(
            "summary", has_text=secretary.t("Record dissent in case %(ref)s", ref=first.reference)
        ),
    )
    choose(secretary, section.get_by_label(secretary.t("Member"), exact=True), str(per))
    type_into(secretary, section.get_by_label(secretary.t("Dissent"), exact=True), DISSENT)
    activate(secretary, section.get_by_role("button", name=secretary.t("Record the dissent")))
    expect(spage.locator(f"#case-{first.pk}")).to_contain_text(DISSENT)

    # A dissent recorded by mistake (in the wrong case) is removed again, after confirming.
    section = spage.locator(f"#case-{second.pk}")
    toggle(
        secretary,
        section.locator(
            "summary",
            has_text=secretary.t("Record dissent in case %(ref)s", ref=second.reference),
        ),
    )
    choose(secretary, section.get_by_label(secretary.t("Member"), exact=True), str(per))
    type_into(secretary, section.get_by_label(secretary.t("Dissent"), exact=True), "Feil sak")
    activate(secretary, section.get_by_role("button", name=secretary.t("Record the dissent")))
    activate(
        secretary,
        spage.locator(f"#case-{second.pk}").get_by_role(
            "button",
            name=f"{secretary.t('Remove')} – "
            + secretary.t("the dissent from %(person)s", person=str(per)),
        ),
    )
    expect(spage.locator("main")).to_contain_text("Feil sak")
    activate(secretary, spage.get_by_role("button", name=secretary.t("Yes, remove it")))
    expect(spage.locator(f"#case-{second.pk}")).not_to_contain_text("Feil sak")
    expect(spage.locator(f"#case-{first.pk}")).to_contain_text(DISSENT)

    set_date(
        spage.get_by_label(secretary.t("Comments by")),
        (timezone.localdate() + timedelta(days=7)).isoformat(),
    )
    activate(secretary, spage.get_by_role("button", name=secretary.t("Send to the members")))

    # --- a member follows the e-mail's link and comments -----------------------------------------
    draft_mail = mail_to(
        kari,
        proposer.t(
            "Draft minutes for comments: %(body)s, %(when)s",
            body=body.name,
            when=when(meeting.starts_at),
        ),
    )
    proposer.visit(link_path(draft_mail.body))
    expect(proposer.page.locator("main")).to_contain_text(DISSENT)
    proposer.page.get_by_label(proposer.t("Your comment")).fill(COMMENT)
    proposer.submit(proposer.t("Send the comment"))
    expect(proposer.page.locator("main")).to_contain_text(COMMENT)

    # --- the secretariat reads the comment, approves and publishes ------------------------------
    secretary.visit(reverse("minutes_edit", args=[meeting.pk]))
    expect(spage.locator("main")).to_contain_text(COMMENT)
    activate(secretary, spage.get_by_role("button", name=secretary.t("Approve the minutes")))
    expect(spage.get_by_role("status")).to_contain_text(
        secretary.t("The minutes are approved and locked.")
    )
    expect(spage.get_by_role("button", name=secretary.t("Save the minutes"))).to_have_count(0)
    expect(spage.locator("main textarea")).to_have_count(0)
    activate(secretary, spage.get_by_role("button", name=secretary.t("Publish the minutes")))
    expect(spage.get_by_role("status")).to_contain_text(secretary.t("The minutes are published."))

    pdf_link = spage.get_by_role("link", name=secretary.t("Full version (PDF)"))
    pdf = secretary.context.request.get(secretary.base_url + (pdf_link.get_attribute("href") or ""))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    text = " ".join(pdf_text(pdf.body()).split())
    assert DISSENT in text
    assert per.display_name in text

    # The members are told, and the e-mail's link leads to the minutes.
    published = mail_to(
        kari,
        proposer.t(
            "Minutes published: %(body)s, %(when)s", body=body.name, when=when(meeting.starts_at)
        ),
    )
    proposer.visit(link_path(published.body))
    minutes_link = proposer.page.get_by_role("link", name=proposer.t("The minutes (PDF)"))
    member_pdf = proposer.context.request.get(
        proposer.base_url + (minutes_link.get_attribute("href") or "")
    )
    assert member_pdf.body().startswith(b"%PDF") and DISSENT in " ".join(
        pdf_text(member_pdf.body()).split()
    )

    # --- the ledger before the answer -----------------------------------------------------------
    secretary.visit(reverse("meeting_detail", args=[meeting.pk]))
    activate(
        secretary,
        spage.get_by_role("link", name=secretary.t("Meeting plan %(year)s", year=year), exact=True),
    )
    activate(secretary, spage.get_by_role("link", name=secretary.t("Influence ledger")))
    before = partly_followed(secretary)

    # --- the case owner answers "partly followed" ------------------------------------------------
    owner: CheckedPage = open_browser()  # type: ignore[operator]
    owner.login(world.case_handler.email, PASSWORD)
    owner.click_link(owner.t("Advice to follow up"))
    owner.click_link(f"{proposed.reference} {proposed.title}")
    owner.page.get_by_label(owner.t("Partly followed")).check()
    owner.page.get_by_label(owner.t("Reasoning")).fill(REASONING)
    owner.submit(owner.t("Save the answer"))
    expect(owner.page.get_by_role("status")).to_contain_text(
        owner.t("Your answer is saved; the council and the representatives are told.")
    )

    # --- the representative who proposed the case sees the answer ---------------------------------
    proposer.visit(reverse("my_meetings"))
    proposer.click_link(proposer.t("Advice I took part in"))
    row = proposer.page.locator("tr", has_text=ADVICE)
    expect(row).to_contain_text(proposer.t("Partly followed"))
    expect(row).to_contain_text(REASONING)

    # --- and the ledger's figures have moved ------------------------------------------------------
    secretary.visit(secretary.path)
    assert partly_followed(secretary) == before + 1
