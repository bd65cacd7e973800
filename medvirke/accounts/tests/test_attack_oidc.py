"""Attacks on the OpenID Connect login, made through HTTP against a real provider (panva's
oidc-provider, tests/oidc/provider.mjs): a person who can log in at a lower assurance level
than Medvirke asks for tries to get in with it anyway."""

from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from medvirke.core.testing import World, nb
from tests.oidc.harness import (
    Account,
    RunningProvider,
    configure_medvirke,
    log_in_at_provider,
    medvirke_app,
    provider_config,
    redirect_uris,
    running_provider,
)

BASE = "http://testserver"
CALLBACK = f"{BASE}/konto/oidc/idporten/login/callback/"
KARI = Account(username="kari", sub="idporten-kari", email="secretary@example.no")


@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    config = provider_config(
        redirect_uris=redirect_uris(BASE, ["idporten"]), accounts=[KARI], jwt_key=None
    )
    with running_provider(config) as running:
        yield running


@pytest.fixture
def connected(world: World, provider: RunningProvider, settings) -> World:
    """ID-porten asks for the high level, and the secretary has connected her ID-porten login."""
    configure_medvirke(settings, [medvirke_app("idporten", provider.issuer)])
    SocialAccount.objects.create(user=world.secretary, provider="idporten", uid=KARI.sub)
    return world


def start_login(client: Client, query: str = "") -> str:
    """Press "ID-porten" on the login page: the address Medvirke sends the browser to."""
    response = client.post("/konto/oidc/idporten/login/" + query)
    assert response.status_code == 302, response.content
    return response["Location"]


def with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    params[name] = value
    return urlunsplit(parts._replace(query=urlencode(params)))


def acr_values_in(url: str) -> str:
    return parse_qs(urlsplit(url).query)["acr_values"][0]


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_attack_lowered_acr_values_in_the_authorization_request_is_refused(
    connected: World, client: Client
) -> None:
    authorize = start_login(client)
    assert acr_values_in(authorize) == "idporten-loa-high"
    # The authorization request passes through the attacker's own browser: they edit it to ask
    # for the substantial level (MinID) instead, and the provider does as asked.
    lowered = with_param(authorize, "acr_values", "idporten-loa-substantial")
    callback = log_in_at_provider(lowered, KARI.username, CALLBACK)

    response = client.get(callback.removeprefix(BASE))

    assert response.status_code == 403
    assert not logged_in(client)
    text = response.content.decode()
    assert nb("Login refused") in text
    assert (
        nb(
            "%(provider_name)s confirmed the login at the assurance level “%(level)s”, but "
            "Medvirke requires “%(required)s” or higher.",
            provider_name="ID-porten",
            level="idporten-loa-substantial",
            required="idporten-loa-high",
        )
        in text
    )


def test_attack_auth_params_on_the_login_url_cannot_lower_the_level(
    connected: World, client: Client
) -> None:
    # allauth lets ?auth_params= on its login URL add authorization parameters; a link crafted
    # to ask ID-porten for a lower level still asks for the configured one.
    query = "?" + urlencode({"auth_params": "acr_values=idporten-loa-substantial"})
    authorize = start_login(client, query)
    assert acr_values_in(authorize) == "idporten-loa-high"


def test_login_at_the_required_level_logs_in(connected: World, client: Client) -> None:
    callback = log_in_at_provider(start_login(client), KARI.username, CALLBACK)

    response = client.get(callback.removeprefix(BASE))

    assert response.status_code == 302, response.content.decode()
    assert logged_in(client)
    assert client.session["_auth_user_id"] == str(connected.secretary.pk)
    account = SocialAccount.objects.get(provider="idporten", uid=KARI.sub)
    assert account.extra_data["id_token"]["acr"] == "idporten-loa-high"
