"""The Teams-facing bot: answers staff from the plan, runs guided flows, welcomes on install, shows help."""
from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import TYPE_CHECKING

from botbuilder.core import ActivityHandler, ConversationState, MessageFactory, TurnContext
from botbuilder.dialogs import DialogSet, DialogTurnStatus
from botbuilder.schema import Activity, ChannelAccount

from dialogs.flow_dialog import AfterQuestion, FlowDialog, pressed_choice
from knowledge import Knowledge
from knowledge.matcher import ANSWER_THRESHOLD, SURE_THRESHOLD, Decision, Matcher
from knowledge.text import drop_phrases, phrase_table, words

from . import cards
from .privacy import PersonalDataGuard
from .references import BlobReferenceStore, ReferenceStore, minimal_reference
from .usage import UsageEvent, UsageLog, aggregate, scope_of

if TYPE_CHECKING:
    from .reminders import ReminderService

logger = logging.getLogger(__name__)

DEFAULT_FLOW_TIMEOUT_SECONDS = 60 * 60


def band_of(score: float) -> str:
    """The confidence band a usage event keeps instead of the score."""
    return "high" if score >= SURE_THRESHOLD else "medium" if score >= ANSWER_THRESHOLD else "low"


class PlanBot(ActivityHandler):
    """Answers free-text questions with the plan's cards and runs its flows; acute danger always comes first."""

    def __init__(self, knowledge: Knowledge, matcher: Matcher, conversation_state: ConversationState,
                 flow_timeout_seconds: float = DEFAULT_FLOW_TIMEOUT_SECONDS,
                 references: ReferenceStore | BlobReferenceStore | None = None, reminders: "ReminderService | None" = None,
                 coordinators: frozenset[str] = frozenset(), usage: UsageLog | None = None):
        self._knowledge = knowledge
        self._usage = usage
        self._guard = PersonalDataGuard(knowledge)
        self._references = references
        self._reminders = reminders
        self._coordinators = coordinators
        self._matcher = matcher
        self._state = conversation_state
        self._flow = FlowDialog(knowledge, cards, self._answer, flow_timeout_seconds)
        self._dialogs = DialogSet(conversation_state.create_property("DialogState"))
        # The id of the last topic or passage answered (never the text): a follow-up is read with it.
        self._last_answer = conversation_state.create_property("LastAnswer")
        self._dialogs.add(self._flow)
        self._commands = {
            " ".join(words(phrase)): name
            for name, phrases in knowledge.commands.items() for phrase in phrases
        }
        self._small_talk = phrase_table(knowledge.commands.get("small_talk", ()))

    async def on_turn(self, turn_context: TurnContext) -> None:
        await self._track_reference(turn_context.activity)
        await super().on_turn(turn_context)
        await self._state.save_changes(turn_context)

    async def _track_reference(self, activity: Activity) -> None:
        """Keep a reference to every conversation the bot is in; forget it when the bot is removed."""
        if self._references is None or activity.conversation is None:
            return
        bot_id = activity.recipient.id if activity.recipient else None
        removed = ((activity.type == "installationUpdate" and activity.action in ("remove", "remove-upgrade"))
                   or (activity.type == "conversationUpdate"
                       and any(m.id == bot_id for m in activity.members_removed or [])))
        if removed:
            await self._references.remove(activity.conversation.id)
        elif activity.type in ("message", "conversationUpdate", "installationUpdate"):
            reference = minimal_reference(activity)
            if reference is not None:
                await self._references.save(reference)

    def _record(self, turn_context: TurnContext, kind: str, item: str | None = None, band: str | None = None) -> None:
        """One anonymous usage event: kind, id, band, plan, scope and day - nothing about the person."""
        if self._usage is None:
            return
        conversation = turn_context.activity.conversation
        self._usage.record(UsageEvent(kind, item, band, self._knowledge.meta.id,
                                      scope_of(conversation.conversation_type if conversation else None),
                                      dt.date.today()))

    def _is_coordinator(self, activity: Activity) -> bool:
        sender = activity.from_property
        return bool(sender and sender.aad_object_id and sender.aad_object_id in self._coordinators)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        value = activity.value if isinstance(activity.value, dict) else None
        action = value.get("action") if value is not None else None
        text = (TurnContext.remove_recipient_mention(activity)
                if activity.entities and activity.recipient else activity.text)
        if action == cards.ACTION_ASK:
            text = str(value.get("text", ""))
        text = text if isinstance(text, str) else ""
        activity.text = text  # the flow dialog reads the mention-free text
        remind_after = False
        if self._guard.looks_personal(text):
            # A reminder, then the answer as usual (to the question without the personal data). Acute danger comes
            # first: then the reminder follows the acute card, short enough that 112 stays in view.
            text = activity.text = self._guard.redact(text)
            remind_after = self._matcher.is_acute(text)
            if not remind_after:
                await turn_context.send_activity(MessageFactory.text(self._knowledge.message("privacy_reminder")))
        try:
            await self._on_message(turn_context, activity, value, action, text)
        finally:
            if remind_after:
                await turn_context.send_activity(MessageFactory.text(self._knowledge.message("privacy_reminder")))

    async def _on_message(self, turn_context: TurnContext, activity, value, action, text: str) -> None:
        if action == cards.ACTION_FEEDBACK:
            await self._feedback(turn_context, value)
            return
        dialog_context = await self._dialogs.create_context(turn_context)
        await self._end_stale_flow(dialog_context)
        if self._is_coordinator(activity):
            await self._coordinator_notices(activity)
        message = words(text)
        command = self._commands.get(" ".join(message)) if not action else None
        if command is None and not action and message and not drop_phrases(message, self._small_talk):
            command = "small_talk"  # nothing but courtesies: "tak for hjælpen, god weekend"

        if command == "cancel":
            if dialog_context.active_dialog is not None:
                self._record(turn_context, "flow_abandoned", dialog_context.active_dialog.state.get("flow"))
            await dialog_context.cancel_all_dialogs()
            await turn_context.send_activity(MessageFactory.text(self._knowledge.message("cancelled")))
            return
        if command == "help":
            await turn_context.send_activity(MessageFactory.attachment(cards.menu_card(
                self._knowledge, "help_title", "help_text", coordinator=self._is_coordinator(activity))))
            return
        if command == "stats":
            await self._stats(turn_context)
            return
        if command == "small_talk" and dialog_context.active_dialog is None:
            await turn_context.send_activity(MessageFactory.text(self._knowledge.message(
                "fallback_small_talk", municipality=self._knowledge.meta.municipality)))
            return
        if command == "reminder" or action in (cards.ACTION_REMINDER_SEND, cards.ACTION_REMINDER_CANCEL):
            await self._reminder_command(turn_context, action, value)
            return
        if action == cards.ACTION_FLOW:
            await self._start_flow(dialog_context, str(value.get("flow", "")))
            return
        if action == cards.ACTION_PASSAGE:
            passage = self._knowledge.passages.get(str(value.get("passage", "")))
            if passage is None:  # a button from an older card whose passage is gone
                await turn_context.send_activity(MessageFactory.attachment(cards.fallback_card(self._knowledge, [])))
            else:
                self._record(turn_context, "answered", passage.id, "button")
                await turn_context.send_activity(MessageFactory.attachment(cards.passage_card(passage,
                                                                                             self._knowledge)))
            return
        if action == cards.ACTION_TOPIC:
            await self._send_topic(turn_context, str(value.get("topic", "")))
            if str(value.get("topic", "")) in self._knowledge.topics:
                self._record(turn_context, "answered", str(value.get("topic")), "button")
            if dialog_context.active_dialog is not None:
                await dialog_context.reprompt_dialog()
            return
        if dialog_context.active_dialog is not None:
            result = await dialog_context.continue_dialog()
            if result.status == DialogTurnStatus.Complete and isinstance(result.result, dict):
                self._record(turn_context, "flow_finished", f"{result.result['flow']}:{result.result['outcome']}")
            if result.status != DialogTurnStatus.Empty:
                return
        if action == cards.ACTION_FLOW_CHOICE:
            await self._old_flow_button(dialog_context, value)
            return
        if not words(text):
            await turn_context.send_activity(MessageFactory.text(self._knowledge.message("fallback_empty")))
            return
        previous = await self._last_answer.get(turn_context, lambda: None)
        result = self._matcher.match(text)
        ids = tuple(i for i in (previous or {}).get("ids", ()) if isinstance(i, str)) if isinstance(previous, dict) \
            else ()
        result = self._matcher.in_context(text, ids, result)
        if result.flow is not None and not result.acute:
            await self._start_flow(dialog_context, result.flow)
            return
        await self._reply(turn_context, result)  # acute: one card, the flow a button on it
        # Ids only: the answer given and the passage most about the question (never what was typed). Not answered
        # but with such a passage, a follow-up ("hvilke områder?") is read with that, not with the answer before.
        remembered = result.remembered()
        if remembered:
            await self._last_answer.set(turn_context, {"ids": list(remembered)})

    async def _feedback(self, turn_context: TurnContext, value: dict) -> None:
        """👍/👎 under an answer: only the topic (or outcome) id and the vote are kept."""
        topic_id, vote = str(value.get("topic", "")), value.get("vote")
        known = (topic_id in self._knowledge.topics or topic_id in self._knowledge.passages
                 or any(topic_id in f.outcomes for f in self._knowledge.flows.values()))
        if vote in ("up", "down") and known:
            self._record(turn_context, "feedback", topic_id, vote)
        await turn_context.send_activity(MessageFactory.text(self._knowledge.message("feedback_thanks")))

    async def _end_stale_flow(self, dialog_context) -> bool:
        """End a flow left untouched longer than the timeout, and say so; True if one was ended."""
        active = dialog_context.active_dialog
        if active is None or not self._flow.expired(active):
            return False
        self._record(dialog_context.context, "flow_abandoned", active.state.get("flow"))
        await dialog_context.cancel_all_dialogs()
        await dialog_context.context.send_activity(MessageFactory.text(self._knowledge.message("flow_expired")))
        return True

    async def _coordinator_notices(self, activity: Activity) -> None:
        """Remember where a coordinator writes from, and tell them what is due (once)."""
        reference = minimal_reference(activity)
        if self._reminders is not None and reference is not None:
            await self._reminders.remember_coordinator(reference)
            await self._reminders.give_notices()

    async def _reminder_command(self, turn_context: TurnContext, action: str | None, value: dict | None) -> None:
        """The coordinator's yearly reminder: preview, then Send (in the background) or Annuller."""
        knowledge = self._knowledge
        if not self._is_coordinator(turn_context.activity) or self._reminders is None:
            await turn_context.send_activity(MessageFactory.text(knowledge.message("reminder_refused")))
            return
        if knowledge.reminder is None:
            await turn_context.send_activity(MessageFactory.text(knowledge.message("reminder_missing")))
            return
        if action == cards.ACTION_REMINDER_CANCEL:
            await turn_context.send_activity(MessageFactory.text(knowledge.message("reminder_cancelled")))
            return
        if action == cards.ACTION_REMINDER_SEND:
            token = str(value.get("token", ""))
            count = None if not token or await self._reminders.exists(token) else \
                await self._reminders.start(token, minimal_reference(turn_context.activity))
            if count is None:
                await turn_context.send_activity(MessageFactory.text(knowledge.message("reminder_already")))
                return
            await turn_context.send_activity(MessageFactory.text(knowledge.message(
                "reminder_started", conversations=cards.conversations(count, knowledge))))
            return
        preview = cards.reminder_preview_card(knowledge, await self._references.count(), uuid.uuid4().hex)
        await turn_context.send_activity(MessageFactory.attachment(preview))

    async def _answer(self, turn_context: TurnContext, text: str) -> AfterQuestion:
        """Answer a question typed in the middle of a flow; tell the flow what to do next."""
        result = self._matcher.match(text)
        if result.flow is not None and not result.acute:
            self._record(turn_context, "flow_started", result.flow)
            return AfterQuestion(start_flow=result.flow)  # its own trigger, or another flow's: start afresh
        await self._reply(turn_context, result)
        return AfterQuestion(resume=not result.acute)

    async def _old_flow_button(self, dialog_context, value: dict | None) -> None:
        """A button of a flow that has ended or was cancelled still gets its answer: the choice's outcome (an
        acute one above all), or the flow again from the step it leads to."""
        turn_context = dialog_context.context
        pressed = pressed_choice(self._knowledge, value)
        if pressed is None:  # the plan has changed since the card was sent
            await turn_context.send_activity(MessageFactory.attachment(
                cards.menu_card(self._knowledge, "flow_gone_title", "flow_gone_text")))
            return
        flow, choice = pressed
        await turn_context.send_activity(MessageFactory.text(
            self._knowledge.message("flow_choice_echo", choice=choice.label)))
        if choice.outcome is not None:
            self._record(turn_context, "flow_finished", f"{flow.id}:{choice.outcome}")
            await turn_context.send_activity(MessageFactory.attachment(
                cards.outcome_card(flow.outcomes[choice.outcome], self._knowledge)))
            return
        self._record(turn_context, "flow_started", flow.id)
        await dialog_context.begin_dialog(self._flow.id, {"flow": flow.id, "step": choice.next})

    async def _stats(self, turn_context: TurnContext) -> None:
        if not self._is_coordinator(turn_context.activity) or self._usage is None:
            await turn_context.send_activity(MessageFactory.text(self._knowledge.message("stats_refused")))
            return
        stats = aggregate(await self._usage.events())
        await turn_context.send_activity(MessageFactory.attachment(cards.stats_card(stats, self._knowledge)))

    async def _reply(self, turn_context: TurnContext, result) -> None:
        if result.acute:
            self._record(turn_context, "answered", self._knowledge.acute.topic, "acute")
        if result.confident and result.flow is None:
            self._record(turn_context, "answered", result.confident, band_of(result.best.score))
        elif result.passage is not None and not result.confident:
            self._record(turn_context, "answered", result.passage.passage_id, "passage")  # the id, never the text
        elif not result.acute:
            self._record(turn_context, "did_you_mean" if result.decision is Decision.DID_YOU_MEAN
                         else "not_answered", None, band_of(result.best.score) if result.best else "low")
        replies = cards.replies_for(result, self._knowledge)
        await turn_context.send_activities([MessageFactory.attachment(card) for card in replies])

    async def _start_flow(self, dialog_context, flow_id: str) -> None:
        if flow_id not in self._knowledge.flows:
            await dialog_context.context.send_activity(
                MessageFactory.attachment(cards.fallback_card(self._knowledge, [])))
            return
        await dialog_context.cancel_all_dialogs()
        self._record(dialog_context.context, "flow_started", flow_id)
        await dialog_context.begin_dialog(self._flow.id, {"flow": flow_id})

    async def _send_topic(self, turn_context: TurnContext, topic_id: str) -> None:
        topic = self._knowledge.topics.get(topic_id)
        if topic is None:
            # A button from an older card whose topic is gone: treat like an unanswered question.
            await turn_context.send_activity(
                MessageFactory.attachment(cards.fallback_card(self._knowledge, [])))
            return
        await turn_context.send_activity(MessageFactory.attachment(cards.answer_card(topic, self._knowledge)))

    async def on_members_added_activity(self, members_added: list[ChannelAccount],
                                        turn_context: TurnContext) -> None:
        activity: Activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        bot_added = any(m.id == bot_id for m in members_added)
        personal = (activity.conversation.conversation_type or "personal") == "personal"
        # Welcome once per install (bot added), or when a user opens a personal chat; never on
        # every colleague who joins a team.
        if bot_added or personal:
            await turn_context.send_activity(
                MessageFactory.attachment(cards.menu_card(self._knowledge, "welcome_title", "welcome_text")))
