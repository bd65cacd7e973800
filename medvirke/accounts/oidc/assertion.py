"""`private_key_jwt` client authentication (OpenID Connect Core 9, RFC 7523): the client proves
itself at the token endpoint with a short-lived JWT signed by its own key, instead of a secret.
HelseID requires it; the key pair is registered in HelseID's self-service portal."""

import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.exceptions import ImproperlyConfigured

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
LIFETIME_SECONDS = 60
_EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}


@dataclass(frozen=True)
class SigningKey:
    key: Any  # a cryptography private key object
    key_id: str
    algorithm: str


def load_signing_key(value: str, key_id: str = "") -> SigningKey:
    """The client's private key from `value`: a PEM text, a JWK (JSON, HelseID's format) or the
    path of a file holding either. The JWK's own `kid` and `alg` are used unless `key_id` is set;
    a PEM key signs with RS256 (RSA) or ES256/384/512 (by its curve)."""
    text = value.strip()
    if not text.startswith(("-----BEGIN", "{")):
        try:
            text = Path(text).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"the OIDC private key file cannot be read: {error}"
            ) from error
    if text.startswith("{"):
        jwk = json.loads(text)
        if "d" not in jwk:
            raise ImproperlyConfigured("the OIDC private key JWK holds no private part")
        parsed = jwt.PyJWK(jwk)
        return SigningKey(
            parsed.key, key_id or jwk.get("kid", ""), jwk.get("alg") or _alg(parsed.key)
        )
    key = serialization.load_pem_private_key(text.encode(), password=None)
    return SigningKey(key, key_id, _alg(key))


def _alg(key: Any) -> str:
    if isinstance(key, rsa.RSAPrivateKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name in _EC_ALGORITHMS:
        return _EC_ALGORITHMS[key.curve.name]
    raise ImproperlyConfigured("the OIDC private key must be an RSA or a P-256/384/521 key")


def client_assertion(
    *, client_id: str, audience: str, key: SigningKey, now: float | None = None
) -> str:
    """A signed client assertion: iss and sub are the client id, aud the provider, a fresh jti
    (the provider refuses a replay) and an expiry a minute ahead."""
    issued = int(time.time() if now is None else now)
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "jti": secrets.token_urlsafe(24),
        "iat": issued,
        "nbf": issued,
        "exp": issued + LIFETIME_SECONDS,
    }
    headers = {"kid": key.key_id} if key.key_id else None
    return jwt.encode(claims, key.key, algorithm=key.algorithm, headers=headers)
