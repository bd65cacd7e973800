"""The pieces of the OpenID Connect login: assurance levels, the settings read from the
environment, and the signed client assertion of private_key_jwt."""

import json
from types import SimpleNamespace
from typing import Any

import jwt
import pytest
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialApp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from medvirke.accounts.adapters import SocialAccountAdapter
from medvirke.accounts.oidc.assertion import (
    ASSERTION_TYPE,
    LIFETIME_SECONDS,
    client_assertion,
    load_signing_key,
)
from medvirke.accounts.oidc.levels import IDPORTEN_LEVELS, accepted_levels, level_is_sufficient
from medvirke.accounts.oidc.provider import OIDCAdapter
from medvirke.core.testing import nb
from medvirke.settings import _oidc_provider
from tests.oidc.harness import ClientKey

HIGH = "idporten-loa-high"
SUBSTANTIAL = "idporten-loa-substantial"


def app_settings(acr_values: str, levels: tuple[str, ...] = IDPORTEN_LEVELS) -> dict[str, Any]:
    return {"auth_params": {"acr_values": acr_values} if acr_values else {}, "acr_levels": levels}


# --- levels -------------------------------------------------------------------------------------
def test_the_lowest_requested_level_and_every_level_above_it_are_accepted() -> None:
    accepted = accepted_levels([HIGH, SUBSTANTIAL], IDPORTEN_LEVELS)
    assert accepted == {SUBSTANTIAL, HIGH}
    assert accepted_levels([HIGH], IDPORTEN_LEVELS) == {HIGH}


def test_a_requested_level_the_ordering_does_not_know_counts_only_as_itself() -> None:
    assert accepted_levels(["Level4"], IDPORTEN_LEVELS) == {"Level4"}
    assert accepted_levels(["helseid-high"], []) == {"helseid-high"}


def test_a_login_below_the_requested_level_is_not_sufficient() -> None:
    assert not level_is_sufficient(app_settings(HIGH), {"acr": SUBSTANTIAL})
    assert level_is_sufficient(app_settings(HIGH), {"acr": HIGH})
    assert level_is_sufficient(app_settings(SUBSTANTIAL), {"acr": HIGH})


def test_a_login_without_acr_is_refused_when_a_level_is_asked_for() -> None:
    assert not level_is_sufficient(app_settings(SUBSTANTIAL), {})
    assert not level_is_sufficient(app_settings(SUBSTANTIAL), {"acr": ["idporten-loa-high"]})


def test_an_app_that_asks_for_no_level_accepts_any_login() -> None:
    assert level_is_sufficient(app_settings(""), {})


def sociallogin(acr: str | None, acr_values: str = HIGH) -> Any:
    claims = {"sub": "x"} | ({"acr": acr} if acr else {})
    app = SimpleNamespace(
        settings=app_settings(acr_values), name="ID-porten", provider_id="idporten"
    )
    return SimpleNamespace(
        provider=SimpleNamespace(app=app), account=SimpleNamespace(extra_data={"id_token": claims})
    )


@pytest.mark.django_db
@pytest.mark.parametrize("acr", [SUBSTANTIAL, None, "idporten-loa-low"])
def test_the_social_account_adapter_refuses_a_lower_or_missing_level(acr: str | None) -> None:
    request = RequestFactory().get("/konto/oidc/idporten/login/callback/")
    request.user = AnonymousUser()
    with pytest.raises(ImmediateHttpResponse) as refused:
        SocialAccountAdapter().pre_social_login(request, sociallogin(acr))
    response = refused.value.response
    assert response.status_code == 403
    assert nb("Login refused") in response.content.decode()


def test_the_social_account_adapter_lets_the_required_level_through() -> None:
    request = RequestFactory().get("/")
    SocialAccountAdapter().pre_social_login(request, sociallogin(HIGH))
    SocialAccountAdapter().pre_social_login(request, sociallogin(None, acr_values=""))


# --- settings from the environment ---------------------------------------------------------------
def test_an_oidc_app_is_configured_only_with_client_id_and_server_url() -> None:
    assert _oidc_provider("idporten", "ID-porten", "openid", {}) is None
    assert (
        _oidc_provider("idporten", "ID-porten", "openid", {"MEDVIRKE_OIDC_IDPORTEN_CLIENT_ID": "c"})
        is None
    )


def test_oidc_settings_carry_the_level_its_ordering_and_the_private_key() -> None:
    app = _oidc_provider(
        "helseid",
        "HelseID",
        "openid profile",
        {
            "MEDVIRKE_OIDC_HELSEID_CLIENT_ID": "client",
            "MEDVIRKE_OIDC_HELSEID_SERVER_URL": "https://helseid-sts.nhn.no",
            "MEDVIRKE_OIDC_HELSEID_ACR_VALUES": "level4",
            "MEDVIRKE_OIDC_HELSEID_TOKEN_AUTH_METHOD": "private_key_jwt",
            "MEDVIRKE_OIDC_HELSEID_PRIVATE_KEY": "/etc/medvirke/helseid.jwk",
            "MEDVIRKE_OIDC_HELSEID_KEY_ID": "key-1",
        },
    )
    assert app is not None
    assert app["settings"]["auth_params"] == {"acr_values": "level4"}
    assert app["settings"]["acr_levels"] == []
    assert app["settings"]["token_auth_method"] == "private_key_jwt"
    assert app["settings"]["private_key"] == "/etc/medvirke/helseid.jwk"
    assert app["settings"]["key_id"] == "key-1"
    assert app["settings"]["client_assertion_audience"] == "issuer"

    idporten = _oidc_provider(
        "idporten",
        "ID-porten",
        "openid",
        {
            "MEDVIRKE_OIDC_IDPORTEN_CLIENT_ID": "c",
            "MEDVIRKE_OIDC_IDPORTEN_SERVER_URL": "https://idporten.no",
        },
    )
    assert idporten is not None
    assert idporten["settings"]["acr_levels"] == list(IDPORTEN_LEVELS)
    assert idporten["settings"]["auth_params"] == {}


# --- private_key_jwt ---------------------------------------------------------------------------
def decode(assertion: str, key: ClientKey, audience: str) -> dict[str, Any]:
    public = jwt.PyJWK(key.public_jwk).key
    return jwt.decode(assertion, public, algorithms=["RS256"], audience=audience)


def test_the_client_assertion_carries_rfc_7523_claims() -> None:
    key = ClientKey.generate()
    signing = load_signing_key(key.private_pem, "kid-1")
    first = client_assertion(
        client_id="client", audience="https://op.example", key=signing, now=1000
    )
    second = client_assertion(
        client_id="client", audience="https://op.example", key=signing, now=1000
    )

    claims = jwt.decode(first, options={"verify_signature": False})
    assert claims["iss"] == claims["sub"] == "client"
    assert claims["aud"] == "https://op.example"
    assert claims["exp"] - claims["iat"] == LIFETIME_SECONDS
    assert claims["jti"] != jwt.decode(second, options={"verify_signature": False})["jti"]
    assert jwt.get_unverified_header(first) == {"alg": "RS256", "typ": "JWT", "kid": "kid-1"}
    # Signed with the key: it verifies with the public half the provider has registered.
    assert decode(client_assertion(client_id="client", audience="aud", key=signing), key, "aud")


def test_the_private_key_is_read_from_a_jwk_a_pem_or_a_file(tmp_path: Any) -> None:
    key = ClientKey.generate()
    private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    private_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private)) | {
        "kid": "from-jwk",
        "alg": "PS256",
    }
    from_jwk = load_signing_key(json.dumps(private_jwk))
    assert (from_jwk.key_id, from_jwk.algorithm) == ("from-jwk", "PS256")
    assert load_signing_key(json.dumps(private_jwk), "configured").key_id == "configured"

    path = tmp_path / "key.pem"
    path.write_text(key.private_pem)
    from_file = load_signing_key(str(path), "k")
    assert (from_file.key_id, from_file.algorithm) == ("k", "RS256")

    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert load_signing_key(ec_pem.decode()).algorithm == "ES256"


def test_a_public_key_or_a_missing_file_is_refused_clearly(tmp_path: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="no private part"):
        load_signing_key(json.dumps(ClientKey.generate().public_jwk))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        load_signing_key(str(tmp_path / "missing.pem"))


def adapter_for(app: SocialApp) -> OIDCAdapter:
    adapter = OIDCAdapter(RequestFactory().get("/"), app.provider_id)
    adapter._openid_config = {  # what discovery would have said
        "issuer": "https://op.example",
        "token_endpoint": "https://op.example/token",
    }
    return adapter


def jwt_app(**settings: Any) -> SocialApp:
    return SocialApp(
        provider="openid_connect",
        provider_id="helseid",
        client_id="client",
        secret="not-to-be-sent",
        settings={"token_auth_method": "private_key_jwt", **settings},
    )


def test_the_token_request_authenticates_with_an_assertion_to_the_issuer() -> None:
    key = ClientKey.generate()
    params = adapter_for(jwt_app(private_key=key.private_pem)).client_authentication(
        jwt_app(private_key=key.private_pem)
    )
    assert params["client_assertion_type"] == ASSERTION_TYPE
    assert decode(params["client_assertion"], key, "https://op.example")["iss"] == "client"

    app = jwt_app(private_key=key.private_pem, client_assertion_audience="token_endpoint")
    params = adapter_for(app).client_authentication(app)
    assert decode(params["client_assertion"], key, "https://op.example/token")


def test_a_private_key_jwt_client_sends_no_secret() -> None:
    app = jwt_app(private_key="unused")
    adapter = adapter_for(app)
    adapter.get_provider = lambda: SimpleNamespace(app=app)
    adapter.get_callback_url = lambda request, app: "https://medvirke.example/cb"
    client = adapter.get_client(adapter.request, app)
    assert client.consumer_secret == ""
    assert client.basic_auth is False


def test_a_private_key_jwt_app_without_a_key_is_a_configuration_error() -> None:
    app = jwt_app()
    with pytest.raises(ImproperlyConfigured, match="no private key"):
        adapter_for(app).client_authentication(app)
