"""OpenID Connect logins (ID-porten, HelseID, Feide) on top of allauth's `openid_connect`.

allauth's provider does the protocol; this package adds what Norwegian health services need and
allauth 65 lacks: the assurance level (`acr`) the login was made at is checked against the one
the configuration asks for (`levels`), and a client can authenticate to the token endpoint with
a signed JWT instead of a secret (`private_key_jwt`, as HelseID requires; `assertion`). The
provider class is plugged in with SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"],
so the login and callback URLs stay allauth's (`/konto/oidc/<name>/login/[callback/]`).
"""
