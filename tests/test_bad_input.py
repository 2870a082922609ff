"""A client's mistake gets a clear 4xx, never a 500, and the process keeps serving."""
from __future__ import annotations

import io
import logging

import pytest

from tests.fakes import card_of, message


async def _still_serving(client, connector, conversation="after"):
    response = await client.post("/api/messages", json=message("hjælp", connector.url, conversation))
    assert response.status == 200
    assert connector.replies(conversation)


@pytest.mark.parametrize("body,status", [
    (b"{not json", 400),
    (b"[1, 2, 3]", 400),
    (b"\"a string\"", 400),
    (b"42", 400),
    (b"\xff\xfe\x00", 400),
    (b"{}", 400),
    (b'{"type": "message", "serviceUrl": "http://x", "text": "hej"}', 400),
    (b'{"type": "message", "conversation": {"id": "c"}, "text": "hej"}', 400),
    (b'{"type": "message", "conversation": "c", "serviceUrl": "http://x"}', 400),
    (b'{"type": 5, "conversation": {"id": "c"}, "serviceUrl": "http://x"}', 400),
])
async def test_malformed_bodies_get_400(client, connector, body, status):
    response = await client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})
    assert response.status == status
    await _still_serving(client, connector)


async def test_wrong_content_type_gets_415(client, connector):
    response = await client.post("/api/messages", data="hej", headers={"Content-Type": "text/plain"})
    assert response.status == 415
    await _still_serving(client, connector)


async def test_body_over_one_megabyte_gets_413(client, connector):
    big = b'{"type": "message", "text": "' + b"a" * (1024 * 1024) + b'"}'
    response = await client.post("/api/messages", data=io.BytesIO(big), headers={"Content-Type": "application/json"})
    assert response.status == 413
    await _still_serving(client, connector)


@pytest.mark.parametrize("text", [
    "hvad er negativ social kontrol " * 1700,       # ~50,000 characters
    "😀🙏🏽👍 hvad er tegnene? 🚨",
    "ما هي السيطرة الاجتماعية السلبية؟",
    "hvad\x00 er\x07 tegnene\x1b[31m?\u200b\ufeff",
    "\u202e\u202d",
    "§§§ ??? !!!",
])
async def test_odd_messages_get_a_normal_reply(ask, text):
    replies = await ask(text)
    assert len(replies) >= 1
    assert replies[0].get("attachments") or replies[0].get("text")


async def test_fifty_thousand_character_message_gets_a_normal_reply(ask):
    replies = await ask("x" * 50_000)
    assert len(replies) == 1
    card_of(replies[0])


async def test_unknown_activity_type_gets_200_and_no_reply(client, connector):
    activity = message("hej", connector.url, "weird")
    activity["type"] = "somethingNew"
    response = await client.post("/api/messages", json=activity)
    assert response.status == 200
    assert [a for a in connector.sent if a["_conversation"] == "weird"] == []


async def test_message_without_text_gets_a_prompt_to_write(ask):
    replies = await ask(None)
    assert replies[0]["text"]


async def test_unreachable_connector_is_not_a_500(client, caplog):
    caplog.set_level(logging.INFO)
    response = await client.post("/api/messages", json=message("hjælp", "http://127.0.0.1:9"))
    assert response.status == 200
    await _still_serving_after_failure(client)


async def _still_serving_after_failure(client):
    response = await client.get("/healthz")
    assert response.status == 200


async def test_no_message_text_user_name_or_id_in_any_log_line(ask, caplog):
    caplog.set_level(logging.DEBUG)
    canary = "KANARIE-4711"
    await ask(f"Hvad er negativ social kontrol {canary}?", user_name=f"Navn {canary}")
    await ask(f"{canary} ukendt spørgsmål om frokost", user_name=f"Navn {canary}")
    logged = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    assert canary not in logged
    assert "29:user-aad" not in logged
    assert "00000000-aaaa-bbbb-cccc-000000000001" not in logged
