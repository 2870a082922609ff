"""Matching: every topic is reachable by its own questions; the shared example questions get right answers."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from knowledge import load_plan, shipped_plans
from knowledge.matcher import Matcher
from knowledge.text import words

EXAMPLES = yaml.safe_load((Path(__file__).parent / "eval" / "examples.yaml").read_text(encoding="utf-8"))
FALLBACK_PHRASES = ("ikke sikker", "kan ikke finde", "fandt ikke", "forstår ikke")

_matchers: dict[str, Matcher] = {}


def matcher(plan: str) -> Matcher:
    if plan not in _matchers:
        _matchers[plan] = Matcher(load_plan(plan))
    return _matchers[plan]


def _topics():
    for plan in shipped_plans():
        for topic_id in load_plan(plan).topics:
            yield plan, topic_id


@pytest.mark.parametrize("plan,topic_id", list(_topics()))
def test_every_topic_is_reachable_by_one_of_its_own_questions(plan, topic_id):
    m = matcher(plan)
    topic = load_plan(plan).topics[topic_id].topic
    hits = [q for q in topic.questions if m.match(q).confident == topic_id]
    assert hits, f"no question of {topic_id} finds it: {[(q, m.match(q).candidates[:2]) for q in topic.questions]}"


def joined(text: str) -> str:
    """Lower-case with digit groups joined, as questions.yaml compares: '70 27 76 66' -> '70277666'."""
    return re.sub(r"(?<=\d)[ .](?=\d)", "", text.lower())


def is_right(reply: str, question: str, expect) -> bool:
    """questions.yaml's rule: every group has an alternative in the reply, one not just a question word."""
    reply, q_words = joined(reply), set(words(question))
    found = []
    for group in expect:
        hits = [str(alt).lower() for alt in group if joined(str(alt)) in reply]
        if not hits:
            return False
        found.extend(hits)
    return any(alt not in q_words for alt in found)


def _examples():
    for i, example in enumerate(EXAMPLES):
        plans = shipped_plans() if example["plan"] == "any" else [example["plan"]]
        for plan in plans:
            yield pytest.param(plan, example, id=f"{plan}-{i}-{example['kind']}")


@pytest.mark.parametrize("plan,example", list(_examples()))
async def test_example_question_gets_a_right_answer(plan, example, aiohttp_client, connector, tmp_path):
    from app import create_app
    from bot.settings import Settings
    from tests.fakes import card_text, message

    settings = Settings.from_env({"DATA_DIR": str(tmp_path), "PLAN": plan, "PLAYGROUND": "0"})
    client = await aiohttp_client(await create_app(settings))
    response = await client.post("/api/messages", json=message(example["q"], connector.url))
    assert response.status == 200
    reply = "\n".join(card_text(a["attachments"][0]["content"]) if a.get("attachments") else a.get("text", "")
                      for a in connector.replies("conv-1"))
    is_fallback = any(p in reply.lower() for p in FALLBACK_PHRASES)
    if example["kind"] == "oos":
        assert is_fallback, reply
    else:
        assert not is_fallback, reply
        assert is_right(reply, example["q"], example["expect"]), reply
