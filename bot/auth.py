"""Bot Framework tokens: a cheap first look, every refusal a 401, and the bot's own token failures named.

A missing, malformed or unsigned (alg "none") token is refused by `token_problem`, at once and without any
network call; a well-formed one still goes through botbuilder's signature, issuer, audience, endorsement and
serviceUrl checks.
"""
from __future__ import annotations

import base64
import binascii
import json
import logging
from contextlib import contextmanager
from typing import Iterator

import requests
from botframework.connector.auth import ServiceClientCredentialsFactory

logger = logging.getLogger(__name__)

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


class TokenRejected(PermissionError):
    """A Bot Framework token that did not validate (answered 401)."""


class SigningKeysUnavailable(Exception):
    """The Bot Framework's OpenID metadata or signing keys could not be fetched (answered 503)."""


@contextmanager
def refused_as_permission_error() -> Iterator[None]:
    """Around botbuilder's token validation: every way a token fails becomes TokenRejected.

    botbuilder raises PermissionError for a wrong issuer, audience or serviceUrl, but plain exceptions for a
    bad signature or an expired token (PyJWT's), an unknown key id (IndexError), a key not endorsed for the
    channel (Exception), and CloudAdapter turns only PermissionError into 401: the rest would be a 500.
    Failing to fetch the keys is not the caller's fault and stays apart.
    """
    try:
        yield
    except PermissionError:
        raise
    except requests.RequestException as exc:
        logger.error("Could not fetch the Bot Framework's signing keys: %s", type(exc).__name__)
        raise SigningKeysUnavailable(type(exc).__name__) from exc
    except Exception as exc:  # noqa: BLE001 - see the docstring: botbuilder signals refusal this way
        raise TokenRejected(f"{type(exc).__name__}: {exc}") from exc


class LoggingCredentialsFactory(ServiceClientCredentialsFactory):
    """Hands out botbuilder's credentials for replies, logging when the bot cannot get its own token.

    Without this, a wrong MicrosoftAppPassword or tenant shows only as a failed turn; this says which
    token failed and what to check.
    """

    def __init__(self, inner: ServiceClientCredentialsFactory):
        self._inner = inner

    async def is_valid_app_id(self, app_id: str) -> bool:
        return await self._inner.is_valid_app_id(app_id)

    async def is_authentication_disabled(self) -> bool:
        return await self._inner.is_authentication_disabled()

    async def create_credentials(self, app_id: str, oauth_scope: str, login_endpoint: str,
                                 validate_authority: bool):
        credentials = await self._inner.create_credentials(app_id, oauth_scope, login_endpoint, validate_authority)
        get_token = getattr(credentials, "get_access_token", None)
        if get_token is None:
            return credentials

        def get_access_token(force_refresh: bool = False) -> str:
            try:
                return get_token(force_refresh)
            except Exception as exc:
                logger.error("Could not get the bot's own token for outgoing messages (%s: %s). Check "
                             "MicrosoftAppId, MicrosoftAppPassword and MicrosoftAppTenantId.",
                             type(exc).__name__, exc)
                raise
        credentials.get_access_token = get_access_token
        return credentials
