"""Reuse Bot Connector clients across turns.

Stock CloudAdapter builds a new ConnectorClient and a new UserTokenClient on every turn, and msrest
(deprecated) spends milliseconds building each one's retry policy: about two thirds of a turn here.
This wrapper keeps one client per (app id, serviceUrl, audience) and one token client per (app id,
audience), in a bounded LRU, and otherwise delegates everything - authentication included - to the
wrapped BotFrameworkAuthentication. Credentials (and their token cache) live in the reused client.
It is also where a request's token is validated, so every refusal leaves it as a PermissionError.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Hashable

from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from botframework.connector.skills import BotFrameworkClient

from .auth import refused_as_permission_error

MAX_CLIENTS = 256


class _Lru:
    def __init__(self, size: int):
        self._size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()

    def get(self, key: Hashable):
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def put(self, key: Hashable, item: object) -> None:
        self._items[key] = item
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def _app_id(claims_identity: ClaimsIdentity | None) -> str | None:
    if claims_identity is None:
        return None
    return (claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
            or claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM))


class _CachingConnectorFactory(ConnectorFactory):
    def __init__(self, inner: ConnectorFactory, cache: _Lru, app_id: str | None):
        self._inner = inner
        self._cache = cache
        self._app_id = app_id

    async def create(self, service_url: str, audience: str = None) -> ConnectorClient:
        key = ("connector", self._app_id, service_url, audience)
        client = self._cache.get(key)
        if client is None:
            client = await self._inner.create(service_url, audience)
            self._cache.put(key, client)
        return client


class CachingBotFrameworkAuthentication(BotFrameworkAuthentication):
    """Delegates to `inner`; hands out reused connector and user-token clients."""

    def __init__(self, inner: BotFrameworkAuthentication, max_clients: int = MAX_CLIENTS):
        self._inner = inner
        self._clients = _Lru(max_clients)

    @property
    def cached_clients(self) -> int:
        return len(self._clients)

    def _wrap(self, factory: ConnectorFactory | None, claims: ClaimsIdentity | None) -> ConnectorFactory | None:
        if factory is None or isinstance(factory, _CachingConnectorFactory):
            return factory
        return _CachingConnectorFactory(factory, self._clients, _app_id(claims))

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        with refused_as_permission_error():
            result = await self._inner.authenticate_request(activity, auth_header)
        result.connector_factory = self._wrap(result.connector_factory, result.claims_identity)
        return result

    async def authenticate_streaming_request(self, auth_header: str, channel_id_header: str):
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self._wrap(self._inner.create_connector_factory(claims_identity), claims_identity)

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        key = ("user-token", _app_id(claims_identity),
               claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM) if claims_identity else None)
        client = self._clients.get(key)
        if client is None:
            client = await self._inner.create_user_token_client(claims_identity)
            self._clients.put(key, client)
        return client

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        with refused_as_permission_error():
            return await self._inner.authenticate_channel_request(auth_header)
