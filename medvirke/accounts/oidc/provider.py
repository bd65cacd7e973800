"""allauth's OpenID Connect provider with `private_key_jwt` token requests and a fixed level.

Plugged in through SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]; its views are
allauth's, built on this adapter (allauth's own views hard-wire theirs).
"""

from typing import Any
from urllib.parse import urlsplit

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Client
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import get_request_param
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from requests import RequestException

from .assertion import ASSERTION_TYPE, client_assertion, load_signing_key

PRIVATE_KEY_JWT = "private_key_jwt"


class OIDCAdapter(OpenIDConnectOAuth2Adapter):
    def uses_private_key_jwt(self, app: SocialApp) -> bool:
        return app.settings.get("token_auth_method") == PRIVATE_KEY_JWT

    def get_client(self, request: HttpRequest, app: SocialApp) -> OAuth2Client:
        client = super().get_client(request, app)
        if self.uses_private_key_jwt(app):
            # The signed assertion replaces the secret; a secret sent as well would be a second
            # authentication method, which providers refuse (and it should not travel at all).
            client.consumer_secret = ""
            client.basic_auth = False
        return client

    def get_access_token_data(
        self,
        request: HttpRequest,
        app: SocialApp,
        client: OAuth2Client,
        pkce_code_verifier: str | None = None,
    ) -> dict[str, Any]:
        extra = self.client_authentication(app) if self.uses_private_key_jwt(app) else None
        code = get_request_param(self.request, "code")
        data = client.get_access_token(
            code, pkce_code_verifier=pkce_code_verifier, extra_data=extra
        )
        self.did_fetch_access_token = True
        return data

    def client_authentication(self, app: SocialApp) -> dict[str, str]:
        """The token request's `client_assertion` parameters for `app`'s configured key.

        The assertion's audience is the provider's issuer identifier unless the app says
        `token_endpoint`: since the OpenID Foundation's 2025 advisory on audience injection,
        the issuer (one string) is the value providers must accept and HelseID expects, while
        RFC 7523's token endpoint URL stays available for providers that still want it.
        """
        private_key = app.settings.get("private_key") or ""
        if not private_key:
            raise ImproperlyConfigured(
                f"OIDC app {app.provider_id!r} uses private_key_jwt but has no private key"
            )
        key = load_signing_key(private_key, app.settings.get("key_id") or "")
        if app.settings.get("client_assertion_audience") == "token_endpoint":
            audience = self.openid_config["token_endpoint"]
        else:
            audience = self.openid_config["issuer"]
        return {
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": client_assertion(
                client_id=app.client_id, audience=audience, key=key
            ),
        }


class OIDCProvider(OpenIDConnectProvider):
    # allauth imports "<package>.urls" for a provider's URL patterns.
    package = "medvirke.accounts.oidc"
    oauth2_adapter_class = OIDCAdapter

    def get_auth_params_from_request(self, request: HttpRequest, action: Any) -> dict[str, Any]:
        params = super().get_auth_params_from_request(request, action)
        # allauth lets `?auth_params=` on the login URL add parameters; it must not lower the
        # level asked for (the level is also checked on return, see adapters.SocialAccountAdapter).
        configured = self.get_auth_params()
        if "acr_values" in configured:
            params["acr_values"] = configured["acr_values"]
        return params


@login_not_required
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    adapter = OIDCAdapter(request, provider_id)
    try:
        response = OAuth2LoginView.adapter_view(adapter)(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    if request.method == "GET" and response.status_code == 200:
        allow_form_to_lead_to_provider(response, adapter)
    return response


def allow_form_to_lead_to_provider(response: HttpResponse, adapter: OIDCAdapter) -> None:
    """Let this page's "Continue" form be redirected to the provider's authorization endpoint.

    Browsers apply the CSP `form-action` to the redirects after a form too, and a provider's
    authorization endpoint need not be on its issuer's host (ID-porten's issuer is
    https://idporten.no, its endpoint https://login.idporten.no/authorize), so settings.py's
    form-action (the issuers) is not enough. The endpoint comes from the discovery document.
    """
    try:
        endpoint = urlsplit(adapter.authorize_url)
    except (RequestException, ValueError, KeyError):
        return  # the provider is unreachable: the login itself will say so
    if endpoint.scheme not in ("http", "https") or not endpoint.netloc:
        return
    policy: dict[str, Any] = dict(settings.SECURE_CSP)
    policy["form-action"] = [
        *(policy.get("form-action") or []),
        f"{endpoint.scheme}://{endpoint.netloc}",
    ]
    response._csp_config = policy  # type: ignore[attr-defined]


@login_not_required
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        return OAuth2CallbackView.adapter_view(OIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
