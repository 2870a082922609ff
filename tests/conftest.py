from __future__ import annotations

import pytest

from app import create_app
from bot.settings import Settings
from tests.fakes import FakeConnector, message, serve


@pytest.fixture
async def connector(aiohttp_server):
    return await serve(FakeConnector(), aiohttp_server)


@pytest.fixture
def settings(tmp_path):
    return Settings.from_env({"DATA_DIR": str(tmp_path / "data"), "PLAYGROUND": "0"})


@pytest.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(await create_app(settings))


@pytest.fixture
def ask(client, connector):
    """Send one message the way Teams does and return the bot's message replies to it."""
    async def _ask(text, conversation="conv-1", **kwargs):
        before = len(connector.replies(conversation))
        response = await client.post("/api/messages", json=message(text, connector.url, conversation, **kwargs))
        assert response.status == 200, await response.text()
        return connector.replies(conversation)[before:]
    return _ask


@pytest.fixture(scope="session")
def azurite(tmp_path_factory):
    """One Azurite blob server on loopback for the session (tests/azurite.py)."""
    from tests.azurite import Azurite

    server = Azurite(tmp_path_factory.mktemp("azurite")).start()
    yield server
    server.stop()


@pytest.fixture
def shared_store(azurite):
    """The environment of a bot on that Azurite, with a container no other test uses."""
    return azurite.env()
