"""Who is told at each step of call → nomination → appointment → confirmation → resignation,
and the reminders before a term ends (001 p.13 and "Hva gjør du hvis du må fratre")."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from medvirke.bodies import services
from medvirke.bodies.models import Term
from medvirke.core.models import Notification
from medvirke.core.testing import OrganisationFactory, UserFactory
from medvirke.organisations.models import Organisation, StaffRole

from .participation_support import (
    TODAY,
    appoint,
    candidate,
    council_fixture,  # noqa: F401 (fixture)
    make_council,
    nominate,
    open_call,
    other_coordinator_fixture,  # noqa: F401 (fixture)
    other_org_fixture,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db


def told(**filters) -> set[str]:
    return set(Notification.objects.filter(**filters).values_list("user__email", flat=True))


def test_opening_a_call_tells_the_recipient_organisations_coordinators_only(
    world, council, other_coordinator, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call = open_call(world, council)
    assert told() == {world.coordinator.email}
    notice = Notification.objects.get()
    assert council.name in notice.subject
    assert notice.url == f"/utvalg/foresporsel/{call.pk}/nominer/"
    assert [m.to for m in mail.outbox] == [[world.coordinator.email]]
    assert council.name in mail.outbox[0].subject
    assert notice.url in mail.outbox[0].body
    assert Notification.objects.get(pk=notice.pk).emailed_at is not None


def test_a_call_to_a_branch_reaches_the_coordinator_of_the_organisation_above(
    world, council
) -> None:
    branch = OrganisationFactory.create(
        name="Testforeningen Trøndelag",
        kind=Organisation.Kind.USER_ORG_BRANCH,
        parent=world.user_org,
    )
    open_call(world, council, recipients=[branch])
    assert told() == {world.coordinator.email}


def test_a_nomination_tells_the_bodys_secretariat(world, council) -> None:
    call = open_call(world, council)
    Notification.objects.all().delete()
    nominate(world, call, candidate(world, "Kari Nordmann"))
    assert told() == {world.secretary.email}
    notice = Notification.objects.get()
    assert "Kari Nordmann" in notice.subject
    assert notice.url == f"/utvalg/foresporsel/{call.pk}/"  # the secretariat's call page


def test_without_named_secretariat_staff_the_owners_secretariat_role_is_told(world) -> None:
    body = make_council(world, name="Råd uten sekretariat")
    body.secretariat.clear()
    call = open_call(world, body)
    Notification.objects.all().delete()
    nominate(world, call, candidate(world, "Kari Nordmann"))
    # world.secretary holds the secretariat role in the owner (Testby HF).
    assert told() == {world.secretary.email}


def test_an_appointment_tells_the_representative_and_the_nominating_organisation(
    world, council, django_capture_on_commit_callbacks
) -> None:
    kari = candidate(world, "Kari Nordmann")
    nomination = nominate(world, open_call(world, council), kari)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        appoint(world, nomination)
    assert told() == {kari.user.email, world.coordinator.email}
    assert Notification.objects.get(user=kari.user).url == "/utvalg/mine-verv/"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [kari.user.email, world.coordinator.email]
    )


def test_a_confirmation_tells_the_secretariat(world, council) -> None:
    kari = candidate(world, "Kari Nordmann")
    term = appoint(world, nominate(world, open_call(world, council), kari))
    Notification.objects.all().delete()
    services.confirm(term, by=kari.user)
    assert told() == {world.secretary.email}
    services.confirm(term, by=kari.user)  # again: nothing new
    assert Notification.objects.count() == 1


def test_a_resignation_tells_the_secretariat_and_the_nominating_organisation(
    world, council
) -> None:
    kari = candidate(world, "Kari Nordmann")
    term = appoint(world, nominate(world, open_call(world, council), kari))
    Notification.objects.all().delete()
    services.end_term(term, reason=Term.EndReason.RESIGNED, by=kari.user, message="Beklager")
    assert told() == {world.secretary.email, world.coordinator.email}
    assert all("Beklager" in n.body for n in Notification.objects.all())


def test_an_ended_term_recorded_by_the_secretariat_tells_the_representative_too(
    world, council
) -> None:
    kari = candidate(world, "Kari Nordmann")
    term = appoint(world, nominate(world, open_call(world, council), kari))
    Notification.objects.all().delete()
    services.end_term(term, reason=Term.EndReason.REMOVED, by=world.secretary)
    assert told() == {world.coordinator.email, kari.user.email}  # not the one who acted


def test_declining_tells_the_nominating_organisation_with_the_reason(world, council) -> None:
    nomination = nominate(world, open_call(world, council), candidate(world, "Kari Nordmann"))
    Notification.objects.all().delete()
    services.decline(nomination, reason="Dekker ikke området", by=world.secretary)
    assert told() == {world.coordinator.email}
    assert "Dekker ikke området" in Notification.objects.get().body


def test_withdrawing_tells_the_secretariat(world, council) -> None:
    nomination = nominate(world, open_call(world, council), candidate(world, "Kari Nordmann"))
    Notification.objects.all().delete()
    services.withdraw_nomination(nomination, by=world.coordinator)
    assert told() == {world.secretary.email}


def test_each_recipient_reads_the_notice_in_their_own_language(world, council) -> None:
    kari = candidate(world, "Kari Nordmann")
    kari.user.language = "en"
    kari.user.save()
    appoint(world, nominate(world, open_call(world, council), kari))
    assert Notification.objects.get(user=kari.user).subject == (
        f"You have been appointed to {council.name}"
    )


def test_a_daily_digest_person_gets_no_immediate_e_mail(
    world, council, django_capture_on_commit_callbacks
) -> None:
    world.coordinator.notification_mode = Notification.Mode.DAILY
    world.coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        open_call(world, council)
    assert mail.outbox == []
    assert Notification.objects.get(user=world.coordinator).emailed_at is None


def test_a_rolled_back_step_notifies_nobody(
    world, council, django_capture_on_commit_callbacks
) -> None:
    call = open_call(world, council)
    Notification.objects.all().delete()
    kari = candidate(world, "Kari Nordmann")
    kari.affiliations.update(status="pending")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.RefusedError):
        nominate(world, call, kari)
    assert Notification.objects.count() == 0 and mail.outbox == []


# --- reminders before a term ends -----------------------------------------------------------------


def term_ending_in(world, council, days: int, name: str) -> Term:
    rep = candidate(world, name)
    seat = services.vacant_seats(council)[0]
    return Term.objects.create(
        seat=seat,
        representative=rep,
        nominated_by=world.user_org,
        starts_on=TODAY - timedelta(days=600),
        ends_on=TODAY + timedelta(days=days),
        appointed_by=world.secretary,
    )


def test_reminders_go_out_within_90_and_30_days_before_a_term_ends_and_only_once(
    world, council, other_coordinator
) -> None:
    in_90 = term_ending_in(world, council, 90, "Kari Nordmann")
    in_30 = term_ending_in(world, council, 30, "Ola Nordmann")
    # The job did not run on the day this one was 90 days away: it is caught up.
    in_60 = term_ending_in(world, council, 60, "Per Nordmann")
    term_ending_in(world, council, 120, "Siv Nordmann")
    Notification.objects.all().delete()
    call_command("remind_expiring_terms")
    assert told() == {world.secretary.email, world.coordinator.email}
    keys = set(Notification.objects.values_list("key", flat=True))
    assert keys == {
        f"term-expiry:{in_90.pk}:90",
        f"term-expiry:{in_60.pk}:90",
        f"term-expiry:{in_30.pk}:30",
    }
    assert Notification.objects.filter(user=world.secretary).count() == 3
    assert not Notification.objects.filter(subject__contains="Siv Nordmann").exists()
    count = Notification.objects.count()
    call_command("remind_expiring_terms")
    assert Notification.objects.count() == count


def test_reminding_is_once_per_term_even_when_the_recipients_change(world, council) -> None:
    term_ending_in(world, council, 30, "Kari Nordmann")
    call_command("remind_expiring_terms")
    newcomer = UserFactory.create(email="ny.sekretaer@example.no")
    council.secretariat.add(newcomer)
    call_command("remind_expiring_terms")
    assert not Notification.objects.filter(user=newcomer).exists()


def test_the_90_day_reminder_then_the_30_day_one_as_days_pass(world, council) -> None:
    term = term_ending_in(world, council, 90, "Kari Nordmann")
    Notification.objects.all().delete()
    call_command("remind_expiring_terms")
    call_command("remind_expiring_terms", "--on", (TODAY + timedelta(days=60)).isoformat())
    keys = sorted(set(Notification.objects.values_list("key", flat=True)))
    assert keys == [f"term-expiry:{term.pk}:30", f"term-expiry:{term.pk}:90"]


def test_ended_terms_get_no_reminder(world, council) -> None:
    term = term_ending_in(world, council, 30, "Kari Nordmann")
    Term.objects.filter(pk=term.pk).update(ended_on=TODAY, end_reason="resigned")
    Notification.objects.all().delete()
    call_command("remind_expiring_terms")
    assert not Notification.objects.exists()


def test_coordinator_role_holders_elsewhere_are_not_reminded(world, council, other_org) -> None:
    stranger = UserFactory.create(email="fremmed@example.no")
    StaffRole.objects.create(user=stranger, organisation=other_org, role="coordinator")
    term_ending_in(world, council, 90, "Kari Nordmann")
    call_command("remind_expiring_terms")
    assert not Notification.objects.filter(user=stranger).exists()


def test_labels_inside_a_notice_follow_the_recipients_language_too(world, council) -> None:
    kari = candidate(world, "Kari Nordmann")
    kari.user.language = "en"
    kari.user.save()
    nomination = nominate(world, open_call(world, council), kari)
    appoint(world, nomination, seat=council.seats.get(role="member", rank=1))
    assert " Member " in Notification.objects.get(user=kari.user).body
