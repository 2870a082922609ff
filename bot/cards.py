"""Adaptive Cards (version 1.5, what Teams renders) for answers, the fallback, welcome and help.

Buttons are Action.Submit with plain `data` ({"action": ..., ...}); the bot reads `activity.value`.
Teams and the Agents Playground both send that back; msteams imBack/messageBack would be ignored
by the Playground.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable

from botbuilder.core import CardFactory
from botbuilder.schema import Attachment

from knowledge import Contact, Knowledge, ResolvedTopic, Topic
from knowledge.loader import CONTACT_TOPIC_PREFIX as CONTACT_TOPIC
from knowledge.text import words
from knowledge.matcher import WORRY_TOPICS, Decision, MatchResult
from knowledge.model import FlowStep, ResolvedFlow, ResolvedOutcome

CARD_VERSION = "1.5"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
MAX_BUTTONS = 5
MAX_ASKED_CONTACTS = 2  # numbers a told worry asks for, on the card on what to do after its own
# The acute cards stay short enough to keep 112 on a laptop's screen (buttons stack one to a row in Teams):
# what else the message asked about and one related topic; an acute flow outcome, one related topic.
ACUTE_BUTTONS = 2
ACUTE_OUTCOME_BUTTONS = 1
ACTION_TOPIC = "topic"
ACTION_ASK = "ask"
ACTION_FLOW = "flow"
ACTION_FLOW_CHOICE = "flow_choice"
ACTION_REMINDER_SEND = "reminder_send"
ACTION_REMINDER_CANCEL = "reminder_cancel"
ACTION_FEEDBACK = "feedback"
ACTION_PASSAGE = "passage"


def _text(text: str, **style: Any) -> dict:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _card(body: list[dict], actions: list[dict] | None = None) -> Attachment:
    card: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": CARD_VERSION, "body": body}
    if actions:
        card["actions"] = actions
    return CardFactory.adaptive_card(card)


BUTTON_CHARS = 40


def button_label(topic: Topic) -> str:
    """The topic's short label, or its title cut at a word so Teams shows it whole."""
    if topic.button:
        return topic.button
    if len(topic.title) <= BUTTON_CHARS:
        return topic.title
    return topic.title[:BUTTON_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,–-") + "…"


def topic_button(topic: Topic) -> dict:
    """A button that shows a topic's answer card."""
    return {"type": "Action.Submit", "title": button_label(topic),
            "data": {"action": ACTION_TOPIC, "topic": topic.id}}


def flow_button(flow: ResolvedFlow, knowledge: Knowledge, prefixed: bool = False) -> dict:
    """A button that starts a guided flow."""
    label = flow.flow.button or flow.flow.title
    title = f"{knowledge.message('flow_start_prefix')} {label}" if prefixed else label
    return {"type": "Action.Submit", "title": title, "data": {"action": ACTION_FLOW, "flow": flow.id}}


def _contact_block(contact: Contact, knowledge: Knowledge) -> dict:
    lines = [f"**{contact.name}**"]
    if contact.phone:
        label = f"{contact.phone_label}: " if contact.phone_label else ""
        lines.append(f"{label}[{contact.phone}](tel:{contact.phone_digits})")
    if contact.email:
        lines.append(f"[{contact.email}](mailto:{contact.email})")
    if contact.url:
        lines.append(f"[{contact.url}]({contact.url})")
    if contact.hours and not (contact.phone_label and contact.hours in contact.phone_label):
        lines.append(contact.hours)
    block: dict[str, Any] = {
        "type": "Container",
        "spacing": "Small",
        "items": [_text("  \n".join(lines), spacing="None")],
    }
    if contact.phone:
        # Tapping the contact dials it (Teams mobile, and desktop with a calling app).
        block["selectAction"] = {"type": "Action.OpenUrl", "url": f"tel:{contact.phone_digits}",
                                 "title": contact.phone}
    if contact.description and not (contact.phone or contact.email):
        # Without a number, the description says how to reach them.
        block["items"].append(_text(contact.description, isSubtle=True, size="Small", spacing="None"))
    block["items"].append(_text(contact_provenance(contact, knowledge), isSubtle=True, size="Small", spacing="None"))
    return block


def contact_provenance(contact: Contact, knowledge: Knowledge) -> str:
    """Where a contact comes from: the plan that lists it (with its date), or a national body; and the day the
    municipality confirmed it, only if it has."""
    document_id = contact.source.document
    if knowledge.is_national(document_id):
        line = knowledge.message("contact_national")
    elif document_id == knowledge.meta.document and knowledge.meta.adopted is not None:
        line = knowledge.message("contact_from_plan_adopted", document=knowledge.documents[document_id].title,
                                 adopted=knowledge.meta.adopted.strftime("%d.%m.%Y"))
    else:
        line = knowledge.message("contact_from_plan", document=knowledge.documents[document_id].title)
    if contact.verified is not None:
        line += " · " + knowledge.message("contact_verified", date=contact.verified.strftime("%d.%m.%Y"))
    return line


def compact_contacts(contacts: Iterable[Contact]) -> list[dict]:
    """Whom to call on an acute card: one line each, name and tap-to-call number, so 112 and the plan's acute
    contacts fit on a laptop's screen together (where each comes from is on the card's source line)."""
    blocks = []
    for contact in contacts:
        line = f"**{contact.name}**"
        if contact.phone:
            label = f"{contact.phone_label}: " if contact.phone_label else ""
            line += f" · {label}[{contact.phone}](tel:{contact.phone_digits})"
        elif contact.email:
            line += f" · [{contact.email}](mailto:{contact.email})"
        block: dict[str, Any] = {"type": "Container", "spacing": "Small", "items": [_text(line, spacing="None")]}
        if contact.phone:
            block["selectAction"] = {"type": "Action.OpenUrl", "url": f"tel:{contact.phone_digits}",
                                     "title": contact.phone}
        blocks.append(block)
    return blocks


def _acute_banner(knowledge: Knowledge) -> dict:
    return {"type": "Container", "style": "attention", "bleed": True,
            "items": [_text(knowledge.message("acute_banner"), weight="Bolder", size="Large")]}


def contacts_section(contacts: Iterable[Contact], knowledge: Knowledge) -> list[dict]:
    """The heading and one block per contact, in the order given (police first on acute cards)."""
    contacts = list(contacts)
    if not contacts:
        return []
    return [_text(knowledge.message("contacts_heading"), weight="Bolder", spacing="Medium"),
            *(_contact_block(c, knowledge) for c in contacts)]


def source_line(sources, knowledge: Knowledge, sections: bool = True) -> str:
    """'Kilde: <document>, <section>; <section> · <document>, <section>' for the sources a card's text comes from;
    sections of one document are named together. The acute card names the documents only (it must stay short)."""
    by_document: dict[str, list[str]] = {}
    for source in sources:
        by_document.setdefault(source.document, [])
        if source.section not in by_document[source.document]:
            by_document[source.document].append(source.section)
    parts = [f"{knowledge.documents[d].title}, {'; '.join(s)}" if sections else knowledge.documents[d].title
             for d, s in by_document.items()]
    return f"{knowledge.message('source_prefix')} {' · '.join(parts)}"


def feedback_row(item_id: str) -> dict:
    """👍 / 👎 under an answer; the event keeps only the topic id and the vote."""
    return {"type": "ActionSet", "spacing": "Small", "actions": [
        {"type": "Action.Submit", "title": "👍", "data": {"action": ACTION_FEEDBACK, "topic": item_id, "vote": "up"}},
        {"type": "Action.Submit", "title": "👎", "data": {"action": ACTION_FEEDBACK, "topic": item_id, "vote": "down"}},
    ]}


def answer_card(topic: ResolvedTopic, knowledge: Knowledge, also: Iterable[Topic] = (),
                lead: Iterable[dict] = (), intro: str | None = None,
                asked_contacts: Iterable[Contact] = (), question: ResolvedTopic | None = None) -> Attachment:
    """Title, short answer, points, the contacts to call, the source line and related topics as buttons.

    `also`: topics that matched the question just as well, offered first among the buttons; `lead`: buttons
    that go before everything else (on the acute card: what else the message asked about); `intro`: a line above
    the title (a told worry: "Det lyder som en bekymring for ..."); `asked_contacts`: contacts the message asked
    for besides: up to MAX_ASKED_CONTACTS of them with a phone number, after the card's own (each block names
    where it comes from); `question`: the topic that answers the message's own question, its title and short answer
    after the card's text, with its own source line."""
    t = topic.topic
    own = {c.id for c in topic.contacts}
    asked = [c for c in asked_contacts if c.phone and c.id not in own][:MAX_ASKED_CONTACTS]
    contacts = (*topic.contacts, *asked)
    body: list[dict] = [_text(intro, isSubtle=True)] if intro else []
    if t.kind == "acute":
        # Safety first, and all of it in view: the banner, then whom to call, one line each, then the rest.
        body.append(_acute_banner(knowledge))
        body.extend(compact_contacts(topic.contacts))
        body.append(_text(t.answer, spacing="Medium"))
    else:
        body.append(_text(t.title, weight="Bolder", size="Medium"))
        body.append(_text(t.answer))
    if t.points:
        body.append(_text("\n".join(f"- {p}" for p in t.points)))
    if question is not None and question.topic.id != t.id:
        body.append(_text(knowledge.message("asked_too_heading", title=question.topic.title), weight="Bolder",
                          spacing="Medium"))
        body.append(_text(question.topic.answer))
        body.append(_text(source_line(question.topic.sources, knowledge), isSubtle=True, size="Small"))
    if t.kind != "acute":
        body.extend(contacts_section(contacts, knowledge))
    body.append(_text(source_line(t.sources, knowledge, sections=t.kind != "acute"), isSubtle=True, size="Small",
                      spacing="Medium"))
    body.append(feedback_row(t.id))
    lead = list(lead)
    led = {a["data"].get("topic") for a in lead}
    buttons = list({r.id: r for r in (*also, *topic.related) if r.id != t.id and r.id not in led}.values())
    actions = [topic_button(r) for r in buttons[:MAX_BUTTONS]]
    if t.flow and t.flow in knowledge.flows and not any(a["data"].get("flow") == t.flow for a in lead):
        actions.insert(0, flow_button(knowledge.flows[t.flow], knowledge, prefixed=True))
    # The acute card keeps to one row of buttons: what else was asked, then one related topic.
    limit = ACUTE_BUTTONS if t.kind == "acute" else MAX_BUTTONS + len(lead)
    return _card(body, (lead + actions)[:limit])


def fallback_card(knowledge: Knowledge, suggestions: Iterable[ResolvedTopic]) -> Attachment:
    """The honest "no confident answer" reply: closest topics as buttons and the plan's sparring contact."""
    sparring = knowledge.role("sparring")
    names = " / ".join(c.name for c in sparring) or knowledge.message("fallback_no_contact")
    body = [
        _text(knowledge.message("fallback_title"), weight="Bolder", size="Medium"),
        _text(knowledge.message("fallback_text", contact=names, municipality=knowledge.meta.municipality)),
    ]
    suggestions = list(suggestions)[:3]
    if suggestions:
        body.append(_text(knowledge.message("fallback_suggestions"), weight="Bolder", spacing="Medium"))
    body.extend(contacts_section(sparring, knowledge))
    return _card(body, [topic_button(s.topic) for s in suggestions])


def did_you_mean_card(knowledge: Knowledge, candidates: Iterable[ResolvedTopic]) -> Attachment:
    """Close runners-up: "Mente du ...?" with the top topics as buttons."""
    body = [
        _text(knowledge.message("did_you_mean_title"), weight="Bolder", size="Medium"),
        _text(knowledge.message("did_you_mean_text")),
    ]
    return _card(body, [topic_button(c.topic) for c in list(candidates)[:3]])


def menu_card(knowledge: Knowledge, title_key: str, text_key: str, coordinator: bool = False) -> Attachment:
    """Welcome or help: what the bot does, and the plan's flows and menu topics as buttons."""
    municipality = knowledge.meta.municipality
    body = [
        _text(knowledge.message(title_key), weight="Bolder", size="Medium"),
        _text(knowledge.message(text_key, municipality=municipality)),
        _text(knowledge.message("acute_banner"), weight="Bolder", color="Attention"),
    ]
    if coordinator:
        body.append(_text(knowledge.message("help_coordinator"), isSubtle=True))
    body.append(_text(knowledge.message("help_examples"), weight="Bolder", spacing="Medium"))
    actions = [flow_button(f, knowledge) for f in knowledge.flows.values()]
    actions += [topic_button(topic.topic) for topic in knowledge.menu if topic.topic.flow is None]
    return _card(body, actions[:MAX_BUTTONS + 1])


def passage_button(passage, knowledge: Knowledge) -> dict:
    """A button that shows a passage of the plan's text."""
    label = passage.section if len(passage.section) <= BUTTON_CHARS else \
        passage.section[:BUTTON_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,–-:") + "…"
    return {"type": "Action.Submit", "title": label, "data": {"action": ACTION_PASSAGE, "passage": passage.id}}


def named_contacts(text: str, knowledge: Knowledge) -> list[Contact]:
    """The plan's contacts a text names (by name, alias or phone number), in the order the plan lists them."""
    folded = " ".join(words(text))
    digits = re.sub(r"[^\d]", "", text)
    found = []
    for contact in knowledge.contacts.values():
        names = [" ".join(words(n)) for n in (contact.name, *contact.aliases)]
        named = any(n and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", folded) for n in names if len(n) > 3)
        number = contact.phone_digits and len(contact.phone_digits.lstrip("+")) >= 8 and \
            contact.phone_digits.lstrip("+").removeprefix("45") in digits
        if named or number:
            found.append(contact)
    return found


def passage_card(passage, knowledge: Knowledge, quote: Iterable[str] = (),
                 related: Iterable[Topic] = ()) -> Attachment:
    """The plan's own text as the answer: its heading, the sentences that answer (verbatim, or the whole passage
    from a button), where it stands, and the contacts it names as buttons to their cards."""
    quote = list(quote) or [passage.text]
    document = knowledge.documents[passage.document]
    body = [
        _text(passage.section, weight="Bolder", size="Medium"),
        _text(knowledge.message("passage_intro", document=document.title), isSubtle=True, spacing="None"),
        {"type": "Container", "style": "emphasis", "items": [_text("\n\n".join(quote))]},
    ]
    where = f"{document.title}, {passage.section}"
    if passage.page is not None:
        where += ", " + knowledge.message("passage_page", page=str(passage.page))
    body.append(_text(f"{knowledge.message('source_prefix')} {where}", isSubtle=True, size="Small",
                      spacing="Medium"))
    body.append(feedback_row(passage.id))
    contacts = named_contacts(passage.text, knowledge)
    buttons = [topic_button(knowledge.topics[CONTACT_TOPIC + c.id].topic) for c in contacts
               if CONTACT_TOPIC + c.id in knowledge.topics]
    buttons += [topic_button(t) for t in related]
    return _card(body, list({b["data"]["topic"]: b for b in buttons}.values())[:MAX_BUTTONS])


def replies_for(result: MatchResult, knowledge: Knowledge) -> list[Attachment]:
    """The cards that answer one question, in order.

    Safety first, and in view: a message that signals acute danger gets one short card that starts with 112
    and the plan's acute contacts. What else the message asked about is a button on it, one tap away: a second
    card after it would scroll the chat past 112 (Teams shows the newest message at the bottom)."""
    topics = knowledge.topics
    acute_id = knowledge.acute.topic
    if result.acute:
        return [answer_card(topics[acute_id], knowledge, lead=follow_up_buttons(result, knowledge))]
    if result.confident and result.flow is None:
        also = [topics[t].topic for t in (*result.tied, *result.asked_too)]
        intro = knowledge.message(f"worry_intro_{result.worry}") if result.worry else None
        # A worry told with a question of its own for whom to call ("... Kan hun ringe nogen steder anonymt?"):
        # the numbers of the card that answers it are in view on the card on what to do, not a tap away.
        asked = topics[result.call].contacts if result.call in topics and result.confident in WORRY_TOPICS.values() \
            else ()
        # ... and the short answer to its own question ("... Findes der et sted, hun kan bo?") under the steps.
        question = topics[result.question] if result.question in topics and result.confident in \
            WORRY_TOPICS.values() else None
        return [answer_card(topics[result.confident], knowledge, also, intro=intro, asked_contacts=asked,
                            question=question)]
    if result.passage is not None:
        related = [topics[t].topic for t in result.suggestions()]
        return [passage_card(knowledge.passages[result.passage.passage_id], knowledge, result.passage.quote,
                             related)]
    suggestions = [topics[t] for t in result.suggestions()]
    if result.decision is Decision.DID_YOU_MEAN:
        return [did_you_mean_card(knowledge, suggestions)]
    return [fallback_card(knowledge, suggestions)]


def follow_up_buttons(result: MatchResult, knowledge: Knowledge) -> list[dict]:
    """The guidance an acute message also asked for, as buttons for the acute card: what one of its sentences
    asks on its own, then the flow it triggers or the topic it matched (and that topic's flow)."""
    acute_id = knowledge.acute.topic
    # A question the message asks in a sentence of its own ("Kan man ringe anonymt til Lokk?") takes the place of
    # the card on what to do when worried (its guide stays), never of a flow or of a law the message names.
    asked = [topic_button(knowledge.topics[t].topic) for t in result.asked_too if t != acute_id][:1]
    if result.flow is not None and result.flow in knowledge.flows:
        return [flow_button(knowledge.flows[result.flow], knowledge, prefixed=True), *asked]
    if result.confident is None and result.passage is not None:
        return [*asked, passage_button(knowledge.passages[result.passage.passage_id], knowledge)]
    if result.confident is None or result.confident == acute_id:
        return asked
    topic = knowledge.topics[result.confident].topic
    buttons = asked if asked and topic.id in WORRY_TOPICS.values() else [topic_button(topic)]
    if topic.flow and topic.flow in knowledge.flows:
        buttons = [*buttons, flow_button(knowledge.flows[topic.flow], knowledge, prefixed=True)]
    return buttons


def step_card(flow: ResolvedFlow, step: FlowStep, knowledge: Knowledge) -> Attachment:
    """One step of a flow: the question and one button per choice."""
    body = [
        _text(flow.flow.title, isSubtle=True, size="Small"),
        _text(step.question, weight="Bolder"),
        _text(knowledge.message("flow_hint"), isSubtle=True, size="Small"),
    ]
    actions = [{"type": "Action.Submit", "title": choice.label,
                "data": {"action": ACTION_FLOW_CHOICE, "flow": flow.id, "step": step.id, "choice": i}}
               for i, choice in enumerate(step.choices)]
    return _card(body, actions)


def outcome_card(resolved: ResolvedOutcome, knowledge: Knowledge) -> Attachment:
    """Where a flow ends: what to do now, what not to do, whom to call (police first when acute)."""
    outcome = resolved.outcome
    body: list[dict] = []
    if outcome.kind == "acute":
        body.append(_acute_banner(knowledge))
    body.append(_text(outcome.title, weight="Bolder", size="Medium"))
    if outcome.kind == "acute":
        body.extend(compact_contacts(resolved.contacts))
    body.append(_text(outcome.summary))
    if outcome.kind != "acute":  # the acute card goes straight on to its numbered steps: it must stay short
        body.append(_text(knowledge.message("flow_do_heading"), weight="Bolder", spacing="Medium"))
    body.append(_text("\n".join(f"{i}. {step}" for i, step in enumerate(outcome.do, start=1))))
    if outcome.avoid:
        body.append(_text(knowledge.message("flow_avoid_heading"), weight="Bolder", spacing="Medium"))
        body.append(_text("\n".join(f"- {item}" for item in outcome.avoid)))
    if outcome.kind != "acute":
        body.extend(contacts_section(resolved.contacts, knowledge))
    body.append(_text(source_line(outcome.sources, knowledge, sections=outcome.kind != "acute"), isSubtle=True,
                      size="Small", spacing="Medium"))
    body.append(feedback_row(outcome.id))
    limit = ACUTE_OUTCOME_BUTTONS if outcome.kind == "acute" else MAX_BUTTONS
    return _card(body, [topic_button(r) for r in resolved.related[:limit]])


def reminder_card(knowledge: Knowledge) -> Attachment:
    """The yearly reminder from the plan: its text, whom to call, a link to the plan, the key topics."""
    resolved = knowledge.reminder
    reminder = resolved.reminder
    body = [_text(reminder.title, weight="Bolder", size="Medium"), _text(reminder.text)]
    if reminder.url:
        body.append(_text(f"[{knowledge.meta.title}]({reminder.url})"))
    body.extend(contacts_section(resolved.contacts, knowledge))
    return _card(body, [topic_button(t) for t in resolved.topics[:MAX_BUTTONS]])


def conversations(count: int, knowledge: Knowledge) -> str:
    """'1 samtale', '3 samtaler': a number of conversations in the plan's words."""
    return knowledge.message("conversations_one" if count == 1 else "conversations_many", count=str(count))


def reason_text(reason: str, knowledge: Knowledge) -> str:
    """Why a conversation could not be reached, in words ("http-404" is "chatten findes ikke længere")."""
    key = "reason_" + reason.replace("-", "_")
    if key in knowledge.messages:
        return knowledge.message(key)
    return knowledge.message("reason_other", code=reason.removeprefix("http-"))


def reminder_preview_card(knowledge: Knowledge, count: int, token: str) -> Attachment:
    """What the coordinator sees before sending: the reminder, how many get it, Send / Annuller."""
    preview = reminder_card(knowledge).content
    body = [_text(knowledge.message("reminder_preview", conversations=conversations(count, knowledge)),
                  isSubtle=True),
            {"type": "Container", "style": "emphasis", "items": preview["body"]}]
    actions = [
        {"type": "Action.Submit", "title": knowledge.message("reminder_send"),
         "data": {"action": ACTION_REMINDER_SEND, "token": token}},
        {"type": "Action.Submit", "title": knowledge.message("reminder_cancel"),
         "data": {"action": ACTION_REMINDER_CANCEL}},
    ]
    return _card(body, actions)


def _week_label(key: str, knowledge: Knowledge) -> str:
    """An ISO week key ("2026-W49") as Danish staff read it: "Uge 49 (30.11.–06.12.2026)"."""
    year, week = key.split("-W")
    monday = dt.date.fromisocalendar(int(year), int(week), 1)
    sunday = monday + dt.timedelta(days=6)
    return knowledge.message("stats_week", week=str(int(week)), start=monday.strftime("%d.%m."),
                             end=sunday.strftime("%d.%m.%Y"))


def stats_card(stats, knowledge: Knowledge) -> Attachment:
    """The coordinator's anonymous statistics, in words: the period, topics, guides and their outcomes by their
    titles; every count under 5 is shown as "<5"."""
    from .usage import shown

    def facts(pairs) -> dict:
        return {"type": "FactSet", "facts": [{"title": str(k), "value": shown(v)} for k, v in pairs] or
                [{"title": "–", "value": "0"}]}

    def heading(key: str) -> dict:
        return _text(knowledge.message(key), weight="Bolder", spacing="Medium")

    topic_title = {t: r.topic.title for t, r in knowledge.topics.items()}
    flows = knowledge.flows

    def flow_title(flow_id: str) -> str:
        return flows[flow_id].flow.title if flow_id in flows else flow_id

    def outcome_title(key: str) -> str:
        flow_id, _, outcome_id = key.partition(":")
        if outcome_id == "afbrudt":
            outcome = knowledge.message("stats_abandoned")
        elif flow_id in flows and outcome_id in flows[flow_id].outcomes:
            outcome = flows[flow_id].outcomes[outcome_id].outcome.title
        else:
            outcome = outcome_id
        return f"{flow_title(flow_id)}: {outcome}"

    period = (knowledge.message("stats_period", start=stats.period[0].strftime("%d.%m.%Y"),
                                end=stats.period[1].strftime("%d.%m.%Y"))
              if stats.period else knowledge.message("stats_period_empty"))
    body = [
        _text(knowledge.message("stats_title"), weight="Bolder", size="Medium"),
        _text(period, isSubtle=True, spacing="None"),
        heading("stats_questions_per_week"),
        facts((_week_label(w, knowledge), n) for w, n in stats.questions_per_week),
        heading("stats_top_topics"), facts((topic_title.get(t, t), n) for t, n in stats.top_topics),
        heading("stats_not_answered"), _text(stats.share_not_answered),
        heading("stats_flows_started"), facts((flow_title(f), n) for f, n in stats.flows_started),
        heading("stats_flows_finished"), facts((outcome_title(o), n) for o, n in stats.flows_finished),
        heading("stats_feedback"), facts(("👍" if v == "up" else "👎", n) for v, n in stats.feedback),
        _text(knowledge.message("stats_note"), isSubtle=True, size="Small", spacing="Medium"),
    ]
    return _card(body)
