"""Conversation state in DATA_DIR (sqlitedict), and the typing indicator before slow work."""
from __future__ import annotations

import asyncio

import pytest

from app import STORAGE, create_app
from bot.storage import SqliteStorage
from tests.fakes import message


async def test_storage_round_trip_survives_reopening(tmp_path):
    path = tmp_path / "state.sqlite"
    storage = SqliteStorage(path)
    await storage.write({"msteams/conversations/abc": {"last_topic": "tegn"}})
    storage.close()
    reopened = SqliteStorage(path)
    data = await reopened.read(["msteams/conversations/abc", "missing"])
    assert data["msteams/conversations/abc"]["last_topic"] == "tegn"
    assert "missing" not in data
    await reopened.delete(["msteams/conversations/abc"])
    assert await reopened.read(["msteams/conversations/abc"]) == {}
    reopened.close()


async def test_stale_etag_is_refused(tmp_path):
    storage = SqliteStorage(tmp_path / "s.sqlite")
    await storage.write({"k": {"v": 1}})
    current = (await storage.read(["k"]))["k"]
    await storage.write({"k": {**current, "v": 2}})
    with pytest.raises(KeyError):
        await storage.write({"k": {**current, "v": 3}})
    await storage.write({"k": {"v": 4, "e_tag": "*"}})
    assert (await storage.read(["k"]))["k"]["v"] == 4
    storage.close()


async def test_state_file_holds_no_conversation_id(ask, settings):
    await ask("Jeg er bekymret for et barn", conversation="19:secret-conversation-id@thread.v2")
    raw = (settings.data_dir / "state.sqlite").read_bytes()
    assert b"secret-conversation-id" not in raw


async def test_typing_indicator_comes_before_a_slow_answer(client, connector, monkeypatch):
    original = SqliteStorage.read

    async def slow_read(self, keys):
        await asyncio.sleep(0.8)
        return await original(self, keys)
    monkeypatch.setattr(SqliteStorage, "read", slow_read)
    await client.post("/api/messages", json=message("Hvad er negativ social kontrol?", connector.url, "slow"))
    kinds = [a["type"] for a in connector.sent if a["_conversation"] == "slow"]
    assert kinds[0] == "typing" and "message" in kinds


async def test_fast_answer_sends_no_typing_indicator(ask, connector):
    await ask("Hvad er negativ social kontrol?", conversation="fast")
    assert [a["type"] for a in connector.sent if a["_conversation"] == "fast"] == ["message"]
