"""Anonymous usage statistics: what is asked, what is missing, which flows end where - never who or what.

An event holds only its kind, the topic/flow/outcome id, a confidence band, the plan, the conversation
scope and the day. Never message text, names, user, conversation, tenant or AAD ids, IP addresses.
`UsageLog` is the one small interface; `SqliteUsageLog` keeps events in DATA_DIR, `BlobUsageLog` in the
shared blob container, where the events of every instance are counted together.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import sqlite3
import threading
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Literal, Protocol

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from .sqlite import BUSY_TIMEOUT_SECONDS, ensure_wal

if TYPE_CHECKING:
    from .blob import BlobContainer

logger = logging.getLogger(__name__)

EventKind = Literal["answered", "not_answered", "did_you_mean", "flow_started", "flow_finished",
                    "flow_abandoned", "feedback", "reminder_sent"]
KINDS: tuple[str, ...] = EventKind.__args__  # type: ignore[attr-defined]
SCOPES = ("personal", "channel", "groupChat")
SUPPRESS_BELOW = 5


@dataclass(frozen=True)
class UsageEvent:
    kind: str
    item: str | None  # a topic, flow, "flow:outcome" id, or a vote ("up"/"down")
    band: str | None  # "high" / "medium" / "low" confidence, or None
    plan: str
    scope: str
    day: dt.date

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown usage event kind {self.kind!r}")
        if self.scope not in SCOPES:
            object.__setattr__(self, "scope", "personal")


class UsageLog(Protocol):
    def record(self, event: UsageEvent) -> None: ...
    async def events(self, since: dt.date | None = None) -> list[UsageEvent]: ...
    async def purge(self, before: dt.date) -> int: ...


def scope_of(conversation_type: str | None) -> str:
    """Teams' conversationType as one of personal, channel, groupChat."""
    return conversation_type if conversation_type in SCOPES else "personal"


class SqliteUsageLog:
    """Usage events in DATA_DIR/usage.sqlite."""

    def __init__(self, path: Path):
        ensure_wal(path)
        # Every record is its own transaction; another process's (a second gunicorn worker's) is waited for.
        self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=BUSY_TIMEOUT_SECONDS)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("CREATE TABLE IF NOT EXISTS events (day TEXT NOT NULL, kind TEXT NOT NULL, "
                               "item TEXT, band TEXT, plan TEXT NOT NULL, scope TEXT NOT NULL)")
            self._conn.execute("CREATE INDEX IF NOT EXISTS events_day ON events(day)")
            self._conn.commit()

    def record(self, event: UsageEvent) -> None:
        with self._lock:
            self._conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)",
                               (event.day.isoformat(), event.kind, event.item, event.band, event.plan, event.scope))
            self._conn.commit()

    async def events(self, since: dt.date | None = None) -> list[UsageEvent]:
        with self._lock:
            rows = self._conn.execute("SELECT day, kind, item, band, plan, scope FROM events WHERE day >= ?",
                                      ((since or dt.date.min).isoformat(),)).fetchall()
        return [UsageEvent(kind, item, band, plan, scope, dt.date.fromisoformat(day))
                for day, kind, item, band, plan, scope in rows]

    async def purge(self, before: dt.date) -> int:
        """Delete events older than `before` (retention); returns how many."""
        with self._lock:
            cursor = self._conn.execute("DELETE FROM events WHERE day < ?", (before.isoformat(),))
            self._conn.commit()
            # Freed pages are overwritten, not left in the file.
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return cursor.rowcount

    async def flush(self) -> None:
        """Every event is written when recorded."""

    def close(self) -> None:
        with self._lock:
            self._conn.close()


# An append blob takes 50,000 appends; a day's events of one process roll over to a new part before that.
_PART_APPENDS = 40_000
# Events kept in memory while the store is out of reach, at most (then the oldest are dropped, and logged).
_MAX_PENDING = 10_000


class BlobUsageLog:
    """Usage events in the shared blob container: `usage/<day>/<process>-<part>.jsonl`, one JSON line an event.

    Every instance appends to its own blobs, and statistics read them all, so the instances count together.
    `record` never waits for the store: events are appended in the background, a batch at a time, and kept
    in memory while the store is out of reach; a process killed outright loses the events of its last moment.
    Retention deletes whole days, as the sqlite log deletes by day.
    """

    def __init__(self, container: "BlobContainer"):
        self._container = container
        self._process = uuid.uuid4().hex[:16]  # random: names the blob, never a person
        self._pending: list[UsageEvent] = []
        self._flushing: asyncio.Task | None = None
        self._parts: dict[str, tuple[int, int]] = {}  # day -> (part, appends made to it)

    def record(self, event: UsageEvent) -> None:
        self._pending.append(event)
        if len(self._pending) > _MAX_PENDING:
            del self._pending[0]
            logger.warning("Usage events dropped: the store has been out of reach for a while")
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            by_day: dict[str, list[str]] = {}
            for e in batch:
                by_day.setdefault(e.day.isoformat(), []).append(json.dumps(
                    [e.kind, e.item, e.band, e.plan, e.scope], ensure_ascii=False))
            try:
                for day, lines in by_day.items():
                    await self._append(day, ("\n".join(lines) + "\n").encode("utf-8"))
            except Exception as error:  # noqa: BLE001 - statistics must never fail a turn
                logger.warning("Could not write usage events (kept for later): %s", type(error).__name__)
                self._pending[:0] = batch
                return

    async def _append(self, day: str, data: bytes) -> None:
        part, appends = self._parts.get(day, (0, 0))
        if appends >= _PART_APPENDS:
            part, appends = part + 1, 0
        blob = self._container.blob(f"usage/{day}/{self._process}-{part}.jsonl")
        try:
            await blob.append_block(data)
        except ResourceNotFoundError:
            await self._container.create_append_blob(blob.blob_name)
            await blob.append_block(data)
        except HttpResponseError as error:
            if error.error_code != "BlockCountExceedsLimit":
                raise
            self._parts[day] = (part + 1, 0)
            await self._append(day, data)
            return
        self._parts[day] = (part, appends + 1)

    async def flush(self) -> None:
        """Write what is pending now (before statistics are read, and at shutdown)."""
        if self._flushing is not None:
            await asyncio.gather(self._flushing, return_exceptions=True)
        if self._pending:
            await self._flush()

    async def _days(self) -> dict[str, list[str]]:
        days: dict[str, list[str]] = {}
        async for item in self._container.list("usage/"):
            days.setdefault(item.name.split("/")[1], []).append(item.name)
        return days

    async def events(self, since: dt.date | None = None) -> list[UsageEvent]:
        await self.flush()
        names = [name for day, blobs in (await self._days()).items()
                 if day >= (since or dt.date.min).isoformat() for name in blobs]
        found = await asyncio.gather(*(self._container.read(name) for name in names))
        events = []
        for name, item in zip(names, found):
            day = dt.date.fromisoformat(name.split("/")[1])
            for line in (item[0].decode("utf-8").splitlines() if item else []):
                kind, item_id, band, plan, scope = json.loads(line)
                events.append(UsageEvent(kind, item_id, band, plan, scope, day))
        return events

    async def purge(self, before: dt.date) -> int:
        """Delete the days before `before` (retention); returns how many events they held."""
        removed = 0
        for day, names in (await self._days()).items():
            if day < before.isoformat():
                for name in names:
                    found = await self._container.read(name)
                    removed += len(found[0].splitlines()) if found else 0
                    await self._container.delete(name)
        return removed

    def close(self) -> None:
        """Nothing to close: `flush` writes what is pending, the container is closed by bot/wiring.py."""


def months_ago(today: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (clamped to the month's last day)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def shown(count: int) -> str:
    """A count as shown to people: under 5 is '<5', so no small group can be singled out."""
    return "<5" if count < SUPPRESS_BELOW else str(count)


@dataclass(frozen=True)
class Aggregates:
    """What the statistics card and the CSV export show (raw counts; `shown` suppresses small ones)."""

    questions_per_week: list[tuple[str, int]]
    top_topics: list[tuple[str, int]]
    answered: int
    not_answered: int
    flows_started: list[tuple[str, int]]
    flows_finished: list[tuple[str, int]]
    feedback: list[tuple[str, int]]
    period: tuple[dt.date, dt.date] | None = None  # the first and last day with an event

    @property
    def questions(self) -> int:
        return self.answered + self.not_answered

    @property
    def share_not_answered(self) -> str:
        if self.questions < SUPPRESS_BELOW:
            return "<5 spørgsmål"
        return f"{self.not_answered / self.questions:.0%}"

    def rows(self) -> Iterable[tuple[str, str, str]]:
        """(section, key, count-as-shown) rows for the CSV export."""
        for week, n in self.questions_per_week:
            yield "questions_per_week", week, shown(n)
        for topic, n in self.top_topics:
            yield "top_topics", topic, shown(n)
        yield "questions", "answered", shown(self.answered)
        yield "questions", "not_answered", shown(self.not_answered)
        yield "questions", "share_not_answered", self.share_not_answered
        for flow, n in self.flows_started:
            yield "flows_started", flow, shown(n)
        for outcome, n in self.flows_finished:
            yield "flows_finished", outcome, shown(n)
        for vote, n in self.feedback:
            yield "feedback", vote, shown(n)


def aggregate(events: Iterable[UsageEvent], top: int = 5) -> Aggregates:
    """Counts for the coordinator: per ISO week, per topic, per flow and outcome, per vote."""
    weeks: Counter = Counter()
    topics: Counter = Counter()
    counts: Counter = Counter()
    started: Counter = Counter()
    finished: Counter = Counter()
    votes: Counter = Counter()
    days: list[dt.date] = []
    for e in events:
        days.append(e.day)
        if e.kind in ("answered", "not_answered", "did_you_mean"):
            year, week, _ = e.day.isocalendar()
            weeks[f"{year}-W{week:02d}"] += 1
            counts["answered" if e.kind == "answered" else "not_answered"] += 1
            if e.kind == "answered" and e.item:
                topics[e.item] += 1
        elif e.kind == "flow_started":
            started[e.item] += 1
        elif e.kind in ("flow_finished", "flow_abandoned"):
            finished[e.item if e.kind == "flow_finished" else f"{e.item}:afbrudt"] += 1
        elif e.kind == "feedback":
            votes[e.band or "?"] += 1
    return Aggregates(
        questions_per_week=sorted(weeks.items())[-8:],
        top_topics=topics.most_common(top),
        answered=counts["answered"],
        not_answered=counts["not_answered"],
        flows_started=sorted(started.items()),
        flows_finished=sorted(finished.items()),
        feedback=sorted(votes.items()),
        period=(min(days), max(days)) if days else None,
    )
