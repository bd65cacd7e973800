"""Run tests/oidc/provider.mjs (panva's oidc-provider) for a test and point Medvirke at it."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"
LEVELS = ["idporten-loa-substantial", "idporten-loa-high"]
SECRET_CLIENT = "medvirke-secret-client"
SECRET = "a-test-secret-of-some-length-0123456789"
JWT_CLIENT = "medvirke-jwt-client"
JWT_KEY_ID = "medvirke-test-key"
READY = "OIDC provider ready at "
START_TIMEOUT_S = 20


@dataclass
class ClientKey:
    """An RSA key pair for a private_key_jwt client: the PEM Medvirke signs with, and the
    public JWK the provider has registered for the client."""

    private_pem: str
    public_jwk: dict[str, Any]

    @classmethod
    def generate(cls, key_id: str = JWT_KEY_ID) -> "ClientKey":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        return cls(pem, {**public, "kid": key_id, "use": "sig", "alg": "RS256"})


@dataclass
class Account:
    username: str
    sub: str
    email: str
    name: str = "Test Person"

    def as_config(self) -> dict[str, Any]:
        claims = {"email": self.email, "email_verified": True, "name": self.name}
        return {"username": self.username, "sub": self.sub, "claims": claims}


@dataclass
class RunningProvider:
    issuer: str
    process: subprocess.Popen[str]
    log: list[str] = field(default_factory=list)


def redirect_uris(base_url: str, provider_ids: Sequence[str]) -> list[str]:
    return [f"{base_url.rstrip('/')}/konto/oidc/{p}/login/callback/" for p in provider_ids]


def provider_config(
    *, redirect_uris: list[str], accounts: Sequence[Account], jwt_key: ClientKey | None
) -> dict[str, Any]:
    """Two clients: one authenticating with a secret (client_secret_post, as ID-porten and
    Feide clients may) and one with a signed assertion (private_key_jwt, as HelseID wants)."""
    clients: list[dict[str, Any]] = [
        {
            "client_id": SECRET_CLIENT,
            "client_secret": SECRET,
            "token_endpoint_auth_method": "client_secret_post",
            "redirect_uris": redirect_uris,
        }
    ]
    if jwt_key is not None:
        clients.append(
            {
                "client_id": JWT_CLIENT,
                "token_endpoint_auth_method": "private_key_jwt",
                "token_endpoint_auth_signing_alg": "RS256",
                "jwks": {"keys": [jwt_key.public_jwk]},
                "redirect_uris": redirect_uris,
            }
        )
    return {
        "acrValues": LEVELS,
        "clients": clients,
        "accounts": [a.as_config() for a in accounts],
    }


@contextmanager
def running_provider(config: dict[str, Any]) -> Iterator[RunningProvider]:
    """Start the provider on a free loopback port, wait until its discovery document answers,
    and stop it afterwards."""
    node = shutil.which("node")
    assert node, "node is missing: the OIDC tests run panva's oidc-provider (scripts/setup.sh)"
    assert (ROOT / "node_modules" / "oidc-provider").is_dir(), (
        "node_modules/oidc-provider is missing: run scripts/setup.sh (npm ci)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        config_path = Path(tmp) / "provider.json"
        config_path.write_text(json.dumps(config), encoding="utf-8")
        process = subprocess.Popen(  # noqa: S603 (our own script, by absolute path)
            [node, str(SCRIPT), "--config", str(config_path), "--port", "0"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "NODE_ENV": "test"},
        )
        try:
            running = RunningProvider(_wait_for_issuer(process), process)
            _wait_for_discovery(running.issuer)
            yield running
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_issuer(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    lines = []
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break  # the process ended
        lines.append(line)
        if line.startswith(READY):
            return line[len(READY) :].strip()
    raise AssertionError("the OIDC provider did not start:\n" + "".join(lines))


def _wait_for_discovery(issuer: str) -> None:
    url = issuer + "/.well-known/openid-configuration"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if json.load(response).get("issuer") == issuer:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


def medvirke_app(
    provider_id: str,
    issuer: str,
    *,
    acr_values: str = "idporten-loa-high",
    private_key: str = "",
) -> dict[str, Any]:
    """The app Medvirke builds from its MEDVIRKE_OIDC_<NAME>_* variables, for this provider:
    a secret client, or a private_key_jwt one when `private_key` is given."""
    from medvirke.settings import _oidc_provider

    prefix = f"MEDVIRKE_OIDC_{provider_id.upper()}_"
    environ = {
        prefix + "SERVER_URL": issuer,
        prefix + "ACR_VALUES": acr_values,
        prefix + "ACR_LEVELS": " ".join(LEVELS),
    }
    if private_key:
        environ |= {
            prefix + "CLIENT_ID": JWT_CLIENT,
            prefix + "TOKEN_AUTH_METHOD": "private_key_jwt",
            prefix + "PRIVATE_KEY": private_key,
            prefix + "KEY_ID": JWT_KEY_ID,
        }
    else:
        environ |= {prefix + "CLIENT_ID": SECRET_CLIENT, prefix + "SECRET": SECRET}
    names = {"idporten": "ID-porten", "helseid": "HelseID", "feide": "Feide"}
    app = _oidc_provider(
        provider_id, names.get(provider_id, provider_id), "openid profile email", environ
    )
    assert app is not None
    return app


def configure_medvirke(settings: Any, apps: list[dict[str, Any]]) -> None:
    """Point Medvirke (pytest-django's `settings`) at these apps, as settings.py does from the
    environment, including the CSP form-action that lets the login form lead to the provider."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": apps,
        }
    }
    csp = dict(settings.SECURE_CSP)
    csp["form-action"] = [*csp["form-action"], *(a["settings"]["server_url"] for a in apps)]
    settings.SECURE_CSP = csp


def log_in_at_provider(authorize_url: str, username: str, callback_prefix: str) -> str:
    """Go through the provider's login page as a browser would (without one): follow its
    redirects, submit `username`, and return the URL it finally sends the person back to
    (Medvirke's callback with the code), without requesting it."""
    import re
    from urllib.parse import urljoin

    import requests

    session = requests.Session()
    url, method, data = authorize_url, "GET", None
    for _ in range(12):
        response = session.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url, method, data = urljoin(url, response.headers["Location"]), "GET", None
            if url.startswith(callback_prefix):
                return url
            continue
        assert response.status_code == 200, (
            f"{url} answered {response.status_code}: {response.text}"
        )
        match = re.search(r'<form method="post" action="([^"]+)"', response.text)
        assert match, f"no login form at {url}:\n{response.text}"
        url, method, data = urljoin(url, match.group(1)), "POST", {"login": username}
    raise AssertionError("the provider never sent the person back")
