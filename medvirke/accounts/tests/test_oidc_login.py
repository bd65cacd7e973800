"""The OpenID Connect login through HTTP against a real provider (tests/oidc/provider.mjs):
a secret client and a private_key_jwt client (HelseID's way), and who an external login may
log in as."""

from collections.abc import Iterator

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from medvirke.core.testing import World
from tests.oidc.harness import (
    Account,
    ClientKey,
    RunningProvider,
    configure_medvirke,
    log_in_at_provider,
    medvirke_app,
    provider_config,
    redirect_uris,
    running_provider,
)

BASE = "http://testserver"
KARI = Account(username="kari", sub="provider-kari", email="secretary@example.no")
KEY = ClientKey.generate()


@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    config = provider_config(
        redirect_uris=redirect_uris(BASE, ["idporten", "helseid"]), accounts=[KARI], jwt_key=KEY
    )
    with running_provider(config) as running:
        yield running


def log_in(client: Client, provider_id: str) -> int:
    response = client.post(f"/konto/oidc/{provider_id}/login/")
    assert response.status_code == 302, response.content
    callback_prefix = f"{BASE}/konto/oidc/{provider_id}/login/callback/"
    callback = log_in_at_provider(response["Location"], KARI.username, callback_prefix)
    return client.get(callback.removeprefix(BASE)).status_code


def test_a_private_key_jwt_client_logs_in_with_its_signed_assertion(
    world: World, provider: RunningProvider, client: Client, settings
) -> None:
    configure_medvirke(
        settings, [medvirke_app("helseid", provider.issuer, private_key=KEY.private_pem)]
    )
    SocialAccount.objects.create(user=world.secretary, provider="helseid", uid=KARI.sub)

    assert log_in(client, "helseid") == 302
    assert client.session["_auth_user_id"] == str(world.secretary.pk)


def test_a_private_key_jwt_client_with_the_wrong_key_is_refused_by_the_provider(
    world: World, provider: RunningProvider, client: Client, settings
) -> None:
    other = ClientKey.generate()
    configure_medvirke(
        settings, [medvirke_app("helseid", provider.issuer, private_key=other.private_pem)]
    )
    SocialAccount.objects.create(user=world.secretary, provider="helseid", uid=KARI.sub)

    assert log_in(client, "helseid") == 401  # allauth's "third-party login failure" page
    assert "_auth_user_id" not in client.session


def test_an_external_login_with_a_known_email_does_not_log_in_until_connected(
    world: World, provider: RunningProvider, client: Client, settings
) -> None:
    # The provider says the person's e-mail is the secretary's, but she has not connected this
    # login from her account: an e-mail claim alone must not open her account.
    configure_medvirke(settings, [medvirke_app("idporten", provider.issuer)])

    log_in(client, "idporten")

    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


def test_the_continue_form_may_lead_to_an_authorization_endpoint_on_another_host(
    world: World, provider: RunningProvider, client: Client, settings
) -> None:
    # As at ID-porten, whose issuer is https://idporten.no and whose login is on
    # login.idporten.no: the browser applies the page's CSP form-action to the redirect there.
    app = medvirke_app("idporten", provider.issuer)
    app["settings"]["openid_configuration_overrides"] = {
        "authorization_endpoint": "https://login.example.test/authorize"
    }
    configure_medvirke(settings, [app])

    response = client.get("/konto/oidc/idporten/login/")

    assert response.status_code == 200
    form_action = next(
        d for d in response["Content-Security-Policy"].split(";") if "form-action" in d
    )
    assert "https://login.example.test" in form_action.split()
    assert "'self'" in form_action.split()
