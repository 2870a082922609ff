"""One of several processes writing to the same store at once (tests/test_shared_data_dir.py, and
tests/test_azure_storage.py with AZURE_STORAGE_CONNECTION_STRING set: instances on one blob container).

    python -m tests.concurrent_writer DATA_DIR NAME COUNT START_AT

Waits until the wall clock reaches START_AT, so every writer opens the stores and starts together, then writes
COUNT items of its own to each store and increments one shared counter COUNT times through the conversation-state storage.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import time
from pathlib import Path

from botbuilder.core import Storage

from bot.settings import Settings
from bot.usage import UsageEvent
from bot.wiring import open_stores

COUNTER = "shared-counter"


async def increment(storage: Storage) -> int:
    """Read, add one, write back with the e_tag read; retried on a conflict. Returns the conflicts seen."""
    conflicts = 0
    while True:
        # The test creates the counter first: an item written without an e_tag (or with "*") overwrites
        # whatever is there, by botbuilder's Storage contract, so only updates are raced here.
        item = (await storage.read([COUNTER]))[COUNTER]
        try:
            await storage.write({COUNTER: {**item, "count": item["count"] + 1}})
            return conflicts
        except KeyError:
            conflicts += 1


async def main(data_dir: Path, name: str, count: int, start_at: float) -> None:
    # Opening at the same moment is part of the race: two workers start together on a fresh DATA_DIR.
    time.sleep(max(0.0, start_at - time.time()))
    settings = Settings.from_env({**os.environ, "DATA_DIR": str(data_dir)})
    stores = await open_stores(settings)
    # Broadcast results are raced only in DATA_DIR: in the blob container one lease holder writes them.
    record = {"id": "b", "targets": []}
    conflicts = 0
    for i in range(count):
        key = f"{name}-{i}"
        await stores.state.write({key: {"value": i}})
        await stores.references.save({"channel_id": "msteams", "service_url": "http://x",
                                      "conversation": {"id": key, "conversation_type": "personal", "tenant_id": "t"},
                                      "bot": {"id": "b"}})
        stores.usage.record(UsageEvent("answered", key, "high", "holstebro", "personal", dt.date.today()))
        if not settings.shared_store:
            await stores.progress.set_result(record, key, "sent", None)
        conflicts += await increment(stores.state)
    print(f"conflicts {conflicts}")
    await stores.close()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
