"""Anonymous usage statistics: what is asked, what is missing, which flows end where - never who or what.

An event holds only its kind, the topic/flow/outcome id, a confidence band, the plan, the conversation
scope and the day. Never message text, names, user, conversation, tenant or AAD ids, IP addresses.
`UsageLog` is the one small interface; `SqliteUsageLog` keeps events in DATA_DIR and can be replaced by
a shared store later.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal, Protocol

from .sqlite import BUSY_TIMEOUT_SECONDS, ensure_wal

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
    def events(self, since: dt.date | None = None) -> list[UsageEvent]: ...
    def purge(self, before: dt.date) -> int: ...


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

    def events(self, since: dt.date | None = None) -> list[UsageEvent]:
        with self._lock:
            rows = self._conn.execute("SELECT day, kind, item, band, plan, scope FROM events WHERE day >= ?",
                                      ((since or dt.date.min).isoformat(),)).fetchall()
        return [UsageEvent(kind, item, band, plan, scope, dt.date.fromisoformat(day))
                for day, kind, item, band, plan, scope in rows]

    def purge(self, before: dt.date) -> int:
        """Delete events older than `before` (retention); returns how many."""
        with self._lock:
            cursor = self._conn.execute("DELETE FROM events WHERE day < ?", (before.isoformat(),))
            self._conn.commit()
            # Freed pages are overwritten, not left in the file.
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return cursor.rowcount

    def close(self) -> None:
        with self._lock:
            self._conn.close()


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
