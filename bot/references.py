"""Conversation references: one per conversation the bot is installed in, for proactive delivery.

Only what delivery needs is kept: channel, serviceUrl, the conversation (id, type, tenant) and the
bot's own id. No user, no names. A reference is removed on uninstall and when Teams answers 403/404.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, ConversationReference
from sqlitedict import SqliteDict

from .sqlite import open_table


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

    def get(self, conversation_id: str) -> dict | None:
        return self._db.get(conversation_id)

    def ids(self) -> list[str]:
        """Every stored conversation id."""
        return list(self._db.keys())

    def __len__(self) -> int:
        return len(self._db)

    async def save_coordinator(self, reference: dict) -> None:
        async with self._lock:
            await asyncio.to_thread(self._put, self._coordinators, reference["conversation"]["id"], reference)

    def coordinator_conversations(self) -> list[dict]:
        return list(self._coordinators.values())

    def notice_given(self, key: str) -> bool:
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
