"""Issue 4, minutes and the influence ledger, in real browsers: the secretariat writes the
minutes (a conclusion, the council's advice, a member's dissent) and sends them for comments;
a member comments; the secretariat approves and publishes; the case owner answers the advice
from their list; the figures page shows the answer. Every page is checked by axe-core."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from medvirke.core.testing import PASSWORD, World
from medvirke.meetings.tests.conftest import case, plan, seat_council

from .support import CheckedPage

pytestmark = pytest.mark.browser


def test_minutes_from_draft_to_published_and_the_advice_answered(
    open_browser: object, world: World
) -> None:
    council = seat_council(world)
    meeting = plan(world, council.body, days=-1)
    sak = case(world, council.body, meeting, title="Ny ventetidsordning")
    kari = council.members[0].user
    kari.set_password(PASSWORD)
    kari.save()
    EmailAddress.objects.update_or_create(
        user=kari, email=kari.email, defaults={"verified": True, "primary": True}
    )

    secretary: CheckedPage = open_browser()  # type: ignore[operator]
    secretary.login(world.secretary.email, PASSWORD)
    secretary.visit(f"/moter/{meeting.pk}/protokoll/")
    secretary.submit(secretary.t("Start the minutes"))
    page = secretary.page
    page.get_by_label(
        secretary.t("Conclusion in case %(ref)s %(title)s", ref=sak.reference, title=sak.title)
    ).fill("Rådet støtter forslaget.")
    secretary.submit(secretary.t("Save the minutes"))

    page.get_by_text(
        secretary.t("Record the council's advice in case %(ref)s", ref=sak.reference)
    ).click()
    page.get_by_label(secretary.t("Advice"), exact=True).fill("Innfør SMS-varsling.")
    secretary.submit(secretary.t("Record the advice"))
    page.get_by_text(secretary.t("Record dissent in case %(ref)s", ref=sak.reference)).click()
    page.get_by_label(secretary.t("Member"), exact=True).select_option(label=str(kari))
    page.get_by_label(secretary.t("Dissent"), exact=True).fill("Ventetiden er for lang.")
    secretary.submit(secretary.t("Record the dissent"))
    expect(page.locator("main")).to_contain_text("Ventetiden er for lang.")

    deadline = timezone.localdate() + timedelta(days=7)
    page.get_by_label(secretary.t("Comments by")).fill(deadline.isoformat())
    secretary.submit(secretary.t("Send to the members"))

    member: CheckedPage = open_browser()  # type: ignore[operator]
    member.login(kari.email, PASSWORD)
    member.visit(f"/moter/{meeting.pk}/protokoll/kommentar/")
    member.page.get_by_label(member.t("Your comment")).fill("Navnet mitt er feilstavet.")
    member.submit(member.t("Send the comment"))
    expect(member.page.locator("main")).to_contain_text("Navnet mitt er feilstavet.")

    secretary.visit(f"/moter/{meeting.pk}/protokoll/")
    expect(page.locator("main")).to_contain_text("Navnet mitt er feilstavet.")
    secretary.submit(secretary.t("Approve the minutes"))
    secretary.submit(secretary.t("Publish the minutes"))
    expect(page.locator("main")).to_contain_text(secretary.t("Correct the minutes"))

    owner: CheckedPage = open_browser()  # type: ignore[operator]
    owner.login(world.case_handler.email, PASSWORD)
    owner.visit("/moter/oppfolging/")
    owner.click_link(f"{sak.reference} {sak.title}")
    owner.page.get_by_label(owner.t("Partly followed")).check()
    owner.page.get_by_label(owner.t("Reasoning")).fill("SMS kommer til våren.")
    owner.submit(owner.t("Save the answer"))
    owner.visit(f"/moter/laering/utvalg/{council.body.pk}/?aar={sak.year}")
    expect(owner.page.locator("table")).to_contain_text(owner.t("Advice given"))
