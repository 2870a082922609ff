"""The yearly reminder, delivered to every stored conversation exactly once per broadcast.

Delivery goes through the adapter's `continue_conversation` with the stored references, one send at a
time, spaced to stay under Teams' limit (`rate` sends per second, 50 by default). 429 is retried after
its Retry-After; 412/500/502/503/504 with exponential backoff and jitter; 403/404 are not retried: the
reference is removed and the conversation counted as unreachable. Each conversation's result is
persisted as soon as it is known, so a broadcast cut off by a crash resumes where it stopped: only the
one message in flight at the crash can be sent twice. A broadcast is delivered by one process at a time
(a lock in DATA_DIR/locks), whichever gunicorn worker or command line started or resumed it.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable

from botbuilder.core import BotAdapter, MessageFactory, TurnContext
from botbuilder.schema import Attachment
from .background import FileLock
from .references import ReferenceStore, to_reference
from .sqlite import open_table

logger = logging.getLogger(__name__)

RETRY_WITH_BACKOFF = frozenset({412, 500, 502, 503, 504})
GONE = frozenset({403, 404})
DEFAULT_RATE = 50.0
MAX_ATTEMPTS = 6


@dataclass
class Report:
    """What a broadcast achieved: how many got it, how many could not be reached, and why."""

    broadcast_id: str
    total: int
    sent: int = 0
    unreachable: dict[str, int] = field(default_factory=dict)
    finished: bool = False

    @property
    def unreachable_total(self) -> int:
        return sum(self.unreachable.values())


def _status_of(error: BaseException) -> tuple[int | None, float | None]:
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    retry_after = None
    headers = getattr(response, "headers", None) or {}
    raw = headers.get("Retry-After") if hasattr(headers, "get") else None
    if raw is not None:
        try:
            retry_after = float(raw)
        except ValueError:
            retry_after = None
    return status, retry_after


class Broadcaster:
    """Runs reminder broadcasts; progress lives in DATA_DIR (sqlite)."""

    def __init__(self, adapter: BotAdapter, references: ReferenceStore, path: Path, app_id: str,
                 rate: float = DEFAULT_RATE, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic, base_backoff: float = 0.5):
        self._adapter = adapter
        self._references = references
        self._app_id = app_id
        self._rate = rate
        self._sleep = sleep
        self._clock = clock
        self._base_backoff = base_backoff
        self._lock_dir = path.parent / "locks"
        self._broadcasts = open_table(path, "broadcasts")
        self._results = open_table(path, "deliveries")
        self._next_send = 0.0
        self.send_times: list[float] = []  # when each send attempt started (for the throttle's tests)

    def exists(self, broadcast_id: str) -> bool:
        return broadcast_id in self._broadcasts

    def create(self, broadcast_id: str, requested_by: dict | None = None) -> int:
        """Record a new broadcast to every conversation stored now; returns how many it will reach."""
        targets = self._references.ids()
        self._broadcasts[broadcast_id] = {
            "id": broadcast_id, "day": dt.date.today().isoformat(), "state": "running",
            "targets": targets, "requested_by": requested_by,
        }
        self._broadcasts.commit()
        return len(targets)

    def requested_by(self, broadcast_id: str) -> dict | None:
        return self._broadcasts[broadcast_id].get("requested_by")

    def unfinished(self) -> list[str]:
        """Broadcasts that were cut off (by a crash or a restart) before they finished."""
        return [key for key, record in self._broadcasts.items() if record["state"] == "running"]

    def latest(self) -> dict | None:
        records = sorted(self._broadcasts.values(), key=lambda r: r["day"])
        return records[-1] if records else None

    def report(self, broadcast_id: str) -> Report:
        """The report of a broadcast, from what is persisted."""
        record = self._broadcasts[broadcast_id]
        report = Report(broadcast_id, total=len(record["targets"]), finished=record["state"] == "done")
        for conversation_id in record["targets"]:
            outcome = self._results.get(f"{broadcast_id}|{conversation_id}")
            if outcome == "sent":
                report.sent += 1
            elif outcome is not None:
                report.unreachable[outcome] = report.unreachable.get(outcome, 0) + 1
        return report

    def _lock(self, broadcast_id: str) -> FileLock:
        # The id may come from a card's data: hashed, it is always a safe file name.
        name = hashlib.sha256(broadcast_id.encode("utf-8")).hexdigest()[:32]
        return FileLock(self._lock_dir / f"broadcast-{name}.lock")

    async def run(self, broadcast_id: str, make_card: Callable[[], Attachment]) -> Report | None:
        """Deliver the broadcast to every target that has no result yet; returns the report, or None when
        another process (or task) is delivering it right now."""
        lock = self._lock(broadcast_id)
        if not lock.try_acquire():
            logger.info("Broadcast %s is being delivered by another process", broadcast_id)
            return None
        try:
            return await self._run_locked(broadcast_id, make_card)
        finally:
            lock.release()

    async def _run_locked(self, broadcast_id: str, make_card: Callable[[], Attachment]) -> Report:
        record = self._broadcasts[broadcast_id]
        if record["state"] == "done":  # finished by another process since it was listed as unfinished
            return self.report(broadcast_id)
        if any(f"{broadcast_id}|{c}" in self._results for c in record["targets"]):
            logger.warning("Resuming broadcast %s, cut off before it finished", broadcast_id)
        for conversation_id in record["targets"]:
            key = f"{broadcast_id}|{conversation_id}"
            if key in self._results:
                continue  # delivered (or given up) before a restart
            outcome = await self._deliver(conversation_id, make_card)
            self._results[key] = outcome
            self._results.commit()
        record["state"] = "done"
        self._broadcasts[broadcast_id] = record
        self._broadcasts.commit()
        report = self.report(broadcast_id)
        logger.info("Broadcast %s finished: %d sent, %d unreachable", broadcast_id, report.sent,
                    report.unreachable_total)
        return report

    async def _throttle(self) -> None:
        now = self._clock()
        if now < self._next_send:
            await self._sleep(self._next_send - now)
            now = self._clock()
        self._next_send = now + 1.0 / self._rate
        self.send_times.append(now)

    async def _deliver(self, conversation_id: str, make_card: Callable[[], Attachment]) -> str:
        data = self._references.get(conversation_id)
        if data is None:
            return "removed"
        reference = to_reference(data)
        for attempt in range(MAX_ATTEMPTS):
            await self._throttle()
            error = await self._send_once(reference, make_card)
            if error is None:
                return "sent"
            status, retry_after = _status_of(error)
            if status in GONE:
                await self._references.remove(conversation_id)
                return f"http-{status}"
            if status == 429:
                await self._sleep(retry_after if retry_after is not None else 1.0)
            elif status in RETRY_WITH_BACKOFF or status is None:
                delay = self._base_backoff * 2 ** attempt
                await self._sleep(delay + random.uniform(0, delay / 2))
            else:
                return f"http-{status}"
        return "gave-up"

    async def _send_once(self, reference, make_card: Callable[[], Attachment]) -> BaseException | None:
        failure: list[BaseException] = []

        async def send(turn_context: TurnContext) -> None:
            # Caught here: the adapter would otherwise hand it to on_turn_error.
            try:
                await turn_context.send_activity(MessageFactory.attachment(make_card()))
            except Exception as exc:  # noqa: BLE001 - classified by HTTP status by the caller
                failure.append(exc)

        try:
            await self._adapter.continue_conversation(reference, send, self._app_id)
        except Exception as exc:  # noqa: BLE001
            failure.append(exc)
        return failure[0] if failure else None

    def close(self) -> None:
        self._broadcasts.close()
        self._results.close()
