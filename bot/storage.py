"""botbuilder `Storage`: on SQLite in DATA_DIR (one machine), or in the shared blob container (past one instance).

Keys are stored as SHA-256 digests: state is found by its key, and the file never holds a
conversation or user id in clear. Several processes (gunicorn workers) share the file: each write
checks e_tags and writes inside one IMMEDIATE transaction, so when two workers write the same
conversation's state at once, one of them gets the e_tag conflict instead of both winning.
The table layout and encoding are sqlitedict's (key TEXT, pickled value), so older files still open.
"""
from __future__ import annotations

import asyncio
import copy
import hashlib
import pickle
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List

import jsonpickle
from botbuilder.core import Storage, StoreItem

from .blob import Conflict
from .sqlite import BUSY_TIMEOUT_SECONDS, ensure_wal

if TYPE_CHECKING:
    from .blob import BlobContainer


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _etag(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("e_tag")
    return getattr(value, "e_tag", None)


class SqliteStorage(Storage):
    """Persistent botbuilder storage; survives restarts; honours e_tag for optimistic concurrency."""

    def __init__(self, path: Path, table: str = "state"):
        if not table.isidentifier():
            raise ValueError(f"table name must be an identifier, not {table!r}")
        ensure_wal(path)
        self._table = table
        # isolation_level=None: transactions are begun and ended here, explicitly.
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None,
                                     timeout=BUSY_TIMEOUT_SECONDS)
        self._conn_lock = threading.Lock()
        self._lock = asyncio.Lock()
        with self._conn_lock:
            self._conn.execute(f'CREATE TABLE IF NOT EXISTS "{table}" (key TEXT PRIMARY KEY, value BLOB)')

    async def read(self, keys: List[str]) -> Dict[str, Any]:
        if not keys:
            return {}
        return await asyncio.to_thread(self._read, list(keys))

    def _get(self, digest: str) -> tuple[bool, Any]:
        row = self._conn.execute(f'SELECT value FROM "{self._table}" WHERE key = ?', (digest,)).fetchone()
        return (False, None) if row is None else (True, pickle.loads(bytes(row[0])))

    def _read(self, keys: List[str]) -> Dict[str, Any]:
        out = {}
        with self._conn_lock:
            for key in keys:
                found, value = self._get(_digest(key))
                if found:
                    out[key] = value
        return out

    async def write(self, changes: Dict[str, StoreItem]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        if not changes:
            return
        async with self._lock:
            await asyncio.to_thread(self._write, dict(changes))

    def _write(self, changes: Dict[str, Any]) -> None:
        with self._conn_lock:
            # The e_tag check and the write are one transaction, atomic across processes.
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for key, change in changes.items():
                    self._write_one(_digest(key), change)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _write_one(self, digest: str, change: Any) -> None:
        new_value = copy.deepcopy(change)
        new_etag = _etag(new_value)
        if new_etag == "":
            raise ValueError("storage.write(): etag missing")
        found, old_value = self._get(digest)
        if found and new_etag not in (None, "*"):
            old_etag = _etag(old_value)
            if old_etag is not None and old_etag != new_etag:
                raise KeyError("Etag conflict")
        if isinstance(new_value, dict):
            new_value["e_tag"] = uuid.uuid4().hex
        elif hasattr(new_value, "e_tag"):
            new_value.e_tag = uuid.uuid4().hex
        self._conn.execute(f'REPLACE INTO "{self._table}" (key, value) VALUES (?, ?)',
                           (digest, sqlite3.Binary(pickle.dumps(new_value, protocol=pickle.HIGHEST_PROTOCOL))))

    async def delete(self, keys: List[str]) -> None:
        async with self._lock:
            await asyncio.to_thread(self._delete, list(keys))

    def _delete(self, keys: List[str]) -> None:
        with self._conn_lock:
            self._conn.executemany(f'DELETE FROM "{self._table}" WHERE key = ?', [(_digest(k),) for k in keys])

    def close(self) -> None:
        """Close the database file (every write is already committed)."""
        with self._conn_lock:
            self._conn.close()


class BlobStateStorage(Storage):
    """botbuilder storage in the shared blob container: one blob per key (`state/<SHA-256 of the key>`).

    The e_tag an item carries is its blob's eTag. A write with one succeeds only while the blob still has it,
    so of two instances writing the same conversation's state at once one gets the conflict (KeyError, as
    botbuilder's MemoryStorage raises) and the other's update stands. Without an e_tag, or with "*", a write
    overwrites, by botbuilder's Storage contract. Items are encoded with jsonpickle, as botbuilder-azure's
    BlobStorage does (dialog state holds botbuilder objects).
    """

    PREFIX = "state/"

    def __init__(self, container: "BlobContainer"):
        self._container = container

    def _name(self, key: str) -> str:
        return self.PREFIX + _digest(key)

    async def read(self, keys: List[str]) -> Dict[str, Any]:
        if not keys:
            return {}
        found = await asyncio.gather(*(self._container.read(self._name(key)) for key in keys))
        out = {}
        for key, item in zip(keys, found):
            if item is None:
                continue
            value = jsonpickle.decode(item[0].decode("utf-8"))
            if isinstance(value, dict):
                value["e_tag"] = item[1]
            elif hasattr(value, "e_tag"):
                value.e_tag = item[1]
            out[key] = value
        return out

    async def write(self, changes: Dict[str, StoreItem]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        for key, change in changes.items():
            etag = _etag(change)
            if etag == "":
                raise ValueError("storage.write(): etag missing")
            value = copy.copy(change)
            if isinstance(value, dict):
                value.pop("e_tag", None)
            try:
                await self._container.write(self._name(key), jsonpickle.encode(value).encode("utf-8"),
                                            etag=None if etag in (None, "*") else etag)
            except Conflict as error:
                raise KeyError("Etag conflict") from error

    async def delete(self, keys: List[str]) -> None:
        await asyncio.gather(*(self._container.delete(self._name(key)) for key in keys))

    def close(self) -> None:
        """Nothing to close: the container is closed by whoever opened it (bot/wiring.py)."""
