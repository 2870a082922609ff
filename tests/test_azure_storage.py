"""Past one instance: with AZURE_STORAGE_CONNECTION_STRING set, conversation state, references, notices,
broadcast progress and usage events live in one blob container that every instance shares (Azurite here).
Without it, everything stays in sqlite in DATA_DIR."""
from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
import time

import pytest

from app import STORES, create_app
from bot.blob import BlobContainer
from bot.broadcast import BlobProgress, SqliteProgress
from bot.references import BlobReferenceStore, ReferenceStore
from bot.settings import Settings, SettingsError
from bot.storage import BlobStateStorage, SqliteStorage
from bot.usage import BlobUsageLog, SqliteUsageLog, UsageEvent, aggregate, months_ago
from bot.wiring import open_stores
from tests.azurite import needs_azurite
from tests.concurrent_writer import COUNTER
from tests.node_tools import ROOT

pytestmark = needs_azurite

REFERENCE = {"channel_id": "msteams", "service_url": "http://127.0.0.1:9",
             "conversation": {"id": "a:1Kanarie-conversation", "conversation_type": "personal", "tenant_id": "t"},
             "bot": {"id": "28:bot-id"}}


def _settings(tmp_path, env: dict, name: str = "data") -> Settings:
    return Settings.from_env({"DATA_DIR": str(tmp_path / name), "PLAYGROUND": "0", **env})


async def _blob_names(env: dict) -> list[str]:
    container = BlobContainer.from_connection_string(env["AZURE_STORAGE_CONNECTION_STRING"],
                                                     env["STORAGE_CONTAINER"])
    try:
        return [item.name async for item in container.list("")]
    finally:
        await container.close()


# Configuration: unset keeps sqlite in DATA_DIR; set, everything is in the container.

async def test_without_a_connection_string_everything_stays_in_sqlite_in_data_dir(tmp_path):
    stores = await open_stores(_settings(tmp_path, {}))
    try:
        assert isinstance(stores.state, SqliteStorage) and isinstance(stores.references, ReferenceStore)
        assert isinstance(stores.progress, SqliteProgress) and isinstance(stores.usage, SqliteUsageLog)
        assert stores.container is None
    finally:
        await stores.close()
    assert {p.name for p in (tmp_path / "data").glob("*.sqlite")} == {
        "state.sqlite", "references.sqlite", "broadcasts.sqlite", "usage.sqlite"}


async def test_with_a_connection_string_everything_is_in_the_container_and_data_dir_stays_empty(tmp_path,
                                                                                              shared_store):
    stores = await open_stores(_settings(tmp_path, shared_store))
    try:
        assert isinstance(stores.state, BlobStateStorage) and isinstance(stores.references, BlobReferenceStore)
        assert isinstance(stores.progress, BlobProgress) and isinstance(stores.usage, BlobUsageLog)
        await stores.references.save(REFERENCE)
        await stores.state.write({"msteams/conversations/a:1Kanarie-conversation": {"n": 1}})
    finally:
        await stores.close()
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").glob("*.sqlite"))
    names = await _blob_names(shared_store)
    assert len(names) == 2 and not any("Kanarie" in n for n in names)  # blob names are digests


def test_storage_settings_are_checked_and_the_key_is_hidden():
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"AZURE_STORAGE_CONNECTION_STRING": "AccountName=a;AccountKey=k",
                           "AZURE_STORAGE_ACCOUNT_URL": "http://a.blob.core.windows.net",
                           "STORAGE_CONTAINER": "Not_Valid"})
    assert len(error.value.errors) == 3  # both set, the URL not https, the container name
    settings = Settings.from_env({"AZURE_STORAGE_CONNECTION_STRING": "AccountName=a;AccountKey=SECRETKEY"})
    assert settings.shared_store and settings.storage_container == "beredskabsbot"
    assert "SECRETKEY" not in repr(settings)
    managed = Settings.from_env({"AZURE_STORAGE_ACCOUNT_URL": "https://a.blob.core.windows.net"})
    assert managed.shared_store and not Settings.from_env({}).shared_store
    with pytest.raises(SettingsError):
        Settings.from_env({"AZURE_STORAGE_CONNECTION_STRING": "just-a-key"})


async def test_an_account_url_signs_in_with_default_azure_credential_and_no_key():
    from azure.identity.aio import DefaultAzureCredential

    container = BlobContainer.from_account_url("https://a.blob.core.windows.net", "beredskabsbot")
    try:
        assert isinstance(container.client.credential, DefaultAzureCredential)
        assert container.client.url == "https://a.blob.core.windows.net/beredskabsbot"
    finally:
        await container.close()


# Conversation state: botbuilder's Storage contract with the blob's eTag.

async def test_two_instances_writing_one_state_with_the_same_etag_one_gets_the_conflict(shared_store):
    first = BlobContainer.from_connection_string(shared_store["AZURE_STORAGE_CONNECTION_STRING"],
                                                 shared_store["STORAGE_CONTAINER"])
    second = BlobContainer.from_connection_string(shared_store["AZURE_STORAGE_CONNECTION_STRING"],
                                                  shared_store["STORAGE_CONTAINER"])
    await first.ensure()
    a, b = BlobStateStorage(first), BlobStateStorage(second)
    try:
        await a.write({"k": {"n": 0}})
        read = (await a.read(["k"]))["k"]
        assert read["e_tag"]
        results = await asyncio.gather(a.write({"k": {**read, "n": 1}}), b.write({"k": {**read, "n": 2}}),
                                       return_exceptions=True)
        conflicts = [r for r in results if isinstance(r, KeyError)]
        assert len(conflicts) == 1 and results.count(None) == 1
        winner = 1 if results[0] is None else 2
        assert (await b.read(["k"]))["k"]["n"] == winner  # the update that succeeded is the one kept
        await b.write({"k": {"n": 3, "e_tag": "*"}})  # "*" overwrites, by the contract
        assert (await a.read(["k"]))["k"]["n"] == 3
        await a.delete(["k"])
        assert await b.read(["k"]) == {}
    finally:
        await first.close()
        await second.close()


def test_two_instance_processes_incrementing_one_state_lose_no_update(tmp_path, shared_store):
    each, writers = 40, 2
    setup = subprocess.run([sys.executable, "-c", (
        "import asyncio, os; from bot.settings import Settings; from bot.wiring import open_stores\n"
        "async def main():\n"
        "    stores = await open_stores(Settings.from_env(os.environ))\n"
        f"    await stores.state.write({{{COUNTER!r}: {{'count': 0}}}})\n"
        "    await stores.close()\n"
        "asyncio.run(main())")], cwd=ROOT, env={**_env(), **shared_store}, capture_output=True, text=True)
    assert setup.returncode == 0, setup.stderr
    start_at = time.time() + 2.0
    procs = [subprocess.Popen([sys.executable, "-m", "tests.concurrent_writer", str(tmp_path / f"data-{n}"), f"w{n}",
                               str(each), str(start_at)], cwd=ROOT, env={**_env(), **shared_store},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(writers)]
    outputs = [p.communicate(timeout=240) for p in procs]
    for proc, (_, err) in zip(procs, outputs):
        assert proc.returncode == 0, err[-2000:]
    conflicts = sum(int(out.split()[-1]) for out, _ in outputs)

    async def check() -> None:
        stores = await open_stores(_settings(tmp_path, shared_store, "reader"))
        try:
            expected = {f"w{n}-{i}" for n in range(writers) for i in range(each)}
            state = await stores.state.read([COUNTER])
            assert state[COUNTER]["count"] == writers * each  # a lost update would leave it short
            assert set(await stores.references.ids()) == expected
            assert sorted(e.item for e in await stores.usage.events()) == sorted(expected)
        finally:
            await stores.close()
    asyncio.run(check())
    assert conflicts > 0, "the writers never overlapped, so this proved nothing"


def _env() -> dict:
    import os
    return {k: v for k, v in os.environ.items() if not k.startswith(("Microsoft", "AZURE_", "STORAGE_"))}


# References, notices and usage: what one instance keeps, the other sees.

async def test_references_notices_and_usage_are_shared_between_instances(tmp_path, shared_store):
    one = await open_stores(_settings(tmp_path, shared_store, "one"))
    two = await open_stores(_settings(tmp_path, shared_store, "two"))
    try:
        await one.references.save(REFERENCE)
        await two.references.save({**REFERENCE, "conversation": {**REFERENCE["conversation"], "id": "19:x@thread"}})
        assert sorted(await one.references.ids()) == ["19:x@thread", "a:1Kanarie-conversation"]
        assert await two.references.count() == 2
        assert (await two.references.get("a:1Kanarie-conversation"))["service_url"] == REFERENCE["service_url"]
        await two.references.remove("a:1Kanarie-conversation")
        assert await one.references.ids() == ["19:x@thread"]

        await one.references.save_coordinator(REFERENCE)
        assert await two.references.coordinator_conversations() == [REFERENCE]
        assert not await two.references.notice_given("reminder-2026")
        await one.references.mark_notice("reminder-2026")
        assert await two.references.notice_given("reminder-2026")
        assert await one.notices_lock.acquire()
        assert not await two.notices_lock.acquire()  # one instance gives the notices at a time
        await one.notices_lock.release()
        assert await two.notices_lock.acquire()
        await two.notices_lock.release()

        today = dt.date(2026, 11, 22)
        for store, n in ((one, 3), (two, 4)):
            for _ in range(n):
                store.usage.record(UsageEvent("answered", "tegn", "high", "holstebro", "personal", today))
        two.usage.record(UsageEvent("answered", "tegn", "high", "holstebro", "personal", dt.date(2024, 1, 2)))
        await one.usage.flush()
        stats = aggregate(await two.usage.events())
        assert ("top_topics", "tegn", "8") in list(stats.rows())  # both instances' events, counted together
        assert await one.usage.purge(months_ago(today, 24)) == 1  # retention, by day
        assert len(await two.usage.events()) == 7
    finally:
        await one.close()
        await two.close()


async def test_usage_counts_under_five_stay_hidden_across_instances(tmp_path, shared_store):
    one = await open_stores(_settings(tmp_path, shared_store, "one"))
    two = await open_stores(_settings(tmp_path, shared_store, "two"))
    try:
        day = dt.date(2026, 11, 20)
        one.usage.record(UsageEvent("answered", "tegn", "high", "holstebro", "personal", day))
        two.usage.record(UsageEvent("answered", "tegn", "high", "holstebro", "personal", day))
        await two.usage.flush()
        assert ("top_topics", "tegn", "<5") in list(aggregate(await one.usage.events()).rows())
    finally:
        await one.close()
        await two.close()


async def test_the_stats_command_counts_every_instances_events(tmp_path, shared_store):
    stores = await open_stores(_settings(tmp_path, shared_store, "one"))
    for _ in range(6):
        stores.usage.record(UsageEvent("answered", "tegn", "high", "holstebro", "personal", dt.date(2026, 11, 20)))
    await stores.close()
    result = subprocess.run([sys.executable, "-m", "bot", "stats", "--csv"], cwd=ROOT, capture_output=True, text=True,
                            env={**_env(), **shared_store, "DATA_DIR": str(tmp_path / "cli")}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "top_topics,tegn,6" in result.stdout.splitlines()


async def test_the_app_on_the_shared_store_keeps_nothing_in_data_dir(aiohttp_client, tmp_path, shared_store, connector):
    from tests.fakes import message
    client = await aiohttp_client(await create_app(_settings(tmp_path, shared_store)))
    response = await client.post("/api/messages", json=message("Hvad er negativ social kontrol?", connector.url))
    assert response.status == 200 and connector.replies("conv-1")
    assert isinstance(client.app[STORES].state, BlobStateStorage)
    assert not list((tmp_path / "data").glob("*.sqlite"))


# Two bot processes on one store, each with its own empty DATA_DIR, as two App Service instances run.

import signal  # noqa: E402

import aiohttp  # noqa: E402

from knowledge import load_plan  # noqa: E402
from tests.fakes import (FakeConnector, ScriptedConnector, card_of, conversation_update, free_port,  # noqa: E402
                         message, serve)
from tests.test_flows import _texts  # noqa: E402
from tests.test_reminder import _from_coordinator, _post, _start_bot, _until  # noqa: E402


class Instances:
    """Two `python app.py` processes on one blob container, each on its own port and DATA_DIR."""

    def __init__(self, tmp_path, env: dict):
        self.tmp_path, self.env = tmp_path, env
        self.ports = [free_port(), free_port()]
        self.procs: list[subprocess.Popen | None] = [None, None]

    def log(self, i: int) -> str:
        path = self.tmp_path / f"bot-{i}.log"
        return path.read_text() if path.exists() else ""

    def start(self, i: int) -> None:
        self.procs[i] = _start_bot(self.ports[i], self.tmp_path / f"data-{i}", self.tmp_path / f"bot-{i}.log",
                                   **self.env)

    def stop(self, i: int, sig=signal.SIGTERM) -> None:
        proc = self.procs[i]
        if proc is not None and proc.poll() is None:
            proc.send_signal(sig)
            proc.wait(timeout=30)
        self.procs[i] = None

    async def post(self, session, i: int, activity: dict) -> int:
        return await _post(session, self.ports[i], activity)

    def __enter__(self) -> "Instances":
        self.start(0)
        self.start(1)
        return self

    def __exit__(self, *exc) -> None:
        for i in (0, 1):
            self.stop(i, signal.SIGKILL)


async def test_two_instances_serve_one_conversation_alternately_mid_flow(tmp_path, shared_store, aiohttp_server):
    connector = await serve(FakeConnector(), aiohttp_server)
    flow = load_plan("holstebro").flows["bekymret-voksen"]
    with Instances(tmp_path, shared_store) as bots:
        async with aiohttp.ClientSession() as session:
            async def say(i: int, text: str) -> list[str]:
                before = len(connector.replies("flow"))
                assert await bots.post(session, i, message(text, connector.url, "flow")) == 200
                return _texts(connector.replies("flow")[before:])

            assert flow.steps["akut"].question in (await say(0, "Jeg er bekymret for en voksen"))[-1]
            # Each answer goes to the other instance: only the shared state knows where the flow is.
            assert flow.steps["boern"].question in (await say(1, "nej"))[-1]
            card = (await say(0, "ja"))[-1]
    assert flow.outcomes["voksen-med-boern"].outcome.title in card
    assert not list(tmp_path.glob("data-*/*.sqlite"))


async def _install_on_both(bots: Instances, session, connector, n: int) -> list[str]:
    ids = [f"k-{i}" for i in range(n)]
    for i, conv in enumerate(ids):  # half the references come from each instance
        assert await bots.post(session, i % 2, conversation_update(connector.url, conv, members=["28:bot-id"])) == 200
    return ids


async def _send_reminder(bots: Instances, session, connector, i: int) -> None:
    await bots.post(session, i, _from_coordinator(message("send årlig påmindelse", connector.url, "ssp")))
    send = card_of(connector.replies("ssp")[-1])["actions"][0]["data"]
    connector.log.clear()
    await bots.post(session, i, _from_coordinator(message("", connector.url, "ssp", value=send)))


def _reports(connector) -> list[str]:
    return [r["text"] for r in connector.replies("ssp") if "fik den" in (r.get("text") or "")]


async def test_a_broadcast_reaches_each_conversation_once_while_the_other_instance_restarts(
        tmp_path, shared_store, aiohttp_server):
    connector = await serve(ScriptedConnector(), aiohttp_server)
    with Instances(tmp_path, {**shared_store, "REMINDER_RATE": "10"}) as bots:
        async with aiohttp.ClientSession() as session:
            ids = await _install_on_both(bots, session, connector, 100)
            await _send_reminder(bots, session, connector, 0)
            assert "sendes nu til 101 samtaler" in connector.replies("ssp")[-1]["text"]  # both instances' references
            await _until(lambda: sum(connector.delivered(c) for c in ids) >= 10, 30)
            bots.stop(1)  # the other instance restarts mid-broadcast, and resumes nothing that is being sent
            bots.start(1)
            assert await bots.post(session, 1, message("hjælp", connector.url, "staff")) == 200
            cut_at = sum(connector.delivered(c) for c in ids)  # back, and the broadcast still going
            await _until(lambda: all(connector.delivered(c) for c in ids + ["ssp"]) and _reports(connector), 60)
            await asyncio.sleep(3)  # time for a second delivery, were one coming
    assert cut_at < len(ids)  # the restart really was mid-broadcast
    assert "Broadcast" in bots.log(1) and "being delivered by another process" in bots.log(1)
    assert {c: connector.delivered(c) for c in ids if connector.delivered(c) != 1} == {}
    assert len(_reports(connector)) == 1 and "101 samtaler fik den" in _reports(connector)[0]


async def test_the_sender_killed_mid_broadcast_the_other_instance_finishes_it(tmp_path, shared_store, aiohttp_server):
    connector = await serve(ScriptedConnector(), aiohttp_server)
    with Instances(tmp_path, {**shared_store, "REMINDER_RATE": "10"}) as bots:
        async with aiohttp.ClientSession() as session:
            ids = await _install_on_both(bots, session, connector, 60)
            await _send_reminder(bots, session, connector, 0)
            await _until(lambda: sum(connector.delivered(c) for c in ids) >= 10, 30)
            bots.stop(0, signal.SIGKILL)
            killed_at = sum(1 for c in ids if connector.delivered(c))
            # Nobody restarts anything: the surviving instance's own check takes the broadcast over once the
            # dead sender's lease has run out.
            await _until(lambda: all(connector.delivered(c) for c in ids) and _reports(connector), 120)
            await asyncio.sleep(2)
    assert killed_at < len(ids)
    assert sum(connector.delivered(c) - 1 for c in ids) <= 1  # at most the one send in flight at the kill
    assert "Resuming broadcast" in bots.log(1)
    assert len(_reports(connector)) == 1


# A storage outage: the plain error message, never a 5xx, and the bot recovers by itself.

from dataclasses import dataclass  # noqa: E402

from aiohttp import web  # noqa: E402

from tests.azurite import Azurite  # noqa: E402


@dataclass
class StopsTheStoreOnReply(FakeConnector):
    """Stops Azurite when the bot's first reply of an armed turn arrives: mid-turn, before the state is saved."""

    store: Azurite | None = None
    armed: bool = False

    async def _capture(self, request: web.Request) -> web.Response:
        if self.armed:
            self.armed = False
            await asyncio.to_thread(self.store.stop)
        return await super()._capture(request)


async def test_a_storage_outage_mid_turn_gives_the_plain_error_and_the_bot_recovers(aiohttp_client, aiohttp_server,
                                                                                     tmp_path):
    store = Azurite(tmp_path / "azurite").start()
    connector = await serve(StopsTheStoreOnReply(store=store), aiohttp_server)
    knowledge = load_plan("holstebro")
    try:
        client = await aiohttp_client(await create_app(_settings(tmp_path, store.env())))

        async def say(text: str) -> tuple[int, list[str]]:
            before = len(connector.replies("out"))
            response = await client.post("/api/messages", json=message(text, connector.url, "out"))
            return response.status, _texts(connector.replies("out")[before:])

        status, replies = await say("Jeg er bekymret for en voksen")
        assert status == 200 and knowledge.flows["bekymret-voksen"].steps["akut"].question in replies[-1]
        connector.armed = True
        status, replies = await say("nej")  # the store goes away while this turn is answered
        assert status == 200 and replies[-1] == knowledge.message("error")
        status, replies = await say("Hvad er negativ social kontrol?")  # still away
        assert status == 200 and replies == [knowledge.message("error")]
        assert (await client.get("/healthz")).status == 200
        store.start()  # back, on the same address and data
        status, replies = await say("Hvad er negativ social kontrol?")
        assert status == 200 and knowledge.message("error") not in replies
        assert "social kontrol" in replies[0].lower()  # answered, and the flow kept through the outage goes on
        assert knowledge.flows["bekymret-voksen"].steps["akut"].question in replies[-1]
    finally:
        store.stop()
