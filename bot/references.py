"""Conversation references: one per conversation the bot is installed in, for proactive delivery.

Only what delivery needs is kept: channel, serviceUrl, the conversation (id, type, tenant) and the
bot's own id. No user, no names. A reference is removed on uninstall and when Teams answers 403/404.
`ReferenceStore` keeps them in DATA_DIR (sqlite), `BlobReferenceStore` in the shared blob container; both
also keep the conversations coordinators write from and the notices already given.
"""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, ConversationReference
from sqlitedict import SqliteDict

from .blob import Conflict, digest, from_metadata, to_metadata
from .sqlite import open_table

if TYPE_CHECKING:
    from .blob import BlobContainer


def minimal_reference(activity: Activity) -> dict | None:
    """The parts of an activity's conversation reference that delivery needs, as plain data."""
    conversation = activity.conversation
    if conversation is None or not conversation.id or not activity.service_url:
        return None
    return {
        "channel_id": activity.channel_id,
        "service_url": activity.service_url,
        "conversation": {"id": conversation.id, "conversation_type": conversation.conversation_type,
                         "tenant_id": conversation.tenant_id},
        "bot": {"id": activity.recipient.id if activity.recipient else None},
    }


def to_reference(data: dict) -> ConversationReference:
    """A botbuilder ConversationReference from stored data."""
    conv = data["conversation"]
    return ConversationReference(
        channel_id=data.get("channel_id"),
        service_url=data["service_url"],
        conversation=ConversationAccount(id=conv["id"], conversation_type=conv.get("conversation_type"),
                                         tenant_id=conv.get("tenant_id")),
        bot=ChannelAccount(id=data.get("bot", {}).get("id")),
    )


class ReferenceStore:
    """Conversation references in DATA_DIR (sqlite), keyed by conversation id."""

    def __init__(self, path: Path):
        self._db = open_table(path, "references")
        # Conversations a coordinator has written from (for due-date notices) and notices already given.
        self._coordinators = open_table(path, "coordinator_conversations")
        self._notices = open_table(path, "notices")
        self._lock = asyncio.Lock()

    async def save(self, reference: dict) -> None:
        """Keep (or refresh) the reference of a conversation."""
        async with self._lock:
            await asyncio.to_thread(self._put, self._db, reference["conversation"]["id"], reference)

    async def remove(self, conversation_id: str) -> None:
        """Forget a conversation (uninstalled, or Teams says it is gone)."""
        async with self._lock:
            await asyncio.to_thread(self._remove, conversation_id)

    def _remove(self, conversation_id: str) -> None:
        if conversation_id in self._db:
            del self._db[conversation_id]
            self._db.commit()

    async def get(self, conversation_id: str) -> dict | None:
        return self._db.get(conversation_id)

    async def ids(self) -> list[str]:
        """Every stored conversation id."""
        return list(self._db.keys())

    async def count(self) -> int:
        return len(self._db)

    async def save_coordinator(self, reference: dict) -> None:
        async with self._lock:
            await asyncio.to_thread(self._put, self._coordinators, reference["conversation"]["id"], reference)

    async def coordinator_conversations(self) -> list[dict]:
        return list(self._coordinators.values())

    async def notice_given(self, key: str) -> bool:
        return key in self._notices

    async def mark_notice(self, key: str) -> None:
        async with self._lock:
            await asyncio.to_thread(self._put, self._notices, key, True)

    @staticmethod
    def _put(table: SqliteDict, key: str, value) -> None:
        if table.get(key) != value:
            table[key] = value
            table.commit()

    def close(self) -> None:
        self._coordinators.close()
        self._notices.close()
        self._db.close()


class BlobReferenceStore:
    """Conversation references in the shared blob container, one blob each, named by the conversation id's
    SHA-256; the id itself is in the blob (delivery needs it) and in its metadata (so listing gives the ids)."""

    def __init__(self, container: "BlobContainer"):
        self._container = container

    @staticmethod
    def _name(prefix: str, key: str) -> str:
        return f"{prefix}/{digest(key)}"

    async def _put(self, prefix: str, key: str, value) -> None:
        await self._container.write_json(self._name(prefix, key), value, metadata={"key": to_metadata(key)})

    async def save(self, reference: dict) -> None:
        """Keep (or refresh) the reference of a conversation."""
        await self._put("references", reference["conversation"]["id"], reference)

    async def remove(self, conversation_id: str) -> None:
        """Forget a conversation (uninstalled, or Teams says it is gone)."""
        await self._container.delete(self._name("references", conversation_id))

    async def get(self, conversation_id: str) -> dict | None:
        return await self._container.read_json(self._name("references", conversation_id))

    async def ids(self) -> list[str]:
        """Every stored conversation id (from the blobs' metadata: one listing, no downloads)."""
        return [from_metadata(item.metadata["key"])
                async for item in self._container.list("references/", metadata=True) if item.metadata]

    async def count(self) -> int:
        return sum([1 async for _ in self._container.list("references/")])

    async def save_coordinator(self, reference: dict) -> None:
        await self._put("coordinators", reference["conversation"]["id"], reference)

    async def coordinator_conversations(self) -> list[dict]:
        names = [item.name async for item in self._container.list("coordinators/")]
        found = await asyncio.gather(*(self._container.read_json(name) for name in names))
        return [reference for reference in found if reference is not None]

    async def notice_given(self, key: str) -> bool:
        return await self._container.exists(self._name("notices", key))

    async def mark_notice(self, key: str) -> None:
        try:
            await self._container.write_json(self._name("notices", key), True, create=True)
        except Conflict:
            pass  # given already

    def close(self) -> None:
        """Nothing to close: the container is closed by whoever opened it (bot/wiring.py)."""
