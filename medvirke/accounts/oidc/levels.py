"""Assurance levels (`acr`): which levels a login may come back with, given what was asked."""

from collections.abc import Mapping, Sequence
from typing import Any

# ID-porten's levels, lowest first (https://docs.digdir.no/docs/idporten/oidc/oidc_protocol_id_token).
IDPORTEN_LEVELS = ("idporten-loa-low", "idporten-loa-substantial", "idporten-loa-high")


def requested_levels(app_settings: Mapping[str, Any]) -> list[str]:
    """The `acr_values` the app sends in its authorization requests, in the configured order."""
    auth_params = app_settings.get("auth_params") or {}
    return str(auth_params.get("acr_values", "")).split()


def accepted_levels(requested: Sequence[str], ordered: Sequence[str]) -> frozenset[str]:
    """Every `acr` that satisfies a request for `requested`, given the provider's levels
    `ordered` from lowest to highest.

    OpenID Connect's `acr_values` lists the levels the client will take, so the lowest requested
    one is the floor: it and every level above it are accepted. A requested value the ordering
    does not know is accepted as itself only (never as "high enough" by guesswork).
    """
    accepted = set(requested)
    ranks = [ordered.index(value) for value in requested if value in ordered]
    if ranks:
        accepted.update(ordered[min(ranks) :])
    return frozenset(accepted)


def lowest_requested(requested: Sequence[str], ordered: Sequence[str]) -> str:
    """The floor of `requested`, to name in a refusal."""
    known = [value for value in requested if value in ordered]
    if known:
        return min(known, key=ordered.index)
    return requested[0]


def level_is_sufficient(app_settings: Mapping[str, Any], claims: Mapping[str, Any]) -> bool:
    """Whether the ID token `claims` carry an `acr` the app's configuration accepts. An app that
    asks for no level accepts any login; one that asks refuses a token without `acr`."""
    requested = requested_levels(app_settings)
    if not requested:
        return True
    acr = claims.get("acr")
    ordered = list(app_settings.get("acr_levels") or ())
    return isinstance(acr, str) and acr in accepted_levels(requested, ordered)
