"""Safe and true to its own plan: acute danger stays in view, contacts say where they come from, each bot
shows its own plan."""
from __future__ import annotations

import re

import pytest

from app import create_app
from bot import cards
from bot.settings import Settings
from knowledge import load_plan, shipped_plans
from knowledge.matcher import Matcher
from tests.card_layout import VISIBLE_CHAT_PX, card_height, height_until
from tests.fakes import card_of, card_text, message

ACUTE_MESSAGES = [
    "en elev er bange for at gå hjem fordi hendes far har truet hende",
    "hun skal giftes på lørdag i tyrkiet og vil ikke",
    "Der er akut fare, en pige bliver truet af sin bror lige nu",
    "Hvad siger loven om tvangsægteskab? Hun skal giftes i morgen og vil ikke",
    "jeg er bekymret for en elev, hendes far har truet med at slå hende ihjel",
]


async def _ask(aiohttp_client, connector, tmp_path, plan, text, conversation="c1"):
    settings = Settings.from_env({"DATA_DIR": str(tmp_path / plan), "PLAN": plan, "PLAYGROUND": "0"})
    client = await aiohttp_client(await create_app(settings))
    response = await client.post("/api/messages", json=message(text, connector.url, conversation))
    assert response.status == 200
    return connector.replies(conversation)


@pytest.mark.parametrize("plan", shipped_plans())
@pytest.mark.parametrize("text", ACUTE_MESSAGES)
async def test_an_acute_reply_is_one_short_card_that_starts_with_112_and_the_acute_contacts(
        aiohttp_client, connector, tmp_path, plan, text):
    replies = await _ask(aiohttp_client, connector, tmp_path, plan, text)
    assert len(replies) == 1, "a second card after the acute one scrolls the chat past 112"
    card = card_of(replies[0])
    shown = card_text(card)
    assert shown.startswith("Ved akut fare: ring 112 nu.")
    acute = load_plan(plan).role("acute")
    first_other_text = shown.index(load_plan(plan).topics["akut-fare"].topic.answer[:30])
    for contact in ("112", *(c.name for c in acute)):
        assert shown.index(contact) < first_other_text, contact
    assert card_height(card) <= VISIBLE_CHAT_PX, f"the acute card is {card_height(card)} px tall"


@pytest.mark.parametrize("plan", shipped_plans())
def test_every_acute_flow_outcome_fits_on_a_laptop_screen_with_112_first(plan):
    knowledge = load_plan(plan)
    for flow in knowledge.flows.values():
        for outcome in flow.outcomes.values():
            if outcome.outcome.kind != "acute":
                continue
            card = cards.outcome_card(outcome, knowledge).content
            assert card_text(card).startswith("Ved akut fare: ring 112 nu."), outcome.outcome.id
            assert any(c.phone == "112" for c in outcome.contacts), outcome.outcome.id
            assert card_height(card) <= VISIBLE_CHAT_PX, (outcome.outcome.id, card_height(card))
            assert height_until(card, "112") < 120


def test_the_acute_card_offers_what_else_the_message_asked_about_one_tap_away():
    knowledge = load_plan("holstebro")
    result = Matcher(knowledge).match("Jeg er bekymret for et barn, hendes far har truet med at slå hende ihjel")
    assert result.acute
    [card] = cards.replies_for(result, knowledge)
    flows = [a["data"].get("flow") for a in card.content["actions"]]
    assert "bekymret-barn" in flows


@pytest.mark.parametrize("plan,municipal,adopted", [
    ("holstebro", "Fra Holstebro Kommunes beredskabsplan om æresrelaterede konflikter og negativ social kontrol", ""),
    ("albertslund", "Fra Albertslunds Kommunes beredskabsplan", ", vedtaget 10.10.2023"),
])
def test_a_contact_says_where_its_number_comes_from_and_claims_no_check(plan, municipal, adopted):
    knowledge = load_plan(plan)
    for contact in knowledge.contacts.values():
        line = cards.contact_provenance(contact, knowledge)
        if knowledge.is_national(contact.source.document):
            assert line == "Landsdækkende kontakt"
        else:
            assert line.startswith(municipal) and line.endswith(adopted or "konflikter og negativ social kontrol")
        assert "Kontrolleret" not in line and "Bekræftet" not in line
    card = card_text(cards.answer_card(knowledge.topics["kontakt-viso"], knowledge).content)
    assert "Landsdækkende kontakt" in card and "Kontrolleret" not in card


@pytest.mark.parametrize("plan,other", [("holstebro", "albertslund"), ("albertslund", "holstebro")])
def test_nothing_a_bot_shows_names_the_other_municipality_or_its_people(plan, other):
    knowledge = load_plan(plan)
    shown = [*knowledge.messages.values()]
    for topic in knowledge.topics.values():
        t = topic.topic
        shown += [t.title, t.answer, *t.points, *(d.title for d in topic.sources), *(c.name for c in topic.contacts),
                  *(c.description or "" for c in topic.contacts)]
    for flow in knowledge.flows.values():
        shown += [flow.flow.title, *(s.question for s in flow.steps.values())]
        for outcome in flow.outcomes.values():
            o = outcome.outcome
            shown += [o.title, o.summary, *o.do, *o.avoid, *(d.title for d in outcome.sources),
                      *(c.name for c in outcome.contacts)]
    if knowledge.reminder:
        shown += [knowledge.reminder.reminder.text, *(c.name for c in knowledge.reminder.contacts)]
    text = "\n".join(shown).lower()
    assert other not in text
    if plan == "albertslund":  # Holstebro's people: its SSP coordinator and its vidensteam
        assert "ssp" not in text and "vidensteam" not in text
    else:
        assert "familieafsnit" not in text and not re.search(r"\bteam om æresrelaterede", text)


@pytest.mark.parametrize("plan", shipped_plans())
@pytest.mark.parametrize("text", [
    "Fatima fra 7.b er bange for sin far, hvad gør jeg",
    "fra 7b er bange for sin far hvad gør jeg",
    "en pige i 9. klasse er bange for sin far",
    "en pige på 15 må ikke gå ud efter skole",
    "min elev siger at hendes mor kontrollerer hendes telefon",
])
async def test_a_pupil_or_an_age_under_18_gets_the_child_guidance_never_the_adult(aiohttp_client, connector,
                                                                                 tmp_path, plan, text):
    replies = await _ask(aiohttp_client, connector, tmp_path, plan, text)
    shown = "\n".join(card_text(card_of(r)) if r.get("attachments") else r["text"] for r in replies)
    assert "Bekymring for en voksen" not in shown and "Bekymret for en voksen" not in shown
    assert "Bekymring for et barn" in shown or "Bekymret for et barn" in shown


def test_an_adult_age_is_no_child():
    knowledge = load_plan("holstebro")
    result = Matcher(knowledge).match("en kvinde på 34 fortæller at hendes mand tager hendes løn")
    assert result.confident == "bekymring-voksen"


@pytest.mark.parametrize("text,audience", [
    ("En elev på 19 på HF siger at familien bestemmer hvem han ser", "adult"),  # HF, sprogskole: pupils are adults
    ("eleven er 20 år og må ikke tage et studiejob", "adult"),
    ("en elev på 15 må ikke gå ud efter skole", "child"),
    ("eleven er 2 år bagud og bliver holdt hjemme", "child"),  # a number, not the pupil's age
    ("en kvinde (34) fortæller at manden tager hendes løn", "adult"),  # a number right after a person: her age
    ("pigen, 15, siger at broren tjekker hendes telefon", "child"),
    ("en pige 14 dage efter ferien", None),
    ("Jeg er lærer i en klasse på 24 elever. En pige siger at broren tjekker hende", "child"),  # no pupil's age
    ("Hendes storebror 25 holder øje med hende, hun går i 8. klasse", "child"),  # the class says who it is about
    ("kvinden har en søn 2 døtre og en mand der styrer pengene", None),
])
def test_a_persons_own_age_says_whether_she_is_a_child(text, audience):
    from knowledge.matcher import audience_of
    from knowledge.text import words
    assert audience_of(words(text)) == audience


@pytest.mark.parametrize("plan", shipped_plans())
@pytest.mark.parametrize("text", ["hvordan søger jeg ferie", "kan jeg få løn for overarbejde",
                                  "hvordan håndterer jeg mobning i klassen"])
async def test_out_of_scope_is_said_plainly_with_where_else_to_ask(aiohttp_client, connector, tmp_path, plan, text):
    [reply] = await _ask(aiohttp_client, connector, tmp_path, plan, text)
    card = card_of(reply)
    shown = card_text(card)
    assert "ikke sikker" in shown or "fandt ikke" in shown
    assert "Jeg svarer kun på spørgsmål om æresrelaterede konflikter" in shown and "HR" in shown
    knowledge = load_plan(plan)
    offered = [a["data"].get("topic") for a in card.get("actions", ())]
    alarming = {t for t, r in knowledge.topics.items()
                if r.topic.kind == "acute" or r.source.id in ("straffeloven",) or r.topic.flow}
    assert not set(offered) & alarming, offered
    if not offered:  # never a promise of topics "herunder" that are not there
        assert "herunder" not in shown and "Måske mener du" not in shown
