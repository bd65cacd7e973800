"""Self-service: the representative keeps their own profile, consent, experience, employments
and other engagements; every change reaches the history; bad input keeps what was typed."""

import pytest
from django.urls import reverse
from django.utils import timezone

from medvirke.core.models import REDACTED, AccessLogEntry, AuditEvent
from medvirke.core.testing import OrganisationFactory, nb
from medvirke.representatives.models import (
    EmploymentDeclaration,
    ExperienceArea,
    ExternalEngagement,
    Representative,
)

from .factories import page, register, with_password

pytestmark = pytest.mark.django_db
ME = reverse("my_representative")


@pytest.fixture
def kari(world, client):
    rep = with_password(register(world, "kari@example.no", "Kari Nordmann"))
    client.force_login(rep.user)
    return rep


def profile_data(**data):
    return {
        "experience": "relative",
        "gender": "woman",
        "birth_year": "1975",
        "languages": ["nb", "se"],
        "minority_background": "no",
        "availability": "Kvelder",
        "wished_levels": ["system"],
        "hours_per_month": "6",
        **data,
    }


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "my_representative",
        "my_profile_edit",
        "my_health_consent",
        "my_experience",
        "my_employment_add",
        "my_engagement_add",
    ],
)
def test_anonymous_visitor_is_sent_to_login(client, world, name) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_a_person_who_is_not_a_representative_gets_a_friendly_message(client, world) -> None:
    client.force_login(world.coordinator)
    response = client.get(ME, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert [m.level_tag for m in response.context["messages"]] == ["info"]
    response = client.post(reverse("my_health_consent"), {"action": "give"})
    assert response.status_code == 302


def test_the_overview_shows_the_persons_own_data(client, kari) -> None:
    response = client.get(ME)
    text = page(response)
    assert response.status_code == 200
    assert "Kari Nordmann" in text and "Testforeningen" in text
    assert reverse("my_profile_edit") in text and reverse("my_health_consent") in text
    assert not AccessLogEntry.objects.exists()


# --- Profile ------------------------------------------------------------------------------------


def test_the_person_edits_their_profile_and_the_history_records_it(client, kari) -> None:
    kommune = OrganisationFactory.create(name="Testvik kommune", kind="municipality")
    area = ExperienceArea.objects.get(name_nb="Kreft")
    response = client.post(
        reverse("my_profile_edit"),
        profile_data(municipality=kommune.pk, wished_areas=[area.pk], public_consent="on"),
    )
    assert response.status_code == 302, page(response)
    kari.refresh_from_db()
    assert kari.experience == "relative" and kari.birth_year == 1975
    assert kari.languages == ["nb", "se"] and kari.is_sami_speaker
    assert kari.minority_background is False and kari.wished_levels == ["system"]
    assert kari.municipality == kommune and kari.public_consent
    assert list(kari.wished_areas.all()) == [area]
    events = AuditEvent.objects.for_object(kari).filter(actor=kari.user)
    assert events.filter(changes__has_key="birth_year").exists()
    assert events.filter(changes__wished_areas=[None, "Kreft"]).exists()


def test_the_profile_form_shows_stored_values(client, kari) -> None:
    kari.minority_background = True
    kari.languages = ["nn"]
    kari.save()
    text = page(client.get(reverse("my_profile_edit")))
    assert 'value="yes" id="id_minority_background_1" checked' in text
    assert 'value="nn" id="id_languages_1" checked' in text


@pytest.mark.parametrize("year", ["1899", str(timezone.localdate().year + 1), "19x5"])
def test_a_bad_birth_year_gets_a_clear_error_and_nothing_is_saved(client, kari, year) -> None:
    response = client.post(reverse("my_profile_edit"), profile_data(birth_year=year))
    text = page(response)
    assert response.status_code == 200
    assert 'id="id_birth_year_error"' in text
    assert f'value="{year}"' in text and 'value="Kvelder"' not in text  # textarea keeps text
    assert "Kvelder</textarea>" in text
    kari.refresh_from_db()
    assert kari.birth_year is None and kari.availability == ""


def test_an_unknown_language_is_refused(client, kari) -> None:
    response = client.post(reverse("my_profile_edit"), profile_data(languages=["xx"]))
    assert 'id="id_languages_error"' in page(response)
    kari.refresh_from_db()
    assert kari.languages == []


# --- Health-data consent and experience -------------------------------------------------------


def test_the_consent_page_explains_and_gives_consent(client, kari) -> None:
    text = page(client.get(reverse("my_health_consent")))
    assert 'value="give"' in text and 'value="withdraw"' not in text
    response = client.post(reverse("my_health_consent"), {"action": "give"})
    assert response["Location"] == reverse("my_experience")
    kari.refresh_from_db()
    assert kari.has_health_consent
    assert 'value="withdraw"' in page(client.get(reverse("my_health_consent")))


def test_experience_cannot_be_saved_without_consent_and_what_was_typed_is_kept(
    client, kari
) -> None:
    text = page(client.get(reverse("my_experience")))
    assert 'name="experience_description"' not in text  # no form before consent
    assert reverse("my_health_consent") in text
    area = ExperienceArea.objects.get(name_nb="Psykisk helse")
    response = client.post(
        reverse("my_experience"),
        {"experience_areas": [area.pk], "experience_description": "Min historie"},
    )
    text = page(response)
    assert response.status_code == 200
    assert "ds-error-summary" in text and "Min historie</textarea>" in text
    kari.refresh_from_db()
    assert kari.experience_description == "" and not kari.experience_areas.exists()


def test_with_consent_the_experience_is_saved_and_redacted_in_the_history(client, kari) -> None:
    client.post(reverse("my_health_consent"), {"action": "give"})
    area = ExperienceArea.objects.get(name_nb="Psykisk helse")
    response = client.post(
        reverse("my_experience"),
        {"experience_areas": [area.pk], "experience_description": "Min historie"},
    )
    assert response.status_code == 302
    kari.refresh_from_db()
    assert kari.experience_description == "Min historie"
    assert list(kari.experience_areas.all()) == [area]
    history = str(list(AuditEvent.objects.for_object(kari).values_list("changes", flat=True)))
    assert "Min historie" not in history and "Psykisk" not in history and REDACTED in history


def test_withdrawing_consent_erases_the_experience(client, kari) -> None:
    client.post(reverse("my_health_consent"), {"action": "give"})
    area = ExperienceArea.objects.get(name_nb="Psykisk helse")
    client.post(
        reverse("my_experience"),
        {"experience_areas": [area.pk], "experience_description": "Min historie"},
    )
    response = client.post(reverse("my_health_consent"), {"action": "withdraw"})
    assert response["Location"] == ME
    kari.refresh_from_db()
    assert not kari.has_health_consent
    assert kari.experience_description == "" and not kari.experience_areas.exists()


def test_an_unknown_consent_action_changes_nothing(client, kari) -> None:
    response = client.post(reverse("my_health_consent"), {"action": "maybe"})
    assert response.status_code == 200
    kari.refresh_from_db()
    assert not kari.has_health_consent


# --- Employment declarations --------------------------------------------------------------------


def test_the_person_declares_an_employment_linked_to_an_organisation(client, world, kari) -> None:
    response = client.post(
        reverse("my_employment_add"),
        {
            "employer": world.hf.pk,
            "employer_name": "",
            "position": "Sykepleier",
            "starts_on": "2020-01-01",
            "ends_on": "",
        },
    )
    assert response.status_code == 302, page(response)
    declaration = EmploymentDeclaration.objects.get(representative=kari)
    assert declaration.employer == world.hf and declaration.employer_name == "Testby HF"
    assert declaration.is_current()
    event = AuditEvent.objects.for_object(kari).get(
        action="created", content_type__model="employmentdeclaration"
    )
    assert event.actor == kari.user
    assert "Testby HF" in page(client.get(ME))


def test_an_employment_needs_an_employer(client, kari) -> None:
    response = client.post(
        reverse("my_employment_add"),
        {"employer": "", "employer_name": "", "position": "Kokk", "starts_on": "2020-01-01"},
    )
    text = page(response)
    assert 'id="id_employer_name_error"' in text and 'value="Kokk"' in text
    assert not EmploymentDeclaration.objects.exists()


def test_an_employment_that_ends_before_it_starts_gets_an_error_next_to_the_end_date(
    client, kari
) -> None:
    response = client.post(
        reverse("my_employment_add"),
        {
            "employer_name": "Testvik kommune",
            "position": "Kokk",
            "starts_on": "2020-05-01",
            "ends_on": "2020-04-30",
        },
    )
    text = page(response)
    assert response.status_code == 200
    assert 'id="id_ends_on_error"' in text
    assert 'value="2020-04-30"' in text and 'value="Testvik kommune"' in text
    assert not EmploymentDeclaration.objects.exists()


def test_a_bad_date_gets_djangos_norwegian_message(client, kari) -> None:
    response = client.post(
        reverse("my_employment_add"), {"employer_name": "X", "starts_on": "31.31.2020"}
    )
    text = page(response)
    assert 'id="id_starts_on_error"' in text and nb("Enter a valid date.") in text
    assert 'value="31.31.2020"' in text


def declared(kari, **data):
    return EmploymentDeclaration.objects.create(
        representative=kari,
        employer_name=data.get("employer_name", "Testby HF"),
        starts_on=data.get("starts_on", "2020-01-01"),
    )


def test_the_person_ends_an_employment(client, kari) -> None:
    declaration = declared(kari)
    url = reverse("my_employment_end", args=[declaration.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"ends_on": "2024-06-30"})
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert str(declaration.ends_on) == "2024-06-30"
    assert AuditEvent.objects.filter(action="ended", object_id=str(declaration.pk)).exists()


def test_ending_before_the_start_is_refused_next_to_the_field(client, kari) -> None:
    declaration = declared(kari)
    response = client.post(
        reverse("my_employment_end", args=[declaration.pk]), {"ends_on": "2019-12-31"}
    )
    text = page(response)
    assert 'id="id_ends_on_error"' in text and 'value="2019-12-31"' in text
    declaration.refresh_from_db()
    assert declaration.ends_on is None


def test_the_person_deletes_an_employment_and_the_history_keeps_it(client, kari) -> None:
    declaration = declared(kari)
    url = reverse("my_employment_delete", args=[declaration.pk])
    assert "Testby HF" in page(client.get(url))
    assert client.post(url).status_code == 302
    assert not EmploymentDeclaration.objects.exists()
    event = AuditEvent.objects.for_object(kari).get(action="deleted")
    assert event.changes["employer_name"] == ["Testby HF", None]


def test_nobody_can_touch_someone_elses_employment(client, world, kari) -> None:
    ola = with_password(register(world, "ola@example.no", "Ola Hansen"))
    declaration = declared(ola)
    for name in ("my_employment_end", "my_employment_delete"):
        assert client.get(reverse(name, args=[declaration.pk])).status_code == 404
        assert (
            client.post(reverse(name, args=[declaration.pk]), {"ends_on": "2024-01-01"}).status_code
            == 404
        )
    assert EmploymentDeclaration.objects.filter(pk=declaration.pk, ends_on=None).exists()


# --- Other engagements ----------------------------------------------------------------------


def engagement_data(**data):
    return {
        "title": "Prosjektgruppe",
        "organisation_name": "Testby kommune",
        "starts_on": "2024-01-01",
        "ends_on": "",
        "description": "Nytt helsehus",
        **data,
    }


def test_the_person_adds_edits_and_deletes_an_engagement(client, kari) -> None:
    response = client.post(reverse("my_engagement_add"), engagement_data())
    assert response.status_code == 302, page(response)
    engagement = ExternalEngagement.objects.get(representative=kari)
    assert "Prosjektgruppe" in page(client.get(ME))

    url = reverse("my_engagement_edit", args=[engagement.pk])
    assert 'value="Prosjektgruppe"' in page(client.get(url))
    client.post(url, engagement_data(title="Referansegruppe", ends_on="2024-12-31"))
    engagement.refresh_from_db()
    assert engagement.title == "Referansegruppe" and str(engagement.ends_on) == "2024-12-31"

    client.post(reverse("my_engagement_delete", args=[engagement.pk]))
    assert not ExternalEngagement.objects.exists()
    actions = set(
        AuditEvent.objects.for_object(kari)
        .filter(content_type__model="externalengagement")
        .values_list("action", flat=True)
    )
    assert actions == {"created", "updated", "deleted"}


def test_an_engagement_that_ends_before_it_starts_is_refused(client, kari) -> None:
    response = client.post(reverse("my_engagement_add"), engagement_data(ends_on="2023-01-01"))
    text = page(response)
    assert 'id="id_ends_on_error"' in text and 'value="Prosjektgruppe"' in text
    assert not ExternalEngagement.objects.exists()


def test_a_missing_title_gets_the_required_message(client, kari) -> None:
    response = client.post(reverse("my_engagement_add"), engagement_data(title=""))
    text = page(response)
    assert 'id="id_title_error"' in text and nb("This field is required.") in text


def test_nobody_can_touch_someone_elses_engagement(client, world, kari) -> None:
    ola = register(world, "ola@example.no", "Ola Hansen")
    engagement = ExternalEngagement.objects.create(
        representative=ola, title="X", organisation_name="Y", starts_on="2024-01-01"
    )
    for name in ("my_engagement_edit", "my_engagement_delete"):
        assert (
            client.post(reverse(name, args=[engagement.pk]), engagement_data()).status_code == 404
        )
    engagement.refresh_from_db()
    assert engagement.title == "X"


def test_an_anonymised_representative_has_no_self_service(client, kari) -> None:
    Representative.objects.filter(pk=kari.pk).update(deleted_at=timezone.now())
    assert client.get(ME).status_code == 302
