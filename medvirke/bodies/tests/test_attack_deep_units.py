"""Attack: appoint a member of staff as a user representative in their own employer's council
without the recorded reason, by working in a unit deeper below the owner than the old
hand-written descent looked (it walked five levels down; the tree has no such limit: a unit may
sit under a unit). The organisation path finds the whole subtree at any depth."""

from datetime import date

import pytest
from django.urls import reverse

from medvirke.bodies.models import Term
from medvirke.organisations.models import Organisation
from medvirke.representatives.models import EmploymentDeclaration

from .test_secretariat_body_pages import make_body, page, person
from .test_secretariat_calls import appoint_data, call_for, nominate

pytestmark = pytest.mark.django_db


def test_attack_employee_of_a_deep_unit_appointed_to_the_owners_council_without_a_reason(
    client, world
) -> None:
    # Testby HF › clinic › five units, one below the other: the team is six levels below.
    unit = world.clinic
    for level in range(5):
        unit = Organisation.objects.create(name=f"Team {level}", kind="unit", parent=unit)
    rep = person(world, "Ansatt Dypt")
    EmploymentDeclaration.objects.create(
        representative=rep, employer=unit, employer_name=unit.name, starts_on=date(2020, 1, 1)
    )
    body = make_body(world)  # owned by Testby HF
    call = call_for(world, body)
    nomination = nominate(world, call, "Ansatt Dypt", rep=rep, override_reason="Ok")

    client.force_login(world.secretary)
    response = client.post(
        reverse("nomination_appoint", args=[nomination.pk]),
        appoint_data(nomination, call.seats.get()),
    )

    assert response.status_code == 200  # refused: the warning needs a reason first
    text = page(response)
    assert f'id="id_n{nomination.pk}-override_reason_error"' in text
    assert unit.name in text  # the employment warning names the team
    assert not Term.objects.exists()
