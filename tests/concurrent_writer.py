"""One of several processes writing to the same DATA_DIR at once (tests/test_shared_data_dir.py).

    python -m tests.concurrent_writer DATA_DIR NAME COUNT START_AT

Waits until the wall clock reaches START_AT, so every writer opens the stores and starts together, then writes
COUNT items of its own to each store and increments one shared counter COUNT times through the conversation-state storage.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time
from pathlib import Path

from bot.broadcast import Broadcaster
from bot.references import ReferenceStore
from bot.storage import SqliteStorage
from bot.usage import SqliteUsageLog, UsageEvent

COUNTER = "shared-counter"


async def increment(storage: SqliteStorage) -> int:
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
    storage = SqliteStorage(data_dir / "state.sqlite")
    references = ReferenceStore(data_dir / "references.sqlite")
    usage = SqliteUsageLog(data_dir / "usage.sqlite")
    broadcaster = Broadcaster(None, references, data_dir / "broadcasts.sqlite", "")
    conflicts = 0
    for i in range(count):
        key = f"{name}-{i}"
        await storage.write({key: {"value": i}})
        await references.save({"channel_id": "msteams", "service_url": "http://x",
                                "conversation": {"id": key, "conversation_type": "personal", "tenant_id": "t"},
                                "bot": {"id": "b"}})
        usage.record(UsageEvent("answered", key, "high", "holstebro", "personal", dt.date.today()))
        broadcaster._results[f"b|{key}"] = "sent"
        broadcaster._results.commit()
        conflicts += await increment(storage)
    print(f"conflicts {conflicts}")
    broadcaster.close()
    references.close()
    usage.close()
    storage.close()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))
