"""Privacy by design: nothing staff type, no name and no id is stored or logged; the coordinator's
statistics show only anonymous counts, small ones as <5."""
from __future__ import annotations

import json
import re

import datetime as dt
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from app import USAGE, create_app
from bot.privacy import PersonalDataGuard
from bot.settings import Settings
from bot.usage import UsageEvent, aggregate, months_ago, shown
from knowledge import load_plan
from tests.fakes import card_of, card_text, conversation_update, message

COORDINATOR = "11111111-aaaa-bbbb-cccc-222222222222"
CANARY = "KANARIE7Q"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def bot(aiohttp_client, tmp_path):
    settings = Settings.from_env({"DATA_DIR": str(tmp_path / "data"), "PLAYGROUND": "0", "COORDINATORS": COORDINATOR})
    return await aiohttp_client(await create_app(settings))


async def _say(bot, connector, text=None, conversation="p-1", value=None, user_name="Test Bruger", coordinator=False):
    activity = message(text, connector.url, conversation, value=value, user_name=user_name)
    activity["from"]["id"] = f"29:{CANARY}-user"
    activity["from"]["aadObjectId"] = COORDINATOR if coordinator else f"{CANARY}-aad"
    response = await bot.post("/api/messages", json=activity)
    assert response.status == 200
    return connector.replies(conversation)


async def test_canaries_never_reach_data_dir_or_the_logs(bot, connector, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    # Canaries in what staff type, in flow answers, in the display name and in the user's ids. (The
    # conversation id and tenant are kept on purpose: proactive delivery needs them.)
    name = f"Navn {CANARY}"
    conv = "19:plain-conversation"
    await bot.post("/api/messages", json=conversation_update(connector.url, conv, members=["28:bot-id"]))
    await _say(bot, connector, f"Hvad er negativ social kontrol? {CANARY}", conv, user_name=name)
    await _say(bot, connector, f"{CANARY} ukendt spørgsmål om kantinen", conv, user_name=name)
    await _say(bot, connector, "Jeg er bekymret for en voksen", conv, user_name=name)
    await _say(bot, connector, f"hun hedder {CANARY} og hvad er tegnene", conv, user_name=name)  # mid-flow question
    await _say(bot, connector, "nej", conv, user_name=name)
    replies = await _say(bot, connector, f"ja {CANARY}", conv, user_name=name)
    card = card_of(replies[-1])
    feedback = next(a for block in card["body"] if block.get("type") == "ActionSet" for a in block["actions"])
    await _say(bot, connector, "", conv, value=feedback["data"], user_name=name)
    await _say(bot, connector, "statistik", conv, user_name=name, coordinator=True)
    await bot.close()
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    assert CANARY.encode() not in stored
    assert "Navn".encode() not in stored
    logged = "\n".join(f"{r.getMessage()} {r.args} {r.exc_text or ''}" for r in caplog.records)
    assert CANARY not in logged


async def test_usage_events_hold_only_kind_id_band_plan_scope_and_day(bot, connector):
    await _say(bot, connector, "Hvad er negativ social kontrol?")
    await _say(bot, connector, "hvordan skifter jeg toner i printeren")
    await _say(bot, connector, "Jeg er bekymret for et barn")
    await _say(bot, connector, "afbryd")
    events = await bot.app[USAGE].events()
    assert [(e.kind, e.item) for e in events] == [("answered", "nsk-definition"), ("not_answered", None),
                                                  ("flow_started", "bekymret-barn"), ("flow_abandoned", "bekymret-barn")]
    assert all(e.plan == "holstebro" and e.scope == "personal" and e.day == dt.date.today() for e in events)
    assert set(vars(events[0])) == {"kind", "item", "band", "plan", "scope", "day"}


@pytest.mark.parametrize("text,personal", [
    ("Hun har CPR 010203-1234, hvad gør jeg?", True),
    ("cpr 0102031234", True),
    ("hendes nummer er 0102031234", True),
    ("hans mail er ali.hassan@gmail.com", True),
    ("ring til mor på 22 33 44 55", True),
    ("ring til +45 22334455", True),
    ("Hvad er Familiesektionens nummer? 96 11 53 70", False),
    ("skriv til kbhv@politi.dk", False),
    ("Hvad er negativ social kontrol?", False),
    ("en elev i 8. klasse", False),
    ("350299-1234 is no date", False),
    ("planen fra 2023 har 4 år", False),
])
def test_personal_data_guard(text, personal):
    holstebro, albertslund = PersonalDataGuard(load_plan("holstebro")), PersonalDataGuard(load_plan("albertslund"))
    assert (holstebro.looks_personal(text) and albertslund.looks_personal(text.replace("96 11 53 70", "43 68 64 86"))
            ) is personal or (not personal and not holstebro.looks_personal(text))


async def test_cpr_in_a_question_gets_the_reminder_then_the_answer(bot, connector):
    replies = await _say(bot, connector, "Eleven har CPR 010203-1234 - hvad er tegnene?")
    assert "personoplysninger" in replies[0]["text"]
    assert "frihed" in card_text(card_of(replies[1]))  # the signs, from the national documents


# Names are personal data too (issue 12, point 11). Plans are loaded once: the guard reads every word of them.
@pytest.fixture(scope="module")
def guards():
    return [PersonalDataGuard(load_plan(plan)) for plan in ("holstebro", "albertslund")]


DANISH_NAMES = ["Mette", "Mads", "Noah", "Ida", "Emil", "Sofie", "Frederik", "Anna", "Oliver", "Lucas"]
MINORITY_NAMES = ["Fatima", "Mohammed", "Ahmad", "Zeynep", "Mehmet", "Ayşe", "Yasmin", "Hussein", "Shirin", "Reza",
                  "Imran", "Ayesha", "Hodan", "Abdirahman", "Rojin", "Dilan", "Zahra", "Mursal"]


@pytest.mark.parametrize("name", DANISH_NAMES + MINORITY_NAMES)
def test_a_pupils_first_name_gets_the_reminder(guards, name):
    for guard in guards:
        assert guard.looks_personal(f"{name} fra 7.b er bange for sin far, hvad gør jeg")
        assert guard.looks_personal(f"Hvad gør jeg, hvis {name} bliver truet af sin bror?")


@pytest.mark.parametrize("text", [
    "fatima fra 7b er bange for sin far",
    "mohammed bliver kontrolleret af sin bror",
    "zeynep på 14 skal giftes i tyrkiet",
    "min elev mette må ikke gå til svømning",
    "hodan i 8. klasse skal sendes ud af landet",
])
def test_a_name_in_lower_case_chat_gets_the_reminder(guards, text):
    assert all(guard.looks_personal(text) for guard in guards)


@pytest.mark.parametrize("text", [
    "hans telefon er taget af hans far",
    "Hans far tager hans telefon",
    "hun vil ikke bo hos sin far",
    "Bo hos sin mor, må hun det?",
    "hvor mange timer per elev",
    "Per telefon eller på mail?",
    "hun skal tage sig af sine søskende",
    "Sig det til lederen",
    "hun hørte en lærke synge",
    "de arbejder på en mark",
    "held og lykke med samtalen",
    "hun skal giftes i maj eller i august",
    "han vil have fred og ro",
    "Mette fra SSP siger det er ok",
])
def test_hans_as_a_pronoun_is_not_a_name(guards, text):
    """Everyday Danish words that are also first names: hans, bo, per, sig, lærke, mark, lykke, maj, fred ..."""
    assert not any(guard.looks_personal(text) for guard in guards)


@pytest.mark.parametrize("text", [
    "a girl from my class is being pushed into a car by two men outside the school right now, what do I do",
    "I teach a class of 20, one girl says her brothers watch her",
])
def test_an_everyday_english_word_ending_in_s_is_not_a_names_possessive(guards, text):
    # "class" is not "Clas" + s (as "Fatimas" is Fatima's) ...
    assert not any(guard.looks_personal(text) for guard in guards)
    # ... but written as a name inside a sentence, an English word with s is one ("Bill's father")
    assert all(guard.names("My pupil Bills father hits him") == ("Bills",) for guard in guards)
    assert all(guard.names("In 7b, Bills father took his phone") == ("Bills",) for guard in guards)


def test_hans_with_a_class_is_a_name(guards):
    assert all(guard.names("Hans fra 7.b er bange for sin far") == ("Hans",) for guard in guards)


@pytest.mark.parametrize("text", [
    "eleven bor i Holstebro og familien er fra Syrien",
    "Vi er i Albertslund Kommune, skal jeg ringe til Lokk eller RED?",
    "familien kommer fra Irak, Iran eller Tyrkiet",
    "Hvad gør jeg i Odense eller Aarhus?",
    "hun tager til Jordan i sommerferien",
    "hun skal sendes til Mogadishu",
    "de skriver sammen på TikTok og WhatsApp",
    "kan VISO eller Politiet hjælpe?",
])
def test_place_and_contact_names_are_not_person_names(guards, text):
    assert not any(guard.looks_personal(text) for guard in guards)


@pytest.mark.parametrize("plan", ["holstebro", "albertslund"])
def test_no_word_of_the_plan_is_a_person_name(plan):
    """Every topic's title, questions and keywords, and every contact's name and alias, is the plan's own."""
    knowledge = load_plan(plan)
    guard = PersonalDataGuard(knowledge)
    texts = [t for r in knowledge.topics.values() for t in (r.topic.title, *r.topic.questions, *r.topic.keywords)]
    texts += [f"Kan jeg ringe til {name}?" for c in knowledge.contacts.values() for name in (c.name, *c.aliases)]
    assert [t for t in texts if guard.names(t)] == []


@pytest.mark.parametrize("text", [
    "må jeg give en elev panodil",  # a word after "elev", but no name
    "dansklæreren fra 7.b siger at hun er bange",  # a compound before a class
    "en pign fra 7b er bange",  # a slip for "pige"
])
def test_an_unknown_word_is_a_name_only_where_only_a_name_fits(guards, text):
    assert not any(guard.looks_personal(text) for guard in guards)


def test_a_rarer_english_word_in_an_english_message_is_no_name(guards):
    # "Thursdays" and "Portuguese" are rare enough in English to pass for names in a Danish message
    for text in ("One of my students can no longer come on Thursdays because he got a job at a bakery",
                 "A new mum asked about groups where people speak Portuguese"):
        assert all(not guard.names(text) for guard in guards)
    assert all(guard.names("One of my pupils, Yusuf from 7.b, is afraid of his father") for guard in guards)


@pytest.mark.parametrize("text,redacted", [
    ("Fatima fra 7.b er bange for sin far", "  fra 7.b er bange for sin far"),
    ("Mette Hansen er bange", "  er bange"),
    ("Hvad gør jeg, hvis Ahmad Hassan truer sin søster?", "Hvad gør jeg, hvis   truer sin søster?"),
    ("Fatimas far truer hende", "  far truer hende"),
    ("hans mail er ali.hassan@gmail.com", "hans mail er  "),
])
def test_the_name_and_surname_are_redacted(guards, text, redacted):
    assert all(guard.redact(text) == redacted for guard in guards)


# The pupils and citizens that fresh batch B's situations name, as staff really type them (tuning part only).
CITIZENS_NAMED_IN_THE_EVALUATION_SET = {"Amira", "Yusuf", "Sara", "Maryam", "Ahmed", "Hassan", "Leyla", "Ali",
                                        "Zainab", "Hiba"}


# At most 0.6 % of the evaluation questions get a false name reminder (0.2 % until batches E and G brought English
# messages, a car make, a chat platform and quoted words of other languages: "Passat", "Discord", "class"; 0.3 %
# until batch J brought 200 harmless messages full of feasts, languages and countries: "Diwali", "ramadan").
FALSE_NAME_REMINDERS = 0.006


def _citizen(name: str) -> bool:
    """A name the evaluation questions give a citizen: "Ali", "Saras" (possessive), "Huda Ali Ahmad" (a full name)."""
    return any(part in CITIZENS_NAMED_IN_THE_EVALUATION_SET or part.removesuffix("s")
               in CITIZENS_NAMED_IN_THE_EVALUATION_SET for part in name.split())


def test_the_name_reminder_is_rare_on_evaluation_questions_and_finds_the_citizens_they_name(guards):
    """A name reminder on an evaluation question is a false alarm unless it names a citizen the question names.
    The held-back parts are counted, never printed: only counts reach the assertions."""
    from benchmarks.privacy_names import eval_questions
    for plan, guard in zip(("holstebro", "albertslund"), guards):
        questions = eval_questions(plan)
        limit, false_reminders = int(len(questions) * FALSE_NAME_REMINDERS), sum(
            1 for q in questions if not all(_citizen(n) for n in guard.names(q)))
        assert false_reminders <= limit, f"{false_reminders} false name reminders"
        named = [q for q in questions if CITIZENS_NAMED_IN_THE_EVALUATION_SET & set(re.findall(r"\w+", q))]
        assert named and all(guard.names(q) for q in named), "a citizen's name was not caught"


async def test_the_name_is_removed_before_matching(bot, connector, tmp_path, caplog, monkeypatch):
    from knowledge.matcher import Matcher
    asked = []
    match = Matcher.match
    monkeypatch.setattr(Matcher, "match", lambda self, text, *a, **k: asked.append(text) or match(self, text, *a, **k))
    caplog.set_level(logging.DEBUG)
    replies = await _say(bot, connector, "Fatima fra 7.b er bange for sin far, hvad gør jeg")
    assert replies[0]["text"] == load_plan("holstebro").message("privacy_reminder")
    assert len(replies) > 1 and asked and all("Fatima" not in text and "7.b" in text for text in asked)
    await bot.close()
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    assert b"Fatima" not in stored
    assert not any("Fatima" in f"{r.getMessage()} {r.args}" for r in caplog.records)


async def test_statistics_card_for_coordinators_with_small_counts_suppressed(bot, connector):
    for _ in range(6):
        await _say(bot, connector, "Hvad er negativ social kontrol?")
    await _say(bot, connector, "Hvad er tegnene?")
    card = card_of((await _say(bot, connector, "statistik", "ssp", coordinator=True))[-1])
    facts = {f["title"]: f["value"] for block in card["body"] if block["type"] == "FactSet" for f in block["facts"]}
    assert facts["Hvad er negativ social kontrol (NSK)?"] == "6"
    assert facts["Tegn på æresrelaterede konflikter og negativ social kontrol"] == "<5"
    assert "Tal under 5 vises som <5" in card_text(card)


async def test_statistics_are_refused_to_anyone_else(bot, connector):
    replies = await _say(bot, connector, "statistik")
    assert replies[-1]["text"].startswith("Det er kun kommunens SSP-koordinator")


def test_counts_under_five_are_shown_as_less_than_five():
    assert [shown(n) for n in (0, 1, 4, 5, 17)] == ["<5", "<5", "<5", "5", "17"]
    stats = aggregate([UsageEvent("answered", "tegn", "high", "p", "personal", dt.date(2026, 11, 2))] * 3)
    assert ("top_topics", "tegn", "<5") in list(stats.rows())
    assert stats.share_not_answered == "<5 spørgsmål"


async def test_retention_deletes_events_older_than_the_period(tmp_path):
    from bot.usage import SqliteUsageLog
    log = SqliteUsageLog(tmp_path / "usage.sqlite")
    today = dt.date(2026, 11, 22)
    for day in (dt.date(2024, 11, 21), dt.date(2024, 11, 22), dt.date(2026, 1, 1)):
        log.record(UsageEvent("answered", "tegn", "high", "p", "personal", day))
    assert await log.purge(months_ago(today, 24)) == 1
    assert sorted(e.day for e in await log.events()) == [dt.date(2024, 11, 22), dt.date(2026, 1, 1)]
    log.close()
    assert months_ago(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)


async def test_retention_runs_at_start_up(aiohttp_client, tmp_path):
    from bot.usage import SqliteUsageLog
    data = tmp_path / "data"
    log = SqliteUsageLog(data / "usage.sqlite")
    log.record(UsageEvent("answered", "tegn", "high", "p", "personal", dt.date(2000, 1, 1)))
    log.close()
    settings = Settings.from_env({"DATA_DIR": str(data), "PLAYGROUND": "0", "USAGE_RETENTION_MONTHS": "1"})
    client = await aiohttp_client(await create_app(settings))
    import asyncio
    for _ in range(50):
        if not await client.app[USAGE].events():
            break
        await asyncio.sleep(0.02)
    assert await client.app[USAGE].events() == []


def test_stats_csv_export_prints_the_same_aggregates(tmp_path):
    from bot.usage import SqliteUsageLog
    log = SqliteUsageLog(tmp_path / "usage.sqlite")
    for _ in range(7):
        log.record(UsageEvent("answered", "tegn", "high", "holstebro", "personal", dt.date(2026, 11, 20)))
    log.record(UsageEvent("not_answered", None, "low", "holstebro", "channel", dt.date(2026, 11, 20)))
    log.close()
    result = subprocess.run([sys.executable, "-m", "bot", "stats", "--csv"], cwd=ROOT, capture_output=True, text=True,
                            env={"DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "section,key,count"
    assert "top_topics,tegn,7" in lines and "questions,not_answered,<5" in lines


def test_conversation_ids_in_connector_urls_are_redacted_from_log_records():
    import io

    from bot.logging_privacy import RedactConversationIds
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactConversationIds())
    log = logging.getLogger("test.redaction")
    log.addHandler(handler)
    try:
        log.warning("Retrying after %s: /v3/conversations/%s/activities", "error", "19:secret@thread.v2")
        try:
            raise ConnectionError("Max retries exceeded with url: /v3/conversations/a:1Secret/activities/x")
        except ConnectionError:
            log.exception("Turn failed")
    finally:
        log.removeHandler(handler)
    output = stream.getvalue()
    assert "secret" not in output.lower() and output.count("/v3/conversations/<id>") >= 2


def test_make_run_installs_the_redaction(monkeypatch, tmp_path):
    import app as app_module
    from bot.logging_privacy import RedactConversationIds
    monkeypatch.setattr("os.environ", {"PLAYGROUND": "0", "DATA_DIR": str(tmp_path), "PORT": "1"})
    monkeypatch.setattr(app_module.web, "run_app", lambda *a, **k: a[0].close())
    root = logging.getLogger()
    handler = logging.StreamHandler()
    root.addHandler(handler)
    try:
        assert app_module.main() == 0
        assert any(isinstance(f, RedactConversationIds) for f in handler.filters)
    finally:
        root.removeHandler(handler)


def test_the_statistics_card_reads_like_danish():
    """Titles, not ids; the period it covers; weeks as "Uge 49"; an abandoned guide in words (trial #42)."""
    from bot import cards
    from bot.usage import UsageEvent as E
    day = dt.date(2026, 12, 1)
    events = [E("flow_started", "bekymret-barn", None, "holstebro", "personal", day)] * 5
    events += [E("flow_finished", "bekymret-barn:handl-barn", None, "holstebro", "personal", day)] * 5
    events += [E("flow_abandoned", "bekymret-voksen", None, "holstebro", "personal", dt.date(2026, 11, 2))] * 5
    events += [E("answered", "tegn", "high", "holstebro", "personal", day)] * 5
    card = cards.stats_card(aggregate(events), load_plan("holstebro")).content
    text = card_text(card)
    assert "Perioden 02.11.2026–01.12.2026" in text
    assert "Uge 49 (30.11.–06.12.2026)" in text and "W49" not in text
    assert "Bekymring for et barn (under 18): Handl på din bekymring – kontakt SSP" in text
    assert "Bekymring for en voksen (18+): afbrudt" in text
    assert "bekymret-barn" not in text and "handl-barn" not in text and "tegn" not in text.split("Tegn på")[0]


def test_one_conversation_is_one_samtale():
    from bot import cards
    knowledge = load_plan("holstebro")
    assert cards.conversations(1, knowledge) == "1 samtale"
    assert cards.conversations(2, knowledge) == "2 samtaler"
    assert "http" not in cards.reason_text("http-404", knowledge)
    assert cards.reason_text("http-418", knowledge) == "Teams afviste beskeden (fejl 418)"


async def test_acute_danger_with_a_name_gets_the_acute_card_first_and_the_reminder_after(bot, connector):
    replies = await _say(bot, connector, "Fatima siger at hendes far slår hende ihjel i aften, hvad gør jeg")
    reminder = load_plan("holstebro").message("privacy_reminder")
    assert replies[0].get("attachments") and replies[0].get("text") != reminder  # the acute card leads
    assert "112" in json.dumps(replies[0]["attachments"])
    assert replies[-1]["text"] == reminder
    await bot.close()
