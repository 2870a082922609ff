"""botbuilder `Storage` on sqlitedict, in DATA_DIR.

Keys are stored as SHA-256 digests: state is found by its key, and the file never holds a
conversation or user id in clear.
"""
from __future__ import annotations

import asyncio
import copy
import hashlib
import uuid
from pathlib import Path
from typing import Any, Dict, List

from botbuilder.core import Storage, StoreItem
from sqlitedict import SqliteDict


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _etag(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("e_tag")
    return getattr(value, "e_tag", None)


class SqliteStorage(Storage):
    """Persistent botbuilder storage; survives restarts; honours e_tag for optimistic concurrency."""

    def __init__(self, path: Path, table: str = "state"):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = SqliteDict(str(path), tablename=table, autocommit=False, outer_stack=False)
        self._lock = asyncio.Lock()

    async def read(self, keys: List[str]) -> Dict[str, Any]:
        if not keys:
            return {}
        return await asyncio.to_thread(self._read, list(keys))

    def _read(self, keys: List[str]) -> Dict[str, Any]:
        out = {}
        for key in keys:
            digest = _digest(key)
            if digest in self._db:
                out[key] = self._db[digest]
        return out

    async def write(self, changes: Dict[str, StoreItem]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        if not changes:
            return
        async with self._lock:
            await asyncio.to_thread(self._write, dict(changes))

    def _write(self, changes: Dict[str, Any]) -> None:
        for key, change in changes.items():
            digest = _digest(key)
            new_value = copy.deepcopy(change)
            new_etag = _etag(new_value)
            if new_etag == "":
                raise ValueError("storage.write(): etag missing")
            if digest in self._db and new_etag not in (None, "*"):
                old_etag = _etag(self._db[digest])
                if old_etag is not None and old_etag != new_etag:
                    raise KeyError("Etag conflict")
            if isinstance(new_value, dict):
                new_value["e_tag"] = uuid.uuid4().hex
            elif hasattr(new_value, "e_tag"):
                new_value.e_tag = uuid.uuid4().hex
            self._db[digest] = new_value
        self._db.commit()

    async def delete(self, keys: List[str]) -> None:
        async with self._lock:
            await asyncio.to_thread(self._delete, list(keys))

    def _delete(self, keys: List[str]) -> None:
        for key in keys:
            digest = _digest(key)
            if digest in self._db:
                del self._db[digest]
        self._db.commit()

    def close(self) -> None:
        """Flush and close the database file."""
        self._db.close()
