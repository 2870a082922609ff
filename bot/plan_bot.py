"""The Teams-facing bot: answers staff from the plan, welcomes on install, shows help."""
from __future__ import annotations

import logging

from botbuilder.core import ActivityHandler, ConversationState, MessageFactory, TurnContext
from botbuilder.schema import Activity, ChannelAccount

from knowledge import Knowledge
from knowledge.matcher import Matcher
from knowledge.text import words

from . import cards

logger = logging.getLogger(__name__)


class PlanBot(ActivityHandler):
    """Answers free-text questions with the plan's cards; acute danger always comes first."""

    def __init__(self, knowledge: Knowledge, matcher: Matcher, conversation_state: ConversationState):
        self._knowledge = knowledge
        self._matcher = matcher
        self._state = conversation_state
        self._last_topic = conversation_state.create_property("last_topic")
        self._commands = {
            " ".join(words(phrase)): name
            for name, phrases in knowledge.commands.items() for phrase in phrases
        }

    async def on_turn(self, turn_context: TurnContext) -> None:
        await super().on_turn(turn_context)
        await self._state.save_changes(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        value = activity.value if isinstance(activity.value, dict) else None
        if value is not None and value.get("action") == cards.ACTION_TOPIC:
            await self._send_topic(turn_context, str(value.get("topic", "")))
            return
        text = (TurnContext.remove_recipient_mention(activity)
                if activity.entities and activity.recipient else activity.text)
        if value is not None and value.get("action") == cards.ACTION_ASK:
            text = str(value.get("text", ""))
        text = text if isinstance(text, str) else ""
        if not words(text):
            await turn_context.send_activity(MessageFactory.text(self._knowledge.message("empty_message")))
            return
        command = self._commands.get(" ".join(words(text)))
        if command == "help":
            await turn_context.send_activity(
                MessageFactory.attachment(cards.menu_card(self._knowledge, "help_title", "help_text")))
            return
        if command == "cancel":
            await turn_context.send_activity(MessageFactory.text(self._knowledge.message("cancelled")))
            return
        await self._answer(turn_context, text)

    async def _answer(self, turn_context: TurnContext, text: str) -> None:
        result = self._matcher.match(text)
        replies = cards.replies_for(result, self._knowledge)
        if result.acute or result.confident:
            await self._last_topic.set(turn_context, result.confident or self._knowledge.acute.topic)
        await turn_context.send_activities([MessageFactory.attachment(card) for card in replies])

    async def _send_topic(self, turn_context: TurnContext, topic_id: str) -> None:
        topic = self._knowledge.topics.get(topic_id)
        if topic is None:
            # A button from an older card whose topic is gone: treat like an unanswered question.
            await turn_context.send_activity(
                MessageFactory.attachment(cards.fallback_card(self._knowledge, [])))
            return
        await self._last_topic.set(turn_context, topic_id)
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
