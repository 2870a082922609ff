"""`make serve`: gunicorn with aiohttp's worker, as the container and App Service run it. Production settings
answer /healthz and refuse an unauthenticated POST; SIGTERM lets a turn in flight finish, then exits 0; two
workers on one DATA_DIR resume a cut-off broadcast once, and a dead worker's background work is taken over."""
from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from tests.fakes import FakeConnector, ScriptedConnector, free_port, message, serve
from tests.node_tools import ROOT

PRODUCTION = {"MicrosoftAppId": "11111111-2222-3333-4444-555555555555", "MicrosoftAppPassword": "secret-value",
              "MicrosoftAppTenantId": "66666666-7777-8888-9999-000000000000"}
CANARY = "KANARIE-4711"


def serve_command() -> list[str]:
    """The command `make serve` runs (its recipe's last line), so the test runs exactly that."""
    out = subprocess.run(["make", "-s", "-n", "serve"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return shlex.split(out.strip().splitlines()[-1])


def start_server(tmp_path: Path, port: int, **env: str) -> tuple[subprocess.Popen, Path]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    environment.update({"PORT": str(port), "DATA_DIR": str(tmp_path / "data"), "PLAYGROUND": "0",
                        "PYTHONWARNINGS": "ignore", **env})
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen(serve_command(), cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)
    return server, log


async def wait_until_healthy(port: int, server: subprocess.Popen, log: Path, seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()[-3000:]
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return await response.json()
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError("the server never answered /healthz:\n" + log.read_text()[-3000:])


def stop(server: subprocess.Popen, seconds: float = 15) -> int:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
    try:
        return server.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)
        raise


def test_make_serve_runs_gunicorn_with_the_aiohttp_worker():
    command = serve_command()
    assert Path(command[0]).name == "gunicorn" and command[-1] == "app:serve"
    config = (ROOT / "gunicorn.conf.py").read_text()
    assert 'worker_class = "aiohttp.GunicornWebWorker"' in config


async def test_production_serve_answers_healthz_refuses_unauthenticated_and_stops_cleanly(tmp_path):
    port = free_port()
    server, log = start_server(tmp_path, port, WEB_CONCURRENCY="2", **PRODUCTION)
    try:
        health = await wait_until_healthy(port, server, log)
        assert health["status"] == "ok" and health["plan"] == "holstebro"
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}/api/messages?note={CANARY}"
            async with session.post(url, json=message(f"hjælp {CANARY}", "http://127.0.0.1:9")) as response:
                assert response.status == 401
        started = time.monotonic()
        assert stop(server) == 0
        assert time.monotonic() - started < 10
    finally:
        if server.poll() is None:
            stop(server)
    output = log.read_text()
    assert "Booting worker" in output and output.count("Worker exiting") == 2
    assert re.search(r"POST /api/messages 401", output), output[-2000:]
    assert CANARY not in output  # neither the message text nor the query string
    assert "127.0.0.1" not in output  # no client addresses
    assert "LOCAL MODE" not in output


def test_serve_with_incomplete_settings_names_the_problem_and_exits_2(tmp_path):
    server, log = start_server(tmp_path, free_port(), MicrosoftAppId=PRODUCTION["MicrosoftAppId"])
    assert server.wait(timeout=60) == 2
    output = log.read_text()
    assert "MicrosoftAppPassword is required" in output and "MicrosoftAppTenantId is required" in output
    assert "Booting worker" not in output


@pytest.mark.parametrize("workers", ["two", "0", "-1"])
def test_a_worker_count_that_is_no_whole_number_is_refused(tmp_path, workers):
    # gunicorn itself reads WEB_CONCURRENCY first and refuses "two" and "-1"; gunicorn.conf.py refuses "0".
    server, log = start_server(tmp_path, free_port(), WEB_CONCURRENCY=workers)
    assert server.wait(timeout=60) != 0
    output = log.read_text()
    assert workers in output and "Booting worker" not in output
    if workers == "0":
        assert "WEB_CONCURRENCY must be a whole number of worker processes (1 or more), not '0'" in output


@dataclass
class SlowConnector(FakeConnector):
    """Takes `delay` seconds to accept each reply, so a turn is in flight for that long."""

    delay: float = 3.0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def _capture(self, request: web.Request) -> web.Response:
        self.arrived.set()
        await asyncio.sleep(self.delay)
        return await super()._capture(request)


async def test_sigterm_lets_a_turn_in_flight_finish_then_exits_0(tmp_path, aiohttp_server):
    connector = await serve(SlowConnector(), aiohttp_server)
    port = free_port()
    server, log = start_server(tmp_path, port, WEB_CONCURRENCY="2")
    try:
        await wait_until_healthy(port, server, log)
        async with aiohttp.ClientSession() as session:
            turn = asyncio.create_task(session.post(f"http://127.0.0.1:{port}/api/messages",
                                                    json=message("Hvem ringer jeg til?", connector.url)))
            await asyncio.wait_for(connector.arrived.wait(), 30)
            server.send_signal(signal.SIGTERM)  # while the reply is still on its way
            response = await asyncio.wait_for(turn, 30)
            assert response.status == 200
            response.release()
        exit_code = await asyncio.to_thread(server.wait, 30)
    finally:
        if server.poll() is None:
            stop(server)
    assert exit_code == 0, log.read_text()[-2000:]
    assert connector.replies("conv-1"), "the reply in flight was lost"


def _cut_off_broadcast(data_dir: Path, connector_url: str, n: int) -> list[str]:
    """DATA_DIR as a crash leaves it: references to n conversations and a broadcast to them, none delivered."""
    code = f"""
import asyncio
from pathlib import Path
from bot.broadcast import Broadcaster, SqliteProgress
from bot.references import ReferenceStore
async def main():
    data = Path({str(data_dir)!r})
    references = ReferenceStore(data / "references.sqlite")
    for i in range({n}):
        await references.save({{"channel_id": "msteams", "service_url": {connector_url!r},
                                "conversation": {{"id": f"w-{{i}}", "conversation_type": "personal", "tenant_id": "t"}},
                                "bot": {{"id": "28:bot-id"}}}})
    broadcaster = Broadcaster(None, references, SqliteProgress(data / "broadcasts.sqlite"), "")
    await broadcaster.create("cut-off", None)
    broadcaster.close()
    references.close()
asyncio.run(main())
"""
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return [f"w-{i}" for i in range(n)]


async def _until(predicate, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out:\n" + log.read_text()[-3000:])


async def test_two_workers_resume_a_cut_off_broadcast_once(tmp_path, aiohttp_server):
    connector = await serve(ScriptedConnector(), aiohttp_server)
    ids = _cut_off_broadcast(tmp_path / "data", connector.url, 40)
    port = free_port()
    server, log = start_server(tmp_path, port, WEB_CONCURRENCY="2")
    try:
        await wait_until_healthy(port, server, log)
        await _until(lambda: all(connector.delivered(c) for c in ids), 60, log)
        await asyncio.sleep(2)  # time for a second delivery, were one coming
    finally:
        assert stop(server) == 0
    assert [connector.delivered(c) for c in ids] == [1] * len(ids)
    assert log.read_text().count("runs the background work") == 1


async def test_when_the_worker_doing_background_work_dies_another_takes_over(tmp_path, aiohttp_server):
    connector = await serve(ScriptedConnector(), aiohttp_server)
    ids = _cut_off_broadcast(tmp_path / "data", connector.url, 60)
    port = free_port()
    server, log = start_server(tmp_path, port, WEB_CONCURRENCY="2", REMINDER_RATE="10")
    try:
        await wait_until_healthy(port, server, log)
        await _until(lambda: sum(connector.delivered(c) for c in ids) >= 10, 60, log)
        leader = int(re.search(r"This process \(pid (\d+)\) runs the background work", log.read_text()).group(1))
        os.kill(leader, signal.SIGKILL)
        cut_at = sum(1 for c in ids if connector.delivered(c))
        assert cut_at < len(ids)
        await _until(lambda: all(connector.delivered(c) for c in ids), 90, log)
    finally:
        assert stop(server) == 0
    leaders = re.findall(r"This process \(pid (\d+)\) runs the background work", log.read_text())
    assert len(leaders) == 2 and leaders[1] != str(leader)
    assert sum(connector.delivered(c) - 1 for c in ids) <= 1  # at most the one send in flight at the kill
