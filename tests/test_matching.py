"""Matching: every topic is reachable by its own questions; the shared example questions get right answers."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge import load_plan, shipped_plans
from benchmarks.evaluate import is_no_answer, is_right
from knowledge.matcher import Matcher

EXAMPLES = yaml.safe_load((Path(__file__).parent / "eval" / "examples.yaml").read_text(encoding="utf-8"))

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
    knowledge = load_plan(plan)
    topic = knowledge.topics[topic_id].topic
    if topic_id == knowledge.acute.topic:
        # The acute card is reached by acute danger in the message, never by shared words: all its questions.
        assert [q for q in topic.questions if not m.match(q).acute] == []
        return
    hits = [q for q in topic.questions if m.match(q).confident == topic_id]
    assert hits, f"no question of {topic_id} finds it: {[(q, m.match(q).candidates[:2]) for q in topic.questions]}"


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
    if example["kind"] == "oos":
        assert is_no_answer(reply), reply
    else:
        assert is_right(reply, example["q"], example["expect"]), reply
