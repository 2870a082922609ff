"""sqlitedict tables that several processes write at once: gunicorn workers and `python -m bot` on one DATA_DIR.

SQLite itself is safe across processes when every write is its own short transaction and a writer waits for
another's lock instead of failing. Two sqlitedict defaults work against that: the rollback journal, where a
reader holding its lock makes another process's COMMIT fail (sqlitedict's thread dies on a failed COMMIT and
every later call hangs), and Python's 5-second busy wait. WAL lets readers and one writer work side by side;
the longer busy timeout lets a writer queue behind another process's transaction.

Switching a new file to WAL needs the file to itself, and when two processes open it at the same moment
(two workers starting on a fresh DATA_DIR) SQLite refuses one at once rather than wait (it would deadlock):
`ensure_wal` retries until the file is in WAL mode, after which opening it needs no such lock.
"""
from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from sqlitedict import SqliteDict

BUSY_TIMEOUT_SECONDS = 30
_RETRY_SECONDS = 0.05


def _locked(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def ensure_wal(path: Path) -> None:
    """Create the file if needed and put it in WAL mode (kept in the file), retrying while another opens it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            with closing(sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)) as conn:
                if conn.execute("PRAGMA journal_mode=WAL").fetchone()[0].lower() == "wal":
                    return
        except sqlite3.OperationalError as error:
            if not _locked(error) or time.monotonic() > deadline:
                raise
        time.sleep(_RETRY_SECONDS)


def open_table(path: Path, table: str) -> SqliteDict:
    """One table of a sqlite file in DATA_DIR; commit() ends each write transaction."""
    ensure_wal(path)
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            db = SqliteDict(str(path), tablename=table, autocommit=False, journal_mode="WAL", outer_stack=False)
            break
        except sqlite3.OperationalError as error:  # its CREATE TABLE met another process's
            if not _locked(error) or time.monotonic() > deadline:
                raise
            time.sleep(_RETRY_SECONDS)
    db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    return db
