"""sqlitedict tables that several processes write at once: gunicorn workers and `python -m bot` on one DATA_DIR.

SQLite itself is safe across processes when every write is its own short transaction and a writer waits for
another's lock instead of failing. Two sqlitedict defaults work against that: the rollback journal, where a
reader holding its lock makes another process's COMMIT fail (sqlitedict's thread dies on a failed COMMIT and
every later call hangs), and Python's 5-second busy wait. WAL lets readers and one writer work side by side;
the longer busy timeout lets a writer queue behind another process's transaction.
"""
from __future__ import annotations

from pathlib import Path

from sqlitedict import SqliteDict

BUSY_TIMEOUT_SECONDS = 30


def open_table(path: Path, table: str) -> SqliteDict:
    """One table of a sqlite file in DATA_DIR; commit() ends each write transaction."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = SqliteDict(str(path), tablename=table, autocommit=False, journal_mode="WAL", outer_stack=False)
    db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    return db
