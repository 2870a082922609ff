"""The SSP coordinator's yearly reminder: conversation references, authorisation, throttled delivery with
retries, exactly once per broadcast."""
from __future__ import annotations

import asyncio

import pytest

from app import REFERENCES, REMINDERS, create_app
from bot.settings import Settings
from tests.fakes import ScriptedConnector, card_of, card_text, conversation_update, free_port, message, serve

COORDINATOR = "11111111-aaaa-bbbb-cccc-222222222222"


@pytest.fixture
async def scripted(aiohttp_server):
    return await serve(ScriptedConnector(), aiohttp_server)


@pytest.fixture
async def bot(aiohttp_client, tmp_path):
    settings = Settings.from_env({"DATA_DIR": str(tmp_path / "data"), "PLAYGROUND": "0",
                                  "COORDINATORS": COORDINATOR})
    client = await aiohttp_client(await create_app(settings))
    client.app[REMINDERS]._broadcaster._base_backoff = 0.01
    return client


def _from_coordinator(activity: dict) -> dict:
    activity["from"]["aadObjectId"] = COORDINATOR
    return activity


async def _install(bot, connector, n: int, prefix="c") -> list[str]:
    ids = [f"{prefix}-{i}" for i in range(n)]
    for conv in ids:
        response = await bot.post("/api/messages", json=conversation_update(connector.url, conv, members=["28:bot-id"]))
        assert response.status == 200
    connector.log.clear()  # the welcome cards are not the reminder
    connector.attempts.clear()
    return ids


async def _wait_for_broadcasts(bot) -> None:
    for _ in range(600):
        if not bot.app[REMINDERS].tasks:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("broadcast did not finish")


async def test_install_message_and_uninstall_keep_the_references(bot, scripted, tmp_path):
    await _install(bot, scripted, 2)
    await bot.post("/api/messages", json=message("hjælp", scripted.url, "c-2", user_name="Kanarie Navnesen"))
    assert sorted(await bot.app[REFERENCES].ids()) == ["c-0", "c-1", "c-2"]
    uninstall = conversation_update(scripted.url, "c-0", members=[])
    uninstall.update({"type": "installationUpdate", "action": "remove"})
    await bot.post("/api/messages", json=uninstall)
    removed = conversation_update(scripted.url, "c-1", members=[])
    removed["membersRemoved"] = [{"id": "28:bot-id"}]
    await bot.post("/api/messages", json=removed)
    assert await bot.app[REFERENCES].ids() == ["c-2"]
    raw = (tmp_path / "data" / "references.sqlite").read_bytes()
    assert b"Kanarie" not in raw and b"29:user-aad" not in raw


async def test_a_non_coordinator_is_refused_and_nothing_is_sent(bot, scripted):
    await _install(bot, scripted, 3)
    replies_before = len(scripted.sent)
    await bot.post("/api/messages", json=message("send årlig påmindelse", scripted.url, "staff"))
    await bot.post("/api/messages", json=message("", scripted.url, "staff",
                                                 value={"action": "reminder_send", "token": "forged"}))
    staff = scripted.replies("staff")
    assert all("kun kommunens SSP-koordinator" in r["text"] for r in staff)
    assert not await bot.app[REMINDERS].exists("forged")
    assert len(scripted.sent) == replies_before + 2


async def test_coordinator_sees_a_preview_and_annuller_sends_nothing(bot, scripted):
    await _install(bot, scripted, 3)
    await bot.post("/api/messages", json=_from_coordinator(message("send årlig påmindelse", scripted.url, "ssp")))
    card = card_of(scripted.replies("ssp")[-1])
    assert "Årlig påmindelse" in card_text(card) and "4 samtaler" in card_text(card)
    assert [a["title"] for a in card["actions"]] == ["Send", "Annuller"]
    await bot.post("/api/messages", json=_from_coordinator(message("", scripted.url, "ssp",
                                                                   value=card["actions"][1]["data"])))
    assert scripted.replies("ssp")[-1]["text"] == "Påmindelsen er ikke sendt."
    assert all(scripted.delivered(c) == 0 for c in ("c-0", "c-1", "c-2"))


async def test_coordinator_help_lists_the_reminder_command(bot, scripted):
    await bot.post("/api/messages", json=_from_coordinator(message("hjælp", scripted.url, "ssp")))
    await bot.post("/api/messages", json=message("hjælp", scripted.url, "staff"))
    assert "send årlig påmindelse" in card_text(card_of(scripted.replies("ssp")[-1]))
    assert "påmindelse" not in card_text(card_of(scripted.replies("staff")[-1]))


async def test_120_conversations_3_removed_10pct_429_5pct_500_each_live_gets_it_exactly_once(bot, scripted):
    ids = await _install(bot, scripted, 120)
    gone = set(ids[7:10])

    def script(conversation, attempt):
        if conversation in gone:
            return 403, {}
        n = int(conversation.split("-")[1]) if conversation.startswith("c-") else -1
        if attempt == 0 and n % 10 == 3:
            return 429, {"Retry-After": "0.05"}
        if attempt == 0 and n % 20 == 5:
            return 500, {}
        return None
    scripted.script = script
    await bot.post("/api/messages", json=_from_coordinator(message("send årlig påmindelse", scripted.url, "ssp")))
    send = card_of(scripted.replies("ssp")[-1])["actions"][0]["data"]
    scripted.log.clear()
    await bot.post("/api/messages", json=_from_coordinator(message("", scripted.url, "ssp", value=send)))
    assert "sendes nu til 121 samtaler" in scripted.replies("ssp")[-1]["text"]  # answered at once
    await _wait_for_broadcasts(bot)

    live = [c for c in ids if c not in gone]
    assert {c: scripted.delivered(c) for c in live if scripted.delivered(c) != 1} == {}
    assert all(scripted.delivered(c) == 0 for c in gone)
    assert set(await bot.app[REFERENCES].ids()).isdisjoint(gone)
    sends = sorted(t for t, _, _ in scripted.log)
    assert max(sum(1 for t in sends if start <= t < start + 1.0) for start in sends) <= 50
    assert any(s == 429 for _, _, s in scripted.log) and any(s == 500 for _, _, s in scripted.log)
    report = scripted.replies("ssp")[-1]["text"]
    assert "118 samtaler fik den" in report and "3 kunne ikke nås" in report
    assert "Beredskabsbot er fjernet fra chatten: 3" in report and "http" not in report  # reasons in words


async def test_send_twice_with_the_same_preview_starts_one_broadcast(bot, scripted):
    await _install(bot, scripted, 5)
    await bot.post("/api/messages", json=_from_coordinator(message("send årlig påmindelse", scripted.url, "ssp")))
    send = card_of(scripted.replies("ssp")[-1])["actions"][0]["data"]
    for _ in range(2):
        await bot.post("/api/messages", json=_from_coordinator(message("", scripted.url, "ssp", value=send)))
    await _wait_for_broadcasts(bot)
    assert sum("allerede" in r.get("text", "") for r in scripted.replies("ssp")) == 1
    assert all(scripted.delivered(f"c-{i}") == 1 for i in range(5))


async def test_a_broadcast_cut_off_resumes_at_start_and_skips_what_was_delivered(aiohttp_client, scripted, tmp_path):
    settings = Settings.from_env({"DATA_DIR": str(tmp_path / "data"), "PLAYGROUND": "0", "COORDINATORS": COORDINATOR})
    app = await create_app(settings)
    client = await aiohttp_client(app)
    ids = await _install(client, scripted, 10)
    broadcaster = app[REMINDERS]._broadcaster
    await broadcaster.create("cut-off", None)
    # Simulate a crash after four deliveries: their results are persisted, the rest never ran.
    record = await broadcaster.progress.get("cut-off")
    for conversation in ids[:4]:
        await broadcaster.progress.set_result(record, conversation, "sent", None)
    await client.close()
    client = await aiohttp_client(await create_app(settings))  # start-up resumes it
    await _wait_for_broadcasts(client)
    assert [scripted.delivered(c) for c in ids] == [0] * 4 + [1] * 6
    assert (await client.app[REMINDERS]._broadcaster.report("cut-off")).sent == 10


# The whole thing as operators run it: a real bot process, killed with SIGKILL mid-broadcast, and the CLI.

import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import aiohttp  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent



def _start_bot(port: int, data_dir: Path, log: Path | None = None, **extra_env: str) -> subprocess.Popen:
    """`python app.py` as `make run` starts it, on its own port and DATA_DIR (and `extra_env`); output to `log`."""
    env = {**os.environ, "PORT": str(port), "DATA_DIR": str(data_dir), "PLAYGROUND": "0",
           "COORDINATORS": COORDINATOR, "PYTHONWARNINGS": "ignore", **extra_env}
    for key in ("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppTenantId"):
        env.pop(key, None)
    out = open(log, "a") if log is not None else subprocess.DEVNULL
    try:
        return subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    finally:
        if log is not None:
            out.close()


async def _until(predicate, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def _post(session, port, activity) -> int:
    for _ in range(200):
        try:
            async with session.post(f"http://127.0.0.1:{port}/api/messages", json=activity) as response:
                return response.status
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    raise AssertionError("bot did not start")


async def test_broadcast_to_300_killed_with_sigkill_finishes_after_restart(scripted, tmp_path):
    port, data_dir = free_port(), tmp_path / "data"
    bot = _start_bot(port, data_dir)
    try:
        async with aiohttp.ClientSession() as session:
            ids = [f"k-{i}" for i in range(300)]
            for conv in ids:
                assert await _post(session, port, conversation_update(scripted.url, conv, members=["28:bot-id"])) == 200
            await _post(session, port, _from_coordinator(message("send årlig påmindelse", scripted.url, "ssp")))
            send = card_of(scripted.replies("ssp")[-1])["actions"][0]["data"]
            scripted.log.clear()
            await _post(session, port, _from_coordinator(message("", scripted.url, "ssp", value=send)))
            await _until(lambda: sum(1 for _, c, s in scripted.log if c.startswith("k-")) >= 100, 30)
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=10)
            killed_at = {c for _, c, _ in scripted.log}
            assert len(killed_at) < 300  # really cut off part-way
            bot = _start_bot(port, data_dir)  # resumes by itself at start-up
            await _post(session, port, {"type": "ping", "conversation": {"id": "x"}, "serviceUrl": scripted.url})
            await _until(lambda: all(scripted.delivered(c) >= 1 for c in ids), 60)
    finally:
        bot.send_signal(signal.SIGKILL)
        bot.wait(timeout=10)
    twice = [c for c in ids if scripted.delivered(c) > 1]
    assert len(twice) <= 1, twice


async def _cli(env, *args) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "reminder", *args, cwd=ROOT, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=120)
    return proc.returncode, out.decode()


async def test_command_line_status_and_send_use_the_same_code(scripted, tmp_path):
    from bot.references import ReferenceStore
    data_dir = tmp_path / "data"
    store = ReferenceStore(data_dir / "references.sqlite")
    for i in range(3):
        await store.save({"channel_id": "msteams", "service_url": scripted.url,
                          "conversation": {"id": f"cli-{i}", "conversation_type": "personal", "tenant_id": "t"},
                          "bot": {"id": "28:bot-id"}})
    store.close()
    env = {**os.environ, "DATA_DIR": str(data_dir), "PYTHONWARNINGS": "ignore"}
    code, out = await _cli(env, "status")
    assert code == 0 and "3 conversations would get it" in out
    code, out = await _cli(env, "send")
    assert code == 1 and "--yes" in out
    assert scripted.log == []
    code, out = await _cli(env, "send", "--yes")
    assert code == 0 and "3 samtaler fik den" in out
    assert [scripted.delivered(f"cli-{i}") for i in range(3)] == [1, 1, 1]
    code, out = await _cli(env, "status")
    assert "finished" in out and "3 samtaler fik den" in out


# Due dates: the coordinators are told once.

import datetime as dt  # noqa: E402

from bot.notices import due_notices  # noqa: E402
from knowledge import load_plan  # noqa: E402


def _reminder_notices(notices):
    return [k for k, _ in notices if k.startswith("reminder")]


def test_reminder_is_due_after_its_date_until_a_broadcast_that_year():
    knowledge = load_plan("holstebro")  # due 09-01
    assert _reminder_notices(due_notices(knowledge, dt.date(2026, 8, 31), None)) == []
    assert _reminder_notices(due_notices(knowledge, dt.date(2026, 9, 2), None)) == ["reminder-2026"]
    assert _reminder_notices(due_notices(knowledge, dt.date(2026, 9, 2), last_broadcast=dt.date(2026, 9, 1))) == []
    assert _reminder_notices(due_notices(knowledge, dt.date(2027, 9, 2), dt.date(2026, 9, 1))) == ["reminder-2027"]


def test_the_freshness_notice_says_the_shipped_numbers_were_never_confirmed():
    knowledge = load_plan("holstebro")  # no contact carries a verification
    notices = dict(due_notices(knowledge, dt.date(2026, 12, 1), dt.date(2026, 9, 1)))
    unconfirmed = next(text for key, text in notices.items() if key.startswith("unconfirmed-contacts"))
    assert "Familiesektionen, Holstebro Kommune" in unconfirmed and "aldrig bekræftet" in unconfirmed
    assert "Lokk" not in unconfirmed  # national numbers are the national layer's to confirm
    assert not any(key.startswith("stale-contacts") for key in notices)


def test_contacts_confirmed_more_than_12_months_ago_are_named(tmp_path):
    import shutil
    from knowledge.loader import KNOWLEDGE_DIR
    shutil.copytree(KNOWLEDGE_DIR / "holstebro", tmp_path / "plan")
    contacts = tmp_path / "plan" / "contacts.yaml"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace(
        '    phone: "96 11 53 70"\n', '    phone: "96 11 53 70"\n    verified: 2026-11-22\n'), encoding="utf-8")
    knowledge = load_plan(tmp_path / "plan")
    notices = dict(due_notices(knowledge, dt.date(2027, 11, 24), dt.date(2027, 9, 1)))
    stale = next(text for key, text in notices.items() if key.startswith("stale-contacts"))
    assert "Familiesektionen, Holstebro Kommune" in stale and "12 måneder" in stale
    unconfirmed = next(text for key, text in notices.items() if key.startswith("unconfirmed-contacts"))
    assert "Familiesektionen" not in unconfirmed


def test_four_yearly_revision_is_due_four_years_after_adoption():
    knowledge = load_plan("albertslund")  # adopted 10.10.23
    assert not any(k.startswith("revision") for k, _ in due_notices(knowledge, dt.date(2027, 10, 9), None))
    keys = [k for k, _ in due_notices(knowledge, dt.date(2027, 10, 10), None)]
    assert "revision-2027-10-10" in keys


async def test_a_coordinator_is_told_once_in_their_chat(bot, scripted, monkeypatch):
    import bot.reminders as reminders_module

    class FixedDate(dt.date):
        @classmethod
        def today(cls):
            return cls(2026, 11, 22)
    monkeypatch.setattr(reminders_module.dt, "date", FixedDate)
    for _ in range(2):
        await bot.post("/api/messages", json=_from_coordinator(message("hjælp", scripted.url, "ssp")))
    notices = [r["text"] for r in scripted.replies("ssp") if "skulle sendes" in r.get("text", "")]
    assert len(notices) == 1 and "01.09." in notices[0]
    await bot.post("/api/messages", json=message("hjælp", scripted.url, "staff"))
    assert not any("skulle sendes" in r.get("text", "") for r in scripted.replies("staff"))


@pytest.mark.parametrize("status,headers,delivered,kept", [
    (429, {"Retry-After": "0.01"}, 1, True),
    (412, {}, 1, True), (500, {}, 1, True), (502, {}, 1, True), (503, {}, 1, True), (504, {}, 1, True),
    (403, {}, 0, False), (404, {}, 0, False),
])
async def test_each_answer_class_is_retried_or_cleaned_up(bot, scripted, status, headers, delivered, kept):
    await _install(bot, scripted, 1)
    scripted.script = lambda conversation, attempt: (status, headers) if attempt == 0 else None
    reminders = bot.app[REMINDERS]
    await reminders._broadcaster.create("one", None)
    report = await reminders.run("one", None)
    assert scripted.delivered("c-0") == delivered
    assert scripted.attempts["c-0"] == (2 if delivered else 1)  # 403/404 are never retried
    assert ("c-0" in await bot.app[REFERENCES].ids()) is kept
    assert report.sent == delivered and report.unreachable_total == 1 - delivered
