"""Issue 11, point 9: a representative could declare an employment or another engagement from
year 0001 or until 9999; every date a person types is now bounded to 1900–2100."""

from typing import Any

import pytest
from django.urls import reverse

from medvirke.representatives.models import EmploymentDeclaration, ExternalEngagement

from .factories import page, register, with_password

pytestmark = pytest.mark.django_db
RANGE_ERROR = "Datoen må være mellom 01.01.1900 og 31.12.2100."


@pytest.fixture
def kari(world, client):
    rep = with_password(register(world, "kari@example.no", "Kari Nordmann"))
    client.force_login(rep.user)
    return rep


def _error(text: str, name: str) -> str:
    return text.split(f'id="id_{name}_error">', 1)[1].split("</div>", 1)[0]


@pytest.mark.parametrize(
    ("starts", "ends", "wrong"),
    [("0001-01-01", "", "starts_on"), ("2020-01-01", "9999-12-31", "ends_on")],
)
def test_attack_employment_from_year_1_or_until_9999_is_refused(
    client: Any, kari: Any, starts: str, ends: str, wrong: str
) -> None:
    response = client.post(
        reverse("my_employment_add"),
        {
            "employer_name": "Testvik kommune",
            "position": "Kokk",
            "starts_on": starts,
            "ends_on": ends,
        },
    )
    text = page(response)
    assert RANGE_ERROR in _error(text, wrong)
    assert 'value="Kokk"' in text and f'value="{starts}"' in text
    assert not EmploymentDeclaration.objects.filter(representative=kari).exists()


def test_attack_engagement_from_year_1_is_refused(client: Any, kari: Any) -> None:
    response = client.post(
        reverse("my_engagement_add"),
        {
            "title": "Likeperson",
            "organisation_name": "Mental Helse",
            "starts_on": "0001-01-01",
            "ends_on": "",
            "description": "",
        },
    )
    text = page(response)
    assert RANGE_ERROR in _error(text, "starts_on")
    assert 'value="Likeperson"' in text
    assert not ExternalEngagement.objects.filter(representative=kari).exists()
