"""Issue 4, the representative's side, in real browsers: my meetings, absence notice with the
button and through the e-mail link while logged out, a case proposal refused for naming a
patient and then sent, my proposals, the advice I took part in and the calendar address.
Every page is checked by axe-core."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from playwright.sync_api import expect

from medvirke.core.testing import PASSWORD, World
from medvirke.meetings import services
from medvirke.meetings.links import absence_token
from medvirke.meetings.models import AbsenceNotice, CalendarFeed, CaseProposal
from medvirke.meetings.tests.conftest import case, plan, seat_council

from .support import CheckedPage

pytestmark = pytest.mark.browser


def can_log_in(user) -> None:  # type: ignore[no-untyped-def]
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def test_member_reports_absence_proposes_a_case_and_subscribes(
    open_browser: object, world: World
) -> None:
    council = seat_council(world)
    first = plan(world, council.body, days=7)
    second = plan(world, council.body, days=21)
    case(world, council.body, first, title="Ny ventetidsordning")
    held = plan(world, council.body, days=-7)
    sak = case(world, council.body, held, title="Parkering")
    kari, ola = council.members[0].user, council.members[1].user
    services.record_attendance(held, person=kari, by=world.secretary)
    services.record_advice(
        sak, text="Flere plasser for pasienter.", due_on=first.starts_at.date(), by=world.secretary
    )
    can_log_in(kari)

    member: CheckedPage = open_browser()  # type: ignore[operator]
    member.login(kari.email, PASSWORD)
    member.visit(reverse("my_meetings"))
    expect(member.page.locator("main")).to_contain_text("Ny ventetidsordning")
    member.submit(
        member.page.locator(f"#meeting-{first.pk}").get_by_role(
            "button", name=member.t("Send absence notice")
        )
    )
    expect(member.page.locator("main")).to_contain_text(council.deputies[0].user.display_name)
    assert AbsenceNotice.objects.filter(meeting=first).count() == 1

    member.click_link(member.t("Propose a case for the agenda"))
    member.page.get_by_label(member.t("Title")).fill("Klage fra pasient")
    member.page.get_by_label(member.t("What is the case about?")).fill("Gjelder 15089310056")
    member.submit(member.t("Send the proposal"))
    expect(member.page.locator(".ds-error-summary")).to_be_visible()
    member.page.get_by_label(member.t("What is the case about?")).fill("Ventetid på svar")
    member.submit(member.t("Send the proposal"))
    expect(member.page.locator("main")).to_contain_text("Klage fra pasient")
    assert CaseProposal.objects.filter(proposed_by=kari).exists()

    member.visit(reverse("my_advice"))
    expect(member.page.locator("main")).to_contain_text("Flere plasser for pasienter.")

    member.visit(reverse("my_calendar"))
    member.submit(member.t("Make a calendar address"))
    token = CalendarFeed.objects.get(user=kari).token
    assert token in (member.page.locator("#feed-url").input_value() or "")

    # Ola is not logged in: the link from the meeting notice opens a page that asks first.
    anonymous: CheckedPage = open_browser()  # type: ignore[operator]
    anonymous.visit(reverse("absence_link", args=[absence_token(second, ola)]))
    assert not AbsenceNotice.objects.filter(meeting=second).exists()
    anonymous.page.get_by_label(anonymous.t("Message to the secretariat")).fill("Sykdom")
    anonymous.submit(anonymous.t("Confirm absence"))
    notice = AbsenceNotice.objects.get(meeting=second)
    assert notice.sent_by == ola and notice.reason == "Sykdom"
