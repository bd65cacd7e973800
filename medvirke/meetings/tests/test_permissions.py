"""Who may see and change meetings, cases and advice (the access helpers)."""

import pytest
from django.core.exceptions import PermissionDenied

from medvirke.bodies.models import Body
from medvirke.meetings import permissions
from medvirke.meetings.models import Case

from .conftest import case


def test_secretariat_manages_and_members_see_the_meeting(world, council, meeting) -> None:
    kari = council.members[0].user
    assert permissions.get_meeting_for_user(world.secretary, meeting.pk, manage=True) == meeting
    assert permissions.get_meeting_for_user(kari, meeting.pk) == meeting
    with pytest.raises(PermissionDenied):
        permissions.get_meeting_for_user(kari, meeting.pk, manage=True)


def test_outsider_does_not_see_a_non_public_bodys_meeting(world, council, meeting) -> None:
    Body.objects.filter(pk=council.body.pk).update(is_public=False)
    with pytest.raises(PermissionDenied):
        permissions.get_meeting_for_user(world.outsider, meeting.pk)
    assert permissions.get_meeting_for_user(council.deputies[1].user, meeting.pk) == meeting


def test_an_exempt_case_is_hidden_from_outsiders_but_not_from_members(
    world, council, meeting
) -> None:
    exempt = case(world, council.body, meeting, is_public=False, exemption_basis="offl. § 14")
    with pytest.raises(PermissionDenied):
        permissions.get_case_for_user(world.outsider, exempt.pk)
    assert permissions.get_case_for_user(council.members[0].user, exempt.pk) == exempt
    assert permissions.get_case_for_user(world.case_handler, exempt.pk) == exempt  # the owner


def test_only_owner_or_recipient_gets_the_answer_form(world, council, meeting) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from medvirke.meetings import services

    sak = case(world, council.body, meeting, kind=Case.Kind.CONSULTATION)
    advice = services.record_advice(
        sak,
        text="Rådet mener",
        due_on=timezone.localdate() + timedelta(days=14),
        by=world.secretary,
        recipient_unit=world.clinic,
    )
    assert permissions.get_advice_for_user(world.case_handler, advice.pk, respond=True) == advice
    for person in (world.secretary, council.members[0].user, world.outsider):
        with pytest.raises(PermissionDenied):
            permissions.get_advice_for_user(person, advice.pk, respond=True)
    assert permissions.get_advice_for_user(world.secretary, advice.pk) == advice
