"""Logging in with ID-porten/HelseID in a real browser, against a real OpenID provider (panva's
certified oidc-provider, tests/oidc/provider.mjs) on a free loopback port: a person connects
the external login from their profile and logs in with it; a login at a lower assurance level
than Medvirke asks for is refused; HelseID's private_key_jwt client logs in too. Every page,
the provider's login page included, passes axe-core."""

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Route, expect

from medvirke.core.testing import PASSWORD, World
from tests.oidc.harness import (
    Account,
    ClientKey,
    RunningProvider,
    configure_medvirke,
    medvirke_app,
    provider_config,
    redirect_uris,
    running_provider,
)

from .support import CheckedPage

KARI = Account(username="kari", sub="provider-kari", email="secretary@example.no")
KEY = ClientKey.generate()


@pytest.fixture(scope="module")
def provider(live_server: Any) -> Iterator[RunningProvider]:
    config = provider_config(
        redirect_uris=redirect_uris(live_server.url, ["idporten", "helseid"]),
        accounts=[KARI],
        jwt_key=KEY,
    )
    with running_provider(config) as running:
        yield running


def log_in_at_provider(browser: CheckedPage, username: str) -> None:
    """The provider's login page: type the user name and press "Logg inn"; the provider then
    sends the browser back to Medvirke."""
    page = browser.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn hos testleverandøren")
    page.get_by_label("Brukernavn").fill(username)
    browser.submit("Logg inn")


def start_external_login(browser: CheckedPage, provider_name: str) -> None:
    """On Medvirke's login page: the provider's button, then allauth's "Continue"."""
    browser.visit("/konto/login/")
    browser.click_link(provider_name, exact=True)
    browser.submit(browser.t("Continue"))


def expect_logged_in_as(browser: CheckedPage, person: Any) -> None:
    assert browser.path == "/"
    expect(browser.heading()).to_have_text(browser.t("Welcome, %(name)s", name=person.display_name))


@pytest.mark.browser
def test_person_connects_id_porten_from_the_profile_and_logs_in_with_it(
    open_browser: Any, world: World, provider: RunningProvider, settings: Any
) -> None:
    configure_medvirke(settings, [medvirke_app("idporten", provider.issuer)])
    person = world.secretary

    # Connecting is done once, logged in with the password: an external login never opens an
    # account on its own (not even one with the same e-mail address).
    browser: CheckedPage = open_browser()
    browser.login(person.email, PASSWORD)
    browser.visit("/profil/")
    browser.click_link(browser.t("Logins through ID-porten, HelseID or Feide"))
    assert browser.path == "/konto/3rdparty/"
    browser.click_link("ID-porten", exact=True)
    browser.submit(browser.t("Continue"))
    assert browser.page.url.startswith(provider.issuer + "/interaction/")
    log_in_at_provider(browser, KARI.username)
    assert browser.path == "/konto/3rdparty/"
    account = SocialAccount.objects.get(provider="idporten")
    assert (account.user, account.uid) == (person, KARI.sub)

    # Another day, another browser: the ID-porten button on the login page is enough.
    other: CheckedPage = open_browser()
    start_external_login(other, "ID-porten")
    assert other.page.url.startswith(provider.issuer + "/interaction/")
    log_in_at_provider(other, KARI.username)
    expect_logged_in_as(other, person)


def lower_the_level(route: Route) -> None:
    """What the attacker does in their own browser: edit the authorization request Medvirke
    sends them to, so it asks the provider for the substantial level (MinID) instead of the
    high one. (Medvirke's redirect is rewritten: Chromium does not route the redirect itself.)"""
    if route.request.method != "POST":
        route.continue_()
        return
    response = route.fetch(max_redirects=0)
    location = response.headers["location"]
    parts = urlsplit(location)
    params = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert params["acr_values"] == "idporten-loa-high"
    params["acr_values"] = "idporten-loa-substantial"
    lowered = urlunsplit(parts._replace(query=urlencode(params)))
    route.fulfill(response=response, headers={**response.headers, "location": lowered})


@pytest.mark.browser
def test_login_at_a_lower_level_than_required_is_refused(
    browser: CheckedPage, world: World, provider: RunningProvider, settings: Any
) -> None:
    configure_medvirke(settings, [medvirke_app("idporten", provider.issuer)])
    SocialAccount.objects.create(user=world.secretary, provider="idporten", uid=KARI.sub)
    browser.page.route(re.compile(r"/konto/oidc/idporten/login/(\?.*)?$"), lower_the_level)

    start_external_login(browser, "ID-porten")
    expect(browser.page.get_by_text("idporten-loa-substantial")).to_be_visible()
    browser.page.get_by_label("Brukernavn").fill(KARI.username)
    browser.submit("Logg inn", status=403)

    expect(browser.heading()).to_have_text(browser.t("Login refused"))
    expect(browser.page.get_by_role("alert")).to_have_text(
        browser.t(
            "%(provider_name)s confirmed the login at the assurance level “%(level)s”, but "
            "Medvirke requires “%(required)s” or higher.",
            provider_name="ID-porten",
            level="idporten-loa-substantial",
            required="idporten-loa-high",
        )
    )
    browser.click_link(browser.t("Back to the login page"))
    assert browser.path == "/konto/login/"
    browser.visit("/")
    assert browser.path.startswith("/konto/login/"), "the refused login logged the person in"


@pytest.mark.browser
def test_helseid_client_with_private_key_jwt_logs_in(
    browser: CheckedPage, world: World, provider: RunningProvider, settings: Any
) -> None:
    configure_medvirke(
        settings, [medvirke_app("helseid", provider.issuer, private_key=KEY.private_pem)]
    )
    SocialAccount.objects.create(user=world.secretary, provider="helseid", uid=KARI.sub)

    start_external_login(browser, "HelseID")
    log_in_at_provider(browser, KARI.username)
    expect_logged_in_as(browser, world.secretary)
