"""A fake Bot Connector on loopback that captures what the bot sends, and activity builders."""
from __future__ import annotations

import itertools
import socket
from dataclasses import dataclass, field

from aiohttp import web

from benchmarks.evaluate import card_text  # noqa: F401  (re-exported for the tests)

_ids = itertools.count(1)


@dataclass
class FakeConnector:
    """Answers the Bot Connector's reply/send endpoints and keeps every activity the bot sent."""

    sent: list[dict] = field(default_factory=list)
    url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self._capture)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self._capture)
        return app

    async def _capture(self, request: web.Request) -> web.Response:
        activity = await request.json()
        activity["_conversation"] = request.match_info["conversation"]
        self.sent.append(activity)
        return web.json_response({"id": f"reply-{next(_ids)}"})

    def replies(self, conversation: str, kind: str = "message") -> list[dict]:
        return [a for a in self.sent if a["_conversation"] == conversation and a.get("type") == kind]


def message(text: str | None, connector_url: str, conversation: str = "conv-1", *,
            value: dict | None = None, conversation_type: str = "personal",
            user_name: str = "Test Bruger", entities: list | None = None) -> dict:
    """A Teams-like message activity as the Bot Connector would POST it."""
    activity = {
        "type": "message",
        "id": f"act-{next(_ids)}",
        "timestamp": "2026-11-22T10:00:00.000Z",
        "channelId": "msteams",
        "serviceUrl": connector_url,
        "from": {"id": "29:user-aad", "name": user_name, "aadObjectId": "00000000-aaaa-bbbb-cccc-000000000001"},
        "conversation": {"id": conversation, "conversationType": conversation_type, "tenantId": "tenant-1"},
        "recipient": {"id": "28:bot-id", "name": "Beredskabsbot"},
        "text": text,
        "locale": "da-DK",
    }
    if value is not None:
        activity["value"] = value
    if entities is not None:
        activity["entities"] = entities
    return activity


def conversation_update(connector_url: str, conversation: str = "conv-1", *, members: list[str],
                        conversation_type: str = "personal") -> dict:
    """conversationUpdate with membersAdded, as Teams sends when the bot is installed."""
    return {
        "type": "conversationUpdate",
        "id": f"act-{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": connector_url,
        "from": {"id": "29:user-aad"},
        "conversation": {"id": conversation, "conversationType": conversation_type, "tenantId": "tenant-1"},
        "recipient": {"id": "28:bot-id", "name": "Beredskabsbot"},
        "membersAdded": [{"id": m} for m in members],
    }


def card_of(activity: dict) -> dict:
    """The Adaptive Card content of a reply (asserts there is one)."""
    attachments = activity.get("attachments") or []
    assert attachments and attachments[0]["contentType"] == "application/vnd.microsoft.card.adaptive", activity
    return attachments[0]["content"]


@dataclass
class ScriptedConnector(FakeConnector):
    """A fake Bot Connector whose answer to each send is scripted: (status, headers) by conversation and attempt."""

    script: object = None  # callable(conversation_id, attempt) -> (status, headers) | None for 200
    attempts: dict = field(default_factory=dict)
    log: list = field(default_factory=list)  # (monotonic time, conversation, status)

    async def _capture(self, request: web.Request) -> web.Response:
        import time
        conversation = request.match_info["conversation"]
        attempt = self.attempts.get(conversation, 0)
        self.attempts[conversation] = attempt + 1
        answer = self.script(conversation, attempt) if self.script else None
        status, headers = answer if answer else (200, {})
        self.log.append((time.monotonic(), conversation, status))
        if status != 200:
            return web.json_response({"error": {"code": str(status)}}, status=status, headers=headers)
        return await super()._capture(request)

    def delivered(self, conversation: str) -> int:
        return sum(1 for _, c, s in self.log if c == conversation and s == 200)


async def serve(fake: FakeConnector, aiohttp_server) -> FakeConnector:
    """Start a fake Bot Connector on loopback (pytest-aiohttp's aiohttp_server) and set its url."""
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("")).rstrip("/")
    return fake


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
