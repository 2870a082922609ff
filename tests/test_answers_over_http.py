"""Answers through POST /api/messages, with the replies captured by a fake Bot Connector."""
from __future__ import annotations

import json

import pytest

from app import create_app
from bot.settings import Settings
from tests.fakes import card_of, card_text, conversation_update, message


async def test_definition_question_gets_an_adaptive_card_answer(ask):
    replies = await ask("Hvad er negativ social kontrol?")
    assert len(replies) == 1
    card = card_of(replies[0])
    assert card["version"] == "1.5"
    text = card_text(card)
    assert "livsudfoldelse" in text
    assert "Kilde:" in text


async def test_answer_card_has_tap_to_call_contacts(ask):
    card = card_of((await ask("Hvad er nummeret til Familiesektionen?"))[0])
    text = card_text(card)
    assert "96 11 53 70" in text
    assert "tel:96115370" in json.dumps(card)


async def test_related_topic_button_sends_plain_data_and_opens_that_topic(ask, client):
    from app import KNOWLEDGE
    card = card_of((await ask("Hvad er negativ social kontrol?"))[0])
    button = card["actions"][0]
    assert button["type"] == "Action.Submit"
    assert "msteams" not in button["data"]
    replies = await ask("", value=button["data"])
    title = client.app[KNOWLEDGE].topics[button["data"]["topic"]].topic.title
    assert card_text(card_of(replies[0])).startswith(title)


async def test_button_labels_fit_teams(client):
    from app import KNOWLEDGE
    from bot.cards import BUTTON_CHARS, button_label
    for topic in client.app[KNOWLEDGE].topics.values():
        assert len(button_label(topic.topic)) <= BUTTON_CHARS


async def test_unknown_question_gets_the_fallback_with_sparring_contact(ask):
    replies = await ask("Hvornår lukker svømmehallen?")
    text = card_text(card_of(replies[0]))
    assert "fandt ikke" in text.lower()
    assert "SSP" in text


@pytest.mark.parametrize("plan,question,number", [
    ("holstebro", "Hvad er nummeret til Familiesektionen?", "96 11 53 70"),
    ("albertslund", "Hvad er Familieafsnittets nummer?", "43 68 64 86"),
])
async def test_each_plan_answers_its_own_contact_number(aiohttp_client, connector, tmp_path, plan, question, number):
    settings = Settings.from_env({"DATA_DIR": str(tmp_path), "PLAN": plan, "PLAYGROUND": "0"})
    client = await aiohttp_client(await create_app(settings))
    response = await client.post("/api/messages", json=message(question, connector.url))
    assert response.status == 200
    assert number in card_text(card_of(connector.replies("conv-1")[0]))


async def test_both_plans_answer_the_nsk_definition(aiohttp_client, connector, tmp_path):
    # Each in its own plan's definition: Holstebro the national action plan's, Albertslund SIRI's.
    for plan, word in (("holstebro", "livsudfoldelse"), ("albertslund", "regulere")):
        settings = Settings.from_env({"DATA_DIR": str(tmp_path / plan), "PLAN": plan, "PLAYGROUND": "0"})
        client = await aiohttp_client(await create_app(settings))
        response = await client.post("/api/messages", json=message("Hvad er negativ social kontrol?",
                                                                    connector.url, conversation=plan))
        assert response.status == 200
        assert word in card_text(card_of(connector.replies(plan)[0]))


async def test_acute_danger_puts_police_first(ask):
    replies = await ask("Der er akut fare, en pige bliver truet af sin bror lige nu")
    first = card_text(card_of(replies[0]))
    assert first.index("112") < first.index("Kilde:")
    assert "tel:112" in json.dumps(card_of(replies[0]))


async def test_help_shows_what_the_bot_can_do(ask):
    replies = await ask("hjælp")
    card = card_of(replies[0])
    assert "Holstebro Kommune" in card_text(card)
    assert all(a["type"] == "Action.Submit" for a in card["actions"])


async def test_mention_in_a_channel_is_stripped(ask):
    entities = [{"type": "mention", "text": "<at>Beredskabsbot</at>",
                 "mentioned": {"id": "28:bot-id", "name": "Beredskabsbot"}}]
    replies = await ask("<at>Beredskabsbot</at> hjælp", conversation="channel-1",
                        conversation_type="channel", entities=entities)
    assert "Det kan jeg hjælpe med" in card_text(card_of(replies[0]))


@pytest.mark.parametrize("conversation_type", ["personal", "channel", "groupChat"])
async def test_welcome_card_when_the_bot_is_installed(client, connector, conversation_type):
    conv = f"install-{conversation_type}"
    response = await client.post("/api/messages", json=conversation_update(
        connector.url, conv, members=["28:bot-id"], conversation_type=conversation_type))
    assert response.status == 200
    replies = connector.replies(conv)
    assert len(replies) == 1
    assert "Beredskabsbot" in card_text(card_of(replies[0]))


async def test_no_welcome_when_a_colleague_joins_a_team(client, connector):
    response = await client.post("/api/messages", json=conversation_update(
        connector.url, "team-1", members=["29:new-colleague"], conversation_type="channel"))
    assert response.status == 200
    assert connector.replies("team-1") == []


async def test_every_reply_is_well_under_the_teams_size_limit(ask, client):
    from app import KNOWLEDGE
    knowledge = client.app[KNOWLEDGE]
    for topic in knowledge.topics.values():
        replies = await ask("", value={"action": "topic", "topic": topic.id})
        assert len(json.dumps(replies[-1]).encode()) < 28 * 1024, topic.id


async def test_healthz_names_the_plan(client):
    response = await client.get("/healthz")
    assert response.status == 200
    assert (await response.json())["plan"] == "holstebro"
