"""The reminder service: starts broadcasts in the background, resumes cut-off ones, reports back."""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid

from botbuilder.core import BotAdapter, MessageFactory, TurnContext

from knowledge import Knowledge

from . import cards
from .background import Lease
from .broadcast import Broadcaster, Report
from .notices import due_notices
from .usage import UsageEvent, UsageLog
from .references import to_reference

logger = logging.getLogger(__name__)


def report_text(report: Report, knowledge: Knowledge) -> str:
    """The coordinator's report in Danish, from the plan's messages."""
    reasons = ", ".join(f"{cards.reason_text(reason, knowledge)}: {count}"
                        for reason, count in sorted(report.unreachable.items()))
    return knowledge.message("reminder_report", sent=cards.conversations(report.sent, knowledge),
                             unreachable=str(report.unreachable_total), reasons=f" ({reasons})" if reasons else "")


class ReminderService:
    """Glue between the bot, the broadcaster and the coordinator's chat."""

    def __init__(self, knowledge: Knowledge, broadcaster: Broadcaster, adapter: BotAdapter, app_id: str,
                 references, usage: UsageLog | None = None, *, notices_lock: Lease):
        self.references = references
        # Workers (and instances) that share the store give notices one at a time, so none is given twice.
        self._notices_lock = notices_lock
        self._usage = usage
        self._knowledge = knowledge
        self._broadcaster = broadcaster
        self._adapter = adapter
        self._app_id = app_id
        self.tasks: set[asyncio.Task] = set()
        self._running: dict[str, asyncio.Task] = {}

    async def exists(self, broadcast_id: str) -> bool:
        return await self._broadcaster.exists(broadcast_id)

    async def start(self, broadcast_id: str, requested_by: dict | None) -> int | None:
        """Record the broadcast and deliver it in the background; returns how many it will reach, or None
        when it exists already (the same Send pressed twice)."""
        count = await self._broadcaster.create(broadcast_id, requested_by)
        if count is not None:
            self._spawn(broadcast_id, requested_by)
        return count

    async def resume_unfinished(self) -> list[str]:
        """Resume every broadcast a crash or restart cut off and nobody is delivering now (by the process
        that runs the background work, at start-up and then every half minute); one another process is
        delivering ends at once, its lock being held."""
        running_here = set(self._running)
        resumed = [b for b in await self._broadcaster.unfinished() if b not in running_here]
        for broadcast_id in resumed:
            self._spawn(broadcast_id, await self._broadcaster.requested_by(broadcast_id))
        return resumed

    async def run(self, broadcast_id: str, requested_by: dict | None) -> Report | None:
        """Deliver a broadcast and report to whoever asked; None when another process is delivering it."""
        report = await self._broadcaster.run(broadcast_id, lambda: cards.reminder_card(self._knowledge))
        if report is None:
            return None
        if self._usage is not None:
            self._usage.record(UsageEvent("reminder_sent", None, None, self._knowledge.meta.id, "channel",
                                          dt.date.today()))
        if requested_by is not None:
            await self._tell(requested_by, report_text(report, self._knowledge))
        return report

    def _spawn(self, broadcast_id: str, requested_by: dict | None) -> None:
        task = asyncio.create_task(self.run(broadcast_id, requested_by))
        self.tasks.add(task)
        self._running[broadcast_id] = task
        task.add_done_callback(lambda done: self._done(broadcast_id, done))

    def _done(self, broadcast_id: str, task: asyncio.Task) -> None:
        self.tasks.discard(task)
        if self._running.get(broadcast_id) is task:
            del self._running[broadcast_id]
        if not task.cancelled() and task.exception() is not None:
            logger.error("Broadcast failed: %s", type(task.exception()).__name__, exc_info=task.exception())

    async def _tell(self, reference: dict, text: str) -> None:
        async def send(turn_context: TurnContext) -> None:
            await turn_context.send_activity(MessageFactory.text(text))
        await self._adapter.continue_conversation(to_reference(reference), send, self._app_id)

    async def remember_coordinator(self, reference: dict) -> None:
        """Keep the conversation a coordinator writes from, to tell them about due dates (no user id)."""
        await self.references.save_coordinator(reference)

    async def give_notices(self, today: dt.date | None = None) -> int:
        """Tell the coordinators, once each, what is due; returns how many notices were given."""
        if not await self._notices_lock.acquire():
            return 0  # another process is giving them right now
        try:
            return await self._give_notices(today or dt.date.today())
        finally:
            await self._notices_lock.release()

    async def _give_notices(self, today: dt.date) -> int:
        latest = await self._broadcaster.latest()
        last = dt.date.fromisoformat(latest["day"]) if latest else None
        given = 0
        for key, text in due_notices(self._knowledge, today, last):
            if await self.references.notice_given(key):
                continue
            conversations = await self.references.coordinator_conversations()
            if not conversations:
                continue  # no coordinator has written yet: tell them when one does
            for reference in conversations:
                try:
                    await self._tell(reference, text)
                except Exception as exc:  # noqa: BLE001 - one unreachable chat must not stop the others
                    logger.warning("Could not give a notice: %s", type(exc).__name__)
            await self.references.mark_notice(key)
            given += 1
        return given

    async def status(self) -> str:
        """One line on the latest broadcast, for the coordinator's command line."""
        latest = await self._broadcaster.latest()
        if latest is None:
            return f"No broadcast yet; {await self.references.count()} conversations would get it."
        report = await self._broadcaster.report(latest["id"])
        state = "finished" if report.finished else "unfinished (resumes when the bot or 'send' starts)"
        return f"Broadcast {latest['id']} of {latest['day']}: {state}. " + report_text(report, self._knowledge)

    async def send_now(self) -> list[Report]:
        """Resume cut-off broadcasts, or run a new one, in the foreground (for cron and timers)."""
        pending = await self._broadcaster.unfinished()
        if not pending:
            broadcast_id = uuid.uuid4().hex
            await self._broadcaster.create(broadcast_id, None)
            pending = [broadcast_id]
        reports = [await self.run(b, await self._broadcaster.requested_by(b)) for b in pending]
        return [report for report in reports if report is not None]

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
