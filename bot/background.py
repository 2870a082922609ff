"""Background work that must run once per data store, not once per process.

Gunicorn runs several workers on one DATA_DIR, and `python -m bot reminder send` may run beside them.
An exclusive lock on a file in DATA_DIR decides who does what: one worker holds `background.lock` and runs
the daily jobs (notices, retention) and resumes cut-off broadcasts; the others try again every
`retry_seconds` and take over when the holder dies (the operating system releases a dead process's locks).
Each broadcast also holds a lock of its own while it is delivered, so no two processes deliver it at once.

Past one instance (the shared blob container) each instance has its own DATA_DIR and so runs its own
background work; what must happen once is decided by blob leases there (bot/blob.py), behind the same `Lease`.
"""
from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from pathlib import Path
from typing import Awaitable, Callable, Protocol

logger = logging.getLogger(__name__)

DAY_SECONDS = 24 * 60 * 60
RETRY_SECONDS = 30.0


class FileLock:
    """An exclusive, non-blocking flock on one file; flock locks also exclude other descriptors of this process."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; True when this object holds it now."""
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class Lease(Protocol):
    """An exclusive right to do one job, held by one process of all that share the store."""

    @property
    def id(self) -> str | None: ...
    @property
    def lost(self) -> bool: ...
    async def acquire(self) -> bool: ...
    async def release(self) -> None: ...


class LocalLease:
    """A FileLock as a Lease: one process of those on this DATA_DIR; never lost while the process lives."""

    id = None

    def __init__(self, lock: FileLock):
        self._lock = lock

    @property
    def lost(self) -> bool:
        return not self._lock.held

    async def acquire(self) -> bool:
        return self._lock.try_acquire()

    async def release(self) -> None:
        self._lock.release()


Job = Callable[[], Awaitable[None]]


async def _run_logged(job: Job, what: str) -> None:
    try:
        await job()
    except Exception:  # noqa: BLE001 - one failing job must not stop the others or the loop
        logger.exception("%s failed", what)


async def run_once_per_data_store(lock: FileLock, *, on_every_check: Job, daily: list[Job],
                                  retry_seconds: float = RETRY_SECONDS, day_seconds: float = DAY_SECONDS) -> None:
    """Until cancelled: wait to hold `lock`; then run `on_every_check` every `retry_seconds` and `daily` once a day.

    `on_every_check` resumes broadcasts nobody is delivering (a worker that died mid-broadcast leaves one).
    """
    loop = asyncio.get_running_loop()
    next_daily = 0.0
    try:
        while True:
            if lock.try_acquire():
                if next_daily == 0.0:
                    logger.info("This process (pid %d) runs the background work for %s", os.getpid(),
                                lock.path.parent)
                await _run_logged(on_every_check, "Resuming broadcasts")
                if loop.time() >= next_daily:
                    next_daily = loop.time() + day_seconds
                    for job in daily:
                        await _run_logged(job, "Daily job")
            await asyncio.sleep(retry_seconds)
    finally:
        lock.release()
