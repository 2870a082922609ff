"""One generic dialog that runs any validated flow from the plan: steps, choices, outcome card.

The flow's position lives in the dialog state (conversation state in DATA_DIR), so a restart of the
bot between two steps loses nothing. `tilbage` goes one step back, `forfra` restarts; `afbryd` is
handled by the bot (it cancels every dialog). Input that is no choice is a question: it is answered
and the step is asked again. A flow untouched for longer than `timeout` starts fresh.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Awaitable, Callable

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import Dialog, DialogContext, DialogInstance, DialogReason, DialogTurnResult

from knowledge import Knowledge
from knowledge.model import FlowChoice, ResolvedFlow
from knowledge.text import words

ACTION_CHOICE = "flow_choice"


@dataclass(frozen=True)
class AfterQuestion:
    """What a flow does after a question typed in the middle of it was answered."""

    resume: bool = True          # ask the flow's question again; False: the flow ends (the answer was acute)
    start_flow: str | None = None  # the question was a flow's trigger: start that flow afresh instead


OnQuestion = Callable[[TurnContext, str], Awaitable[AfterQuestion]]


def pressed_choice(knowledge: Knowledge, value: dict | None) -> tuple[ResolvedFlow, FlowChoice] | None:
    """The flow and choice a flow button names (also one from an older card), or None if the plan has no such
    choice any more."""
    if not isinstance(value, dict) or value.get("action") != ACTION_CHOICE:
        return None
    flow = knowledge.flows.get(str(value.get("flow", "")))
    step = flow.steps.get(str(value.get("step", ""))) if flow else None
    index = value.get("choice")
    if step is None or not isinstance(index, int) or not 0 <= index < len(step.choices):
        return None
    return flow, step.choices[index]


def is_acute_choice(flow: ResolvedFlow, choice: FlowChoice) -> bool:
    return choice.outcome is not None and flow.outcomes[choice.outcome].outcome.kind == "acute"


def _said(text: str) -> str:
    return " ".join(words(text))


def choice_for(step_choices: tuple[FlowChoice, ...], text: str) -> int | None:
    """The choice a typed answer means ("ja", "nej", "under 18"), or None."""
    said = _said(text)
    if not said:
        return None
    for i, choice in enumerate(step_choices):
        if said in {_said(w) for w in (choice.label, *choice.words)}:
            return i
    # "ja, det er der" counts as "ja" when the answer is short and starts with one choice's word.
    if len(said.split()) <= 4:
        starts = [i for i, c in enumerate(step_choices)
                  if any(said.startswith(_said(w) + " ") for w in (c.label, *c.words) if _said(w))]
        if len(starts) == 1:
            return starts[0]
    return None


class FlowDialog(Dialog):
    """Runs the flow whose id is passed to `begin_dialog` (options={"flow": id})."""

    def __init__(self, knowledge: Knowledge, cards, on_question: OnQuestion, timeout_seconds: float,
                 dialog_id: str = "flow"):
        super().__init__(dialog_id)
        self._knowledge = knowledge
        self._cards = cards
        self._on_question = on_question
        self._timeout = timeout_seconds
        self._commands = {" ".join(words(p)): name for name, ps in knowledge.commands.items() for p in ps}

    def _flow(self, state: dict) -> ResolvedFlow:
        return self._knowledge.flows[state["flow"]]

    async def begin_dialog(self, dialog_context: DialogContext, options: object = None) -> DialogTurnResult:
        """Start the flow `options["flow"]`, at its first step or at `options["step"]` (a button of an older card
        that pressed on into the flow)."""
        flow = self._knowledge.flows[options["flow"]]
        step = options.get("step") if options.get("step") in flow.steps else flow.flow.start
        state = dialog_context.active_dialog.state
        state.update({"flow": flow.id, "step": step, "history": [], "touched": time.time()})
        await self._ask(dialog_context.context, state)
        return Dialog.end_of_turn

    def expired(self, instance: DialogInstance) -> bool:
        """True when the flow was left untouched for longer than the timeout."""
        return time.time() - instance.state.get("touched", 0) > self._timeout

    async def continue_dialog(self, dialog_context: DialogContext) -> DialogTurnResult:
        turn_context = dialog_context.context
        state = dialog_context.active_dialog.state
        if state.get("flow") not in self._knowledge.flows or state.get("step") not in self._flow(state).steps:
            # The plan changed under a running flow: start over rather than guess.
            return await dialog_context.end_dialog()
        state["touched"] = time.time()
        flow = self._flow(state)
        step = flow.steps[state["step"]]
        activity = turn_context.activity
        value = activity.value if isinstance(activity.value, dict) else None
        index: int | None = None
        if value is not None and value.get("action") == ACTION_CHOICE:
            if value.get("flow") == flow.id and value.get("step") == step.id:
                index = value.get("choice") if isinstance(value.get("choice"), int) else None
            if index is None or not 0 <= index < len(step.choices):
                pressed = pressed_choice(self._knowledge, value)
                if pressed is not None and is_acute_choice(*pressed):
                    # An acute answer on an older card is acted on: its acute card, and this flow ends.
                    old_flow, choice = pressed
                    await turn_context.send_activity(MessageFactory.attachment(
                        self._cards.outcome_card(old_flow.outcomes[choice.outcome], self._knowledge)))
                    return await dialog_context.end_dialog({"flow": old_flow.id, "outcome": choice.outcome})
                await self._ask(turn_context, state)  # a button from an older card
                return Dialog.end_of_turn
        else:
            text = activity.text or ""
            command = self._commands.get(" ".join(words(text)))
            if command == "back":
                if state["history"]:
                    state["step"] = state["history"].pop()
                else:
                    await turn_context.send_activity(MessageFactory.text(self._knowledge.message("flow_back_at_start")))
                await self._ask(turn_context, state)
                return Dialog.end_of_turn
            if command == "restart":
                state.update({"step": flow.flow.start, "history": []})
                await self._ask(turn_context, state)
                return Dialog.end_of_turn
            index = choice_for(step.choices, text)
            if index is None:
                # A question asked mid-flow: answer it, then ask the flow's question again - unless it started a
                # flow (its trigger: that flow afresh) or was acute (nothing may follow the acute card).
                after = await self._on_question(turn_context, text)
                if after.start_flow is not None:
                    return await dialog_context.replace_dialog(self.id, {"flow": after.start_flow})
                if not after.resume:
                    return await dialog_context.end_dialog()
                await turn_context.send_activity(MessageFactory.text(self._knowledge.message("flow_resume")))
                await self._ask(turn_context, state)
                return Dialog.end_of_turn
        choice = step.choices[index]
        await turn_context.send_activity(
            MessageFactory.text(self._knowledge.message("flow_choice_echo", choice=choice.label)))
        if choice.outcome is not None:
            outcome = flow.outcomes[choice.outcome]
            await turn_context.send_activity(
                MessageFactory.attachment(self._cards.outcome_card(outcome, self._knowledge)))
            return await dialog_context.end_dialog({"flow": flow.id, "outcome": choice.outcome})
        state["history"].append(step.id)
        state["step"] = choice.next
        await self._ask(turn_context, state)
        return Dialog.end_of_turn

    async def _ask(self, turn_context: TurnContext, state: dict) -> None:
        flow = self._flow(state)
        await turn_context.send_activity(MessageFactory.attachment(
            self._cards.step_card(flow, flow.steps[state["step"]], self._knowledge)))

    async def reprompt_dialog(self, context: TurnContext, instance: DialogInstance) -> None:
        """Ask the current step again (after an answer shown in the middle of the flow)."""
        await context.send_activity(MessageFactory.text(self._knowledge.message("flow_resume")))
        await self._ask(context, instance.state)
