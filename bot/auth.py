"""A cheap first look at the Bot Framework token, before botbuilder's full validation.

A missing, malformed or unsigned (alg "none") token is refused here, at once and without any
network call; a well-formed one still goes through botbuilder's signature, issuer and audience checks.
"""
from __future__ import annotations

import base64
import binascii
import json

# What the Bot Framework and Entra ID sign with.
SIGNED_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"})
MAX_TOKEN_CHARS = 16_384


def _b64json(part: str) -> object:
    padded = part + "=" * (-len(part) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))


def token_problem(authorization: str | None) -> str | None:
    """Why an Authorization header cannot hold a valid token, or None when it is worth validating."""
    if not authorization:
        return "missing Authorization header"
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return "not a Bearer token"
    if len(token) > MAX_TOKEN_CHARS:
        return "token too long"
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        return "malformed token (expected three signed parts)"
    try:
        header = _b64json(parts[0])
        _b64json(parts[1])
    except (ValueError, UnicodeError, binascii.Error):
        return "malformed token"
    if not isinstance(header, dict) or header.get("alg") not in SIGNED_ALGORITHMS:
        return "token not signed with an accepted algorithm"
    return None
