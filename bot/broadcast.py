"""The yearly reminder, delivered to every stored conversation exactly once per broadcast.

Delivery goes through the adapter's `continue_conversation` with the stored references, one send at a
time, spaced to stay under Teams' limit (`rate` sends per second, 50 by default). 429 is retried after
its Retry-After; 412/500/502/503/504 with exponential backoff and jitter; 403/404 are not retried: the
reference is removed and the conversation counted as unreachable. Each conversation's result is
persisted before the next send, so a broadcast cut off by a crash resumes where it stopped: only the
one message in flight at the crash can be sent twice.

A broadcast is delivered by one process at a time, whichever gunicorn worker, instance or command line
started or resumed it. Its progress lives in DATA_DIR with a file lock (`SqliteProgress`), or in the shared
blob container with a blob lease (`BlobProgress`): there every result is appended under the lease, so an
instance that lost it (the store was out of reach longer than the lease) cannot record another result and
stops, and a dead sender's broadcast is free for another instance to resume 15 seconds after it died.
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
from typing import TYPE_CHECKING, Awaitable, Callable, Protocol

from azure.core.exceptions import HttpResponseError
from botbuilder.core import BotAdapter, MessageFactory, TurnContext
from botbuilder.schema import Attachment

from .background import FileLock, Lease, LocalLease
from .blob import BlobLease, Conflict, digest, from_metadata, to_metadata
from .references import to_reference
from .sqlite import open_table

if TYPE_CHECKING:
    from .blob import BlobContainer

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


class LeaseLost(Exception):
    """The broadcast's lease ran out while this process held it: another may be delivering it now."""


class Progress(Protocol):
    """Where broadcasts and each conversation's result are kept, and the lock that makes one sender."""

    def lock(self, broadcast_id: str) -> Lease: ...
    async def exists(self, broadcast_id: str) -> bool: ...
    async def create(self, broadcast_id: str, record: dict) -> bool: ...
    async def get(self, broadcast_id: str) -> dict: ...
    async def summaries(self) -> list[dict]: ...
    async def results(self, record: dict) -> dict[str, str]: ...
    async def set_result(self, record: dict, conversation_id: str, outcome: str, lease: Lease) -> None: ...
    async def finish(self, record: dict, lease: Lease) -> None: ...
    def close(self) -> None: ...


class SqliteProgress:
    """Broadcasts in DATA_DIR/broadcasts.sqlite; one file lock per broadcast in DATA_DIR/locks."""

    def __init__(self, path: Path):
        self._lock_dir = path.parent / "locks"
        self._broadcasts = open_table(path, "broadcasts")
        self._results = open_table(path, "deliveries")

    def lock(self, broadcast_id: str) -> Lease:
        # The id may come from a card's data: hashed, it is always a safe file name.
        name = hashlib.sha256(broadcast_id.encode("utf-8")).hexdigest()[:32]
        return LocalLease(FileLock(self._lock_dir / f"broadcast-{name}.lock"))

    async def exists(self, broadcast_id: str) -> bool:
        return broadcast_id in self._broadcasts

    async def create(self, broadcast_id: str, record: dict) -> bool:
        if broadcast_id in self._broadcasts:
            return False
        self._broadcasts[broadcast_id] = record
        self._broadcasts.commit()
        return True

    async def get(self, broadcast_id: str) -> dict:
        return self._broadcasts[broadcast_id]

    async def summaries(self) -> list[dict]:
        return [{"id": r["id"], "day": r["day"], "state": r["state"]} for r in self._broadcasts.values()]

    async def results(self, record: dict) -> dict[str, str]:
        found = {}
        for conversation_id in record["targets"]:
            outcome = self._results.get(f"{record['id']}|{conversation_id}")
            if outcome is not None:
                found[conversation_id] = outcome
        return found

    async def set_result(self, record: dict, conversation_id: str, outcome: str, lease: Lease) -> None:
        self._results[f"{record['id']}|{conversation_id}"] = outcome
        self._results.commit()

    async def finish(self, record: dict, lease: Lease) -> None:
        self._broadcasts[record["id"]] = {**record, "state": "done"}
        self._broadcasts.commit()

    def close(self) -> None:
        self._broadcasts.close()
        self._results.close()


class BlobProgress:
    """Broadcasts in the shared blob container.

    `broadcasts/<digest>.json` holds the record (its state and day also as metadata, so one listing finds the
    unfinished); `broadcasts/<digest>.progress` is an append blob of one line per result, the target's index
    and the outcome, appended under the blob lease that makes its holder the one sender.
    """

    def __init__(self, container: "BlobContainer"):
        self._container = container

    @staticmethod
    def _name(broadcast_id: str) -> str:
        return f"broadcasts/{digest(broadcast_id)[:32]}"

    def lock(self, broadcast_id: str) -> Lease:
        return BlobLease(self._container, self._name(broadcast_id) + ".progress")

    async def exists(self, broadcast_id: str) -> bool:
        return await self._container.exists(self._name(broadcast_id) + ".json")

    @staticmethod
    def _metadata(record: dict) -> dict[str, str]:
        return {"id": to_metadata(record["id"]), "day": record["day"], "state": record["state"]}

    async def create(self, broadcast_id: str, record: dict) -> bool:
        await self._container.create_append_blob(self._name(broadcast_id) + ".progress")
        try:
            await self._container.write_json(self._name(broadcast_id) + ".json", record, create=True,
                                             metadata=self._metadata(record))
        except Conflict:
            return False  # the same Send pressed twice, on two instances at once
        return True

    async def get(self, broadcast_id: str) -> dict:
        record = await self._container.read_json(self._name(broadcast_id) + ".json")
        if record is None:
            raise KeyError(broadcast_id)
        return record

    async def summaries(self) -> list[dict]:
        return [{"id": from_metadata(item.metadata["id"]), "day": item.metadata["day"],
                 "state": item.metadata["state"]}
                async for item in self._container.list("broadcasts/", metadata=True)
                if item.name.endswith(".json") and item.metadata]

    async def results(self, record: dict) -> dict[str, str]:
        found = await self._container.read(self._name(record["id"]) + ".progress")
        targets = record["targets"]
        out = {}
        for line in (found[0].decode("utf-8").splitlines() if found else []):
            index, _, outcome = line.partition("\t")
            if index.isdigit() and int(index) < len(targets):
                out[targets[int(index)]] = outcome
        return out

    async def _append(self, record: dict, line: str, lease: Lease) -> None:
        try:
            await self._container.blob(self._name(record["id"]) + ".progress").append_block(
                (line + "\n").encode("utf-8"), lease=lease.id)
        except HttpResponseError as error:
            if error.status_code == 412:  # the lease is another's now
                raise LeaseLost(record["id"]) from error
            raise

    async def set_result(self, record: dict, conversation_id: str, outcome: str, lease: Lease) -> None:
        index = record.setdefault("_index", {c: i for i, c in enumerate(record["targets"])})[conversation_id]
        await self._append(record, f"{index}\t{outcome}", lease)

    async def finish(self, record: dict, lease: Lease) -> None:
        await self._append(record, "done", lease)  # still the holder: nobody else finishes it
        done = {k: v for k, v in record.items() if k != "_index"} | {"state": "done"}
        await self._container.write_json(self._name(record["id"]) + ".json", done, metadata=self._metadata(done))

    def close(self) -> None:
        """Nothing to close: the container is closed by whoever opened it (bot/wiring.py)."""


class Broadcaster:
    """Runs reminder broadcasts; their progress is kept by `progress` (sqlite or the shared blob container)."""

    def __init__(self, adapter: BotAdapter, references, progress: Progress, app_id: str,
                 rate: float = DEFAULT_RATE, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic, base_backoff: float = 0.5):
        self._adapter = adapter
        self._references = references
        self.progress = progress
        self._app_id = app_id
        self._rate = rate
        self._sleep = sleep
        self._clock = clock
        self._base_backoff = base_backoff
        self._next_send = 0.0
        self.send_times: list[float] = []  # when each send attempt started (for the throttle's tests)

    async def exists(self, broadcast_id: str) -> bool:
        return await self.progress.exists(broadcast_id)

    async def create(self, broadcast_id: str, requested_by: dict | None = None) -> int | None:
        """Record a new broadcast to every conversation stored now; returns how many it will reach, or None
        when a broadcast with this id exists already."""
        targets = await self._references.ids()
        record = {"id": broadcast_id, "day": dt.date.today().isoformat(), "state": "running",
                  "targets": targets, "requested_by": requested_by}
        return len(targets) if await self.progress.create(broadcast_id, record) else None

    async def requested_by(self, broadcast_id: str) -> dict | None:
        return (await self.progress.get(broadcast_id)).get("requested_by")

    async def unfinished(self) -> list[str]:
        """Broadcasts that were cut off (by a crash or a restart) before they finished."""
        return [s["id"] for s in await self.progress.summaries() if s["state"] == "running"]

    async def latest(self) -> dict | None:
        records = sorted(await self.progress.summaries(), key=lambda r: r["day"])
        return records[-1] if records else None

    async def report(self, broadcast_id: str, record: dict | None = None) -> Report:
        """The report of a broadcast, from what is persisted."""
        record = record or await self.progress.get(broadcast_id)
        report = Report(broadcast_id, total=len(record["targets"]), finished=record["state"] == "done")
        for outcome in (await self.progress.results(record)).values():
            if outcome == "sent":
                report.sent += 1
            else:
                report.unreachable[outcome] = report.unreachable.get(outcome, 0) + 1
        return report

    async def run(self, broadcast_id: str, make_card: Callable[[], Attachment]) -> Report | None:
        """Deliver the broadcast to every target that has no result yet; returns the report, or None when
        another process (or task, or instance) is delivering it."""
        lease = self.progress.lock(broadcast_id)
        if not await lease.acquire():
            logger.info("Broadcast %s is being delivered by another process", broadcast_id)
            return None
        try:
            return await self._run_locked(broadcast_id, make_card, lease)
        except LeaseLost:
            logger.warning("Broadcast %s: lost its lease (the store was out of reach); another instance "
                           "resumes it", broadcast_id)
            return None
        finally:
            await lease.release()

    async def _run_locked(self, broadcast_id: str, make_card: Callable[[], Attachment], lease: Lease) -> Report:
        record = await self.progress.get(broadcast_id)
        if record["state"] == "done":  # finished by another process since it was listed as unfinished
            return await self.report(broadcast_id, record)
        done = await self.progress.results(record)
        if done:
            logger.warning("Resuming broadcast %s, cut off before it finished", broadcast_id)
        for conversation_id in record["targets"]:
            if conversation_id in done:
                continue  # delivered (or given up) before a restart
            if lease.lost:
                raise LeaseLost(broadcast_id)
            outcome = await self._deliver(conversation_id, make_card)
            await self.progress.set_result(record, conversation_id, outcome, lease)
        await self.progress.finish(record, lease)
        report = await self.report(broadcast_id)
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
        data = await self._references.get(conversation_id)
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
        self.progress.close()
