"""A person keeps their own name, contact and language; the language follows them."""

import html

import pytest
from django.urls import reverse

from medvirke.core.models import AuditEvent
from medvirke.core.testing import nb

pytestmark = pytest.mark.django_db


def test_person_changes_name_phone_and_language(client, world) -> None:
    client.force_login(world.secretary)
    response = client.post(
        reverse("profile"),
        {"full_name": "Siri Sekretær", "phone": "+47 912 34 567", "language": "en"},
    )
    assert response.status_code == 302
    world.secretary.refresh_from_db()
    assert world.secretary.full_name == "Siri Sekretær"
    assert world.secretary.language == "en"
    page = client.get(reverse("profile"))
    assert 'lang="en"' in page.content.decode()
    event = AuditEvent.objects.for_object(world.secretary).get()
    assert event.changes["language"] == ["nb", "en"]
    assert "password" not in event.changes


def test_bad_phone_number_is_refused_in_norwegian_and_the_name_kept(client, world) -> None:
    client.force_login(world.secretary)
    response = client.post(
        reverse("profile"), {"full_name": "Nytt Navn", "phone": "ring meg", "language": "nb"}
    )
    text = html.unescape(response.content.decode())
    assert nb("Enter a phone number with 8 to 15 digits, for example 912 34 567.") in text
    assert 'value="Nytt Navn"' in text
    world.secretary.refresh_from_db()
    assert world.secretary.full_name != "Nytt Navn"


def test_empty_name_is_refused(client, world) -> None:
    client.force_login(world.secretary)
    response = client.post(reverse("profile"), {"full_name": "", "language": "nb"})
    assert nb("This field is required.") in html.unescape(response.content.decode())


def test_language_switcher_works_for_anonymous_visitors_with_a_cookie(client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/konto/login/"})
    assert response.status_code == 302 and response["Location"] == "/konto/login/"
    page = client.get("/konto/login/")
    assert '<html lang="en"' in page.content.decode()
    client.post(reverse("set_language"), {"language": "nb", "next": "/konto/login/"})
    assert '<html lang="nb"' in client.get("/konto/login/").content.decode()


def test_language_switcher_saves_the_choice_on_the_profile(client, world) -> None:
    client.force_login(world.auditor)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    world.auditor.refresh_from_db()
    assert world.auditor.language == "en"


def test_language_switcher_refuses_to_redirect_to_another_site(client) -> None:
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_interface_is_norwegian_by_default(client) -> None:
    page = client.get("/konto/login/").content.decode()
    assert '<html lang="nb"' in page
    assert nb("Log in to Medvirke") in page


def test_password_reset_sends_an_e_mail(client, world, mailoutbox) -> None:
    response = client.post(reverse("account_reset_password"), {"email": world.secretary.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [world.secretary.email]


def test_language_chosen_on_the_login_page_is_kept_after_login(client, world) -> None:
    from medvirke.core.testing import PASSWORD

    client.post(reverse("set_language"), {"language": "en", "next": "/konto/login/"})
    client.post(reverse("account_login"), {"login": world.auditor.email, "password": PASSWORD})
    world.auditor.refresh_from_db()
    assert world.auditor.language == "en"
    assert '<html lang="en"' in client.get(reverse("dashboard")).content.decode()
