"""Guided flows, walked through the bot over HTTP. Every path of every flow of both plans is generated
from the same YAML the bot runs."""
from __future__ import annotations

import shutil
import textwrap

import pytest

from app import create_app
from bot.settings import Settings
from knowledge import PlanError, load_plan, shipped_plans
from knowledge.loader import KNOWLEDGE_DIR
from tests.fakes import card_of, card_text, message


def _paths(flow):
    """Every path through a flow: (list of (step id, choice index), outcome id)."""
    out = []

    def walk(step_id, taken):
        for i, choice in enumerate(flow.steps[step_id].choices):
            if choice.outcome:
                out.append((taken + [(step_id, i)], choice.outcome))
            else:
                walk(choice.next, taken + [(step_id, i)])
    walk(flow.flow.start, [])
    return out


def _all_paths():
    for plan in shipped_plans():
        for flow in load_plan(plan).flows.values():
            for steps, outcome in _paths(flow):
                yield pytest.param(plan, flow.id, steps, outcome, id=f"{plan}-{flow.id}-{outcome}-{len(steps)}")


class Chat:
    """One conversation with the bot over HTTP, as Teams would hold it."""

    def __init__(self, client, connector, conversation="flow-1"):
        self.client, self.connector, self.conversation = client, connector, conversation

    async def send(self, text=None, value=None) -> list[dict]:
        before = len(self.connector.replies(self.conversation))
        response = await self.client.post("/api/messages", json=message(
            text, self.connector.url, self.conversation, value=value))
        assert response.status == 200, await response.text()
        return self.connector.replies(self.conversation)[before:]


async def _client(aiohttp_client, tmp_path, plan="holstebro", **env):
    settings = Settings.from_env({"DATA_DIR": str(tmp_path / "data"), "PLAN": plan, "PLAYGROUND": "0", **env})
    return await aiohttp_client(await create_app(settings))


def _texts(replies):
    return [card_text(r["attachments"][0]["content"]) if r.get("attachments") else r.get("text", "") for r in replies]


@pytest.mark.parametrize("plan,flow_id,steps,outcome_id", list(_all_paths()))
async def test_every_path_of_every_flow_ends_in_its_action_card(aiohttp_client, connector, tmp_path,
                                                                plan, flow_id, steps, outcome_id):
    knowledge = load_plan(plan)
    flow = knowledge.flows[flow_id]
    chat = Chat(await _client(aiohttp_client, tmp_path, plan), connector)
    replies = await chat.send("", value={"action": "flow", "flow": flow_id})
    for step_id, choice in steps:
        assert flow.steps[step_id].question.split()[0] in _texts(replies)[-1]
        replies = await chat.send("", value={"action": "flow_choice", "flow": flow_id, "step": step_id,
                                              "choice": choice})
        assert _texts(replies)[0].endswith(flow.steps[step_id].choices[choice].label)
    outcome = flow.outcomes[outcome_id]
    card = _texts(replies)[-1]
    assert outcome.outcome.title in card
    for contact in outcome.contacts:
        assert contact.name in card
        if contact.phone:
            assert contact.phone in card


@pytest.mark.parametrize("plan,police,police_phone,acute_contact", [
    ("holstebro", "Midt- og Vestjyllands Politi", "112", "SSP Holstebro"),
    ("albertslund", "Københavns Vestegns Politi", "43 86 14 48", "Familieafsnittet"),
])
async def test_child_flow_yes_ends_in_the_acute_card_with_the_police(aiohttp_client, connector, tmp_path,
                                                                     plan, police, police_phone, acute_contact):
    chat = Chat(await _client(aiohttp_client, tmp_path, plan), connector)
    await chat.send("Jeg er bekymret for et barn")
    card = _texts(await chat.send("ja"))[-1]
    assert card.startswith("Ved akut fare: ring 112 nu.")
    assert police in card and police_phone in card and acute_contact in card
    assert card.index(police) < card.index("1. ")  # whom to call before what to do


async def test_holstebro_child_flow_sends_staff_to_ssp_as_its_plan_does(aiohttp_client, connector, tmp_path):
    chat = Chat(await _client(aiohttp_client, tmp_path, "holstebro"), connector)
    await chat.send("bekymring for en elev")
    card = _texts(await chat.send("nej"))[-1]
    assert "SSP står som kontakt på alle action cards" in card
    assert "skærpede underretningspligt" in card and "procedure" in card and "Vidensteamet" in card
    # Holstebro's plan has no consent rule and names no underretning recipient: the card borrows neither.
    assert "samtykke" not in card and "Familiesektionen" not in card and "Albertslund" not in card


@pytest.mark.parametrize("choices,consent", [(["nej", "ja", "nej"], True), (["nej", "ved ikke", "ja"], True),
                                             (["nej", "nej"], False)])
async def test_albertslund_child_flow_keeps_the_consent_rule_when_the_parents_may_be_the_worry(
        aiohttp_client, connector, tmp_path, choices, consent):
    chat = Chat(await _client(aiohttp_client, tmp_path, "albertslund"), connector)
    await chat.send("bekymring for en elev")
    for choice in choices:
        replies = await chat.send(choice)
    card = _texts(replies)[-1]
    assert "skærpet underretningspligt" in card
    assert "Team om æresrelaterede konflikter" in card and "Underretning til Albertslund Kommune" in card
    assert ("med barnets eller den unges samtykke" in card) is consent
    assert "Holstebro" not in card and "SSP" not in card


@pytest.mark.parametrize("plan,adult_words", [
    ("holstebro", ["underretningspligt", "SSP", "Holstebro Krisecenter", "Åben anonymrådgivning for voksne"]),
    ("albertslund", ["underretningspligt", "bisidder", "Sikkerhedskonsulenterne", "Team om æresrelaterede"]),
])
async def test_adult_and_travel_flows_end_in_their_cards(aiohttp_client, connector, tmp_path, plan, adult_words):
    chat = Chat(await _client(aiohttp_client, tmp_path, plan), connector)
    await chat.send("jeg er bekymret for en voksen")
    await chat.send("nej")
    adult = _texts(await chat.send("ja"))[-1]
    assert all(word in adult for word in adult_words), adult
    await chat.send("tvangsægteskab eller udrejse")
    await chat.send("senere")
    travel = _texts(await chat.send("under 18"))[-1]
    assert "260" in travel and "215 a" in travel and "Udenrigsministeriet" in travel


@pytest.mark.parametrize("plan", shipped_plans())
async def test_an_unknown_departure_date_is_never_handled_as_not_acute(aiohttp_client, connector, tmp_path, plan):
    chat = Chat(await _client(aiohttp_client, tmp_path, plan), connector)
    await chat.send("tvangsægteskab eller udrejse")
    card = _texts(await chat.send("ved ikke"))[-1]
    assert card.startswith("Ved akut fare: ring 112 nu.")
    for contact in load_plan(plan).role("acute"):
        assert contact.name in card
    assert card.index("112") < card.index("1. ")


async def test_albertslund_child_departure_card_carries_the_plans_always_rule_and_consent(aiohttp_client,
                                                                                        connector, tmp_path):
    chat = Chat(await _client(aiohttp_client, tmp_path, "albertslund"), connector)
    await chat.send("tvangsægteskab eller udrejse")
    await chat.send("senere")
    card = _texts(await chat.send("under 18"))[-1]
    assert "Kontakt altid Familieafsnittet" in card and "43 68 64 86" in card and "43 86 14 48" in card
    assert "med barnets eller den unges samtykke" in card


@pytest.mark.parametrize("plan", shipped_plans())
def test_no_card_lets_the_family_be_contacted_once_the_municipality_knows(plan):
    """Review H1: the consent rule is never replaced by "don't contact the family until ..."."""
    knowledge = load_plan(plan)
    texts = [" ".join((o.outcome.summary, *o.outcome.do, *o.outcome.avoid))
             for f in knowledge.flows.values() for o in f.outcomes.values()]
    texts += [" ".join((t.topic.answer, *t.topic.points)) for t in knowledge.topics.values()]
    assert not [t for t in texts if "før du har talt med kommunen" in t or "før du har talt med" in t]


async def test_afbryd_leaves_the_flow_and_a_plain_question_gets_a_plain_answer(aiohttp_client, connector, tmp_path):
    chat = Chat(await _client(aiohttp_client, tmp_path), connector)
    await chat.send("Jeg er bekymret for et barn")
    assert _texts(await chat.send("afbryd"))[-1] == "Det er afbrudt. Skriv bare et nyt spørgsmål."
    answer = _texts(await chat.send("Hvad er negativ social kontrol?"))
    assert len(answer) == 1 and "livsudfoldelse" in answer[0]


async def test_tilbage_goes_one_step_back_and_forfra_restarts(aiohttp_client, connector, tmp_path):
    chat = Chat(await _client(aiohttp_client, tmp_path, "albertslund"), connector)
    await chat.send("Jeg er bekymret for et barn")
    assert "forældrenes" in _texts(await chat.send("nej"))[-1]
    assert "akut fare" in _texts(await chat.send("tilbage"))[-1]
    assert "første spørgsmål" in _texts(await chat.send("tilbage"))[0]
    await chat.send("nej")
    await chat.send("ja")
    assert "akut fare" in _texts(await chat.send("forfra"))[-1]


async def test_a_question_mid_flow_is_answered_and_the_step_asked_again(aiohttp_client, connector, tmp_path):
    chat = Chat(await _client(aiohttp_client, tmp_path, "albertslund"), connector)
    await chat.send("Jeg er bekymret for et barn")
    texts = _texts(await chat.send("Hvad er skærpet underretningspligt?"))
    assert "underretningspligt" in texts[0] and "formodning" in texts[0]
    assert "akut fare" in texts[-1]
    assert "forældrenes adfærd" in _texts(await chat.send("nej"))[-1]


async def test_a_restart_of_the_bot_between_two_steps_continues(aiohttp_client, connector, tmp_path):
    client = await _client(aiohttp_client, tmp_path, "albertslund")
    chat = Chat(client, connector)
    await chat.send("Jeg er bekymret for et barn")
    await chat.send("nej")
    await client.close()
    chat = Chat(await _client(aiohttp_client, tmp_path, "albertslund"), connector)
    assert "selv henvendt sig" in _texts(await chat.send("ja"))[-1]


async def test_a_flow_left_too_long_starts_fresh(aiohttp_client, connector, tmp_path, monkeypatch):
    import dialogs.flow_dialog as flow_module
    chat = Chat(await _client(aiohttp_client, tmp_path, FLOW_TIMEOUT_MINUTES="1"), connector)
    await chat.send("Jeg er bekymret for et barn")
    now = flow_module.time.time()
    monkeypatch.setattr(flow_module.time, "time", lambda: now + 120)
    texts = _texts(await chat.send("Hvad er negativ social kontrol?"))
    assert "lang tid" in texts[0] and "livsudfoldelse" in texts[-1]


async def test_chosen_answer_is_echoed_and_old_buttons_do_not_break_the_flow(aiohttp_client, connector, tmp_path):
    chat = Chat(await _client(aiohttp_client, tmp_path, "albertslund"), connector)
    first = await chat.send("Jeg er bekymret for et barn")
    old_button = card_of(first[-1])["actions"][1]["data"]
    await chat.send("nej")
    texts = _texts(await chat.send("", value=old_button))
    assert "forældrenes adfærd" in texts[-1]


async def test_situation_answer_offers_to_start_the_flow(aiohttp_client, connector, tmp_path):
    chat = Chat(await _client(aiohttp_client, tmp_path), connector)
    card = card_of((await chat.send("En elev i 8. klasse må ikke deltage i lejrskolen og virker meget trist"))[0])
    button = card["actions"][0]
    assert button["data"] == {"action": "flow", "flow": "bekymret-barn"}
    assert "akut" in _texts(await chat.send("", value=button["data"]))[-1]


async def test_help_menu_lists_the_flows(aiohttp_client, connector, tmp_path):
    chat = Chat(await _client(aiohttp_client, tmp_path), connector)
    card = card_of((await chat.send("hjælp"))[0])
    flows = [a["data"]["flow"] for a in card["actions"] if a["data"]["action"] == "flow"]
    assert flows == ["bekymret-barn", "bekymret-voksen", "tvangsaegteskab-udrejse"]


# The loader rejects broken flows, with file and line.

def _plan_with_flow(tmp_path, flow_yaml: str):
    target = tmp_path / "plan"
    shutil.copytree(KNOWLEDGE_DIR / "holstebro", target)
    (target / "flows.yaml").write_text(textwrap.dedent(flow_yaml), encoding="utf-8")
    with pytest.raises(PlanError) as error:
        load_plan(target)
    return error.value.errors


FLOW_HEAD = """\
flows:
  - id: test
    title: Test
    triggers: [test]
    start: a
    steps:
"""
OUTCOME = """\
    outcomes:
      - id: done
        title: Done
        summary: Done
        do: [Ring]
        contacts: [politi]
        source: {document: holstebro-beredskabsplan, section: S}
"""


def test_dangling_next_is_rejected_with_file_and_line(tmp_path):
    errors = _plan_with_flow(tmp_path, FLOW_HEAD + """\
      - id: a
        question: Q
        choices: [{label: Ja, outcome: done}, {label: Nej, next: nowhere}]
""" + OUTCOME)
    assert any("flows.yaml:9: flows[0].steps[0].choices[1].next: unknown step 'nowhere'" in e for e in errors), errors


def test_unreachable_step_is_rejected(tmp_path):
    errors = _plan_with_flow(tmp_path, FLOW_HEAD + """\
      - id: a
        question: Q
        choices: [{label: Ja, outcome: done}, {label: Nej, outcome: done}]
      - id: lost
        question: Q
        choices: [{label: Ja, outcome: done}, {label: Nej, outcome: done}]
""" + OUTCOME)
    assert any("flows.yaml:10: flows[0].steps[1].id: step 'lost' cannot be reached" in e for e in errors), errors


def test_loop_without_exit_is_rejected(tmp_path):
    errors = _plan_with_flow(tmp_path, FLOW_HEAD + """\
      - id: a
        question: Q
        choices: [{label: Ja, outcome: done}, {label: Nej, next: b}]
      - id: b
        question: Q
        choices: [{label: Ja, next: c}, {label: Nej, next: c}]
      - id: c
        question: Q
        choices: [{label: Ja, next: b}, {label: Nej, next: b}]
""" + OUTCOME)
    assert any("step 'b' is in a loop without exit" in e for e in errors), errors
    assert any("step 'c' is in a loop without exit" in e for e in errors), errors


def test_outcome_without_contact_is_rejected(tmp_path):
    errors = _plan_with_flow(tmp_path, FLOW_HEAD + """\
      - id: a
        question: Q
        choices: [{label: Ja, outcome: done}, {label: Nej, outcome: done}]
""" + OUTCOME.replace("        contacts: [politi]\n", ""))
    assert any("flows.yaml:" in e and "outcome 'done' names no contact" in e for e in errors), errors


# Diagrams for the vidensteam, from the same YAML.

@pytest.mark.parametrize("plan", shipped_plans())
def test_mermaid_diagram_shows_every_step_choice_and_outcome(plan):
    from knowledge.diagrams import flow_to_mermaid
    for flow in load_plan(plan).flows.values():
        diagram = flow_to_mermaid(flow)
        assert diagram.startswith("flowchart TD")
        for step in flow.flow.steps:
            assert f"step_{step.id.replace('-', '_')}{{" in diagram
            assert all(f'-- "{c.label}" -->' in diagram for c in step.choices)
        for outcome in flow.outcomes.values():
            assert outcome.outcome.title in diagram


@pytest.mark.parametrize("plan", shipped_plans())
def test_committed_flow_diagrams_match_the_yaml(plan):
    from pathlib import Path

    from knowledge.diagrams import plan_flows_markdown
    committed = Path(__file__).resolve().parent.parent / "docs" / "flows" / f"{plan}.md"
    assert committed.read_text(encoding="utf-8") == plan_flows_markdown(load_plan(plan)), \
        f"docs/flows/{plan}.md is out of date: run make flows PLAN={plan}"


# No button goes silent (newcomer trial #13, #17).

async def test_a_button_of_a_finished_flow_still_gets_its_answer(aiohttp_client, connector, tmp_path):
    chat = Chat(await _client(aiohttp_client, tmp_path, "albertslund"), connector)
    first = await chat.send("Jeg er bekymret for et barn")
    no = card_of(first[-1])["actions"][1]["data"]  # "Nej" on the first step
    await chat.send("nej")
    await chat.send("nej")  # the flow ends in its outcome
    texts = _texts(await chat.send("", value=no))  # the old "Nej" again
    assert texts[0] == "Du valgte: Nej" and "forældrenes adfærd" in texts[-1]  # the flow goes on from there


@pytest.mark.parametrize("plan", shipped_plans())
async def test_an_acute_choice_pressed_on_a_cancelled_flow_gets_the_acute_card(aiohttp_client, connector, tmp_path,
                                                                             plan):
    chat = Chat(await _client(aiohttp_client, tmp_path, plan), connector)
    first = await chat.send("tvangsægteskab eller udrejse")
    soon = card_of(first[-1])["actions"][0]["data"]  # "Inden for få dage"
    await chat.send("afbryd")
    texts = _texts(await chat.send("", value=soon))
    assert texts[-1].startswith("Ved akut fare: ring 112 nu.") and "Udenrigsministeriet" in texts[-1]


async def test_an_acute_choice_on_an_older_card_wins_over_the_flow_now_running(aiohttp_client, connector, tmp_path):
    chat = Chat(await _client(aiohttp_client, tmp_path), connector)
    first = await chat.send("tvangsægteskab eller udrejse")
    soon = card_of(first[-1])["actions"][0]["data"]
    await chat.send("Jeg er bekymret for en voksen")  # another flow starts
    texts = _texts(await chat.send("", value=soon))
    assert texts[-1].startswith("Ved akut fare: ring 112 nu.")
    assert "Har personen børn" not in texts[-1]  # nothing follows the acute card


@pytest.mark.parametrize("plan", shipped_plans())
async def test_typing_the_flows_own_trigger_in_the_flow_starts_it_afresh(aiohttp_client, connector, tmp_path, plan):
    chat = Chat(await _client(aiohttp_client, tmp_path, plan), connector)
    await chat.send("Jeg er bekymret for en voksen")
    await chat.send("nej")  # now at the second step
    texts = _texts(await chat.send("Jeg er bekymret for en voksen"))
    assert not any("fandt jeg ikke" in t or "ikke sikker" in t for t in texts)
    assert "akut" in texts[-1].lower() and "Har personen børn" not in texts[-1]  # the first step again


async def test_an_acute_message_mid_flow_ends_with_the_acute_card(aiohttp_client, connector, tmp_path):
    chat = Chat(await _client(aiohttp_client, tmp_path, "albertslund"), connector)
    await chat.send("Jeg er bekymret for et barn")
    await chat.send("nej")
    texts = _texts(await chat.send("hendes far har truet med at slå hende ihjel i aften"))
    assert texts[-1].startswith("Ved akut fare: ring 112 nu.")  # the last message: nothing scrolls it away
    assert len(texts) == 1
