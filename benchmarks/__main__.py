"""`make bench`: complete turns through POST /api/messages, the product against a stock echo bot.

Each bot runs in its own process on loopback; this process drives it and plays the Bot Connector
(a fake that answers and counts the replies). Prints turns/s, p50 and p99 at 1 and 16 concurrent
conversations for both, and the ratios; then the product again with its stores in Azure Storage (Azurite on
loopback, as the tests start it) next to SQLite; then the time to match one question against a whole plan.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import yaml
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS_FILES = [ROOT / "tests" / "eval" / "tuning.yaml", ROOT / "tests" / "eval" / "examples.yaml"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _questions(plan: str = "holstebro") -> list[str]:
    """Answer turns: the evaluation questions, minus those that start a guided flow (a flow turn is
    a different kind of turn: its step cards, not an answer)."""
    sys.path.insert(0, str(ROOT))
    from knowledge import load_plan
    from knowledge.matcher import Matcher

    matcher = Matcher(load_plan(plan))
    for path in QUESTIONS_FILES:
        if path.exists():
            items = yaml.safe_load(path.read_text(encoding="utf-8"))
            return [item["q"] for item in items if matcher.match(item["q"]).flow is None]
    raise SystemExit("no evaluation questions found")


class Connector:
    """A fake Bot Connector: 200 and an id for every activity the bot sends; counts messages."""

    def __init__(self) -> None:
        self.messages = 0
        self._ids = itertools.count(1)

    async def _capture(self, request: web.Request) -> web.Response:
        activity = await request.json()
        if activity.get("type") == "message":
            self.messages += 1
        return web.json_response({"id": f"r{next(self._ids)}"})

    async def start(self) -> tuple[web.AppRunner, str]:
        app = web.Application()
        app.router.add_post("/v3/conversations/{c}/activities", self._capture)
        app.router.add_post("/v3/conversations/{c}/activities/{a}", self._capture)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        port = _free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        return runner, f"http://127.0.0.1:{port}"


def _activity(text: str, service_url: str, conversation: str, n: int) -> dict:
    return {
        "type": "message", "id": f"a{n}", "channelId": "msteams", "serviceUrl": service_url,
        "from": {"id": "29:bench-user"}, "recipient": {"id": "28:bot"}, "text": text,
        "conversation": {"id": conversation, "conversationType": "personal"},
    }


async def _wait_ready(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"bot process exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            await asyncio.sleep(0.1)
    raise SystemExit("bot did not start")


async def _drive(session, url, connector_url, questions, turns, concurrency) -> list[float]:
    latencies: list[float] = []
    counter = itertools.count()

    async def conversation(k: int) -> None:
        while (n := next(counter)) < turns:
            body = _activity(questions[n % len(questions)], connector_url, f"bench-{k}", n)
            start = time.perf_counter()
            async with session.post(url, json=body) as response:
                await response.read()
                if response.status != 200 and response.status != 201:
                    raise SystemExit(f"turn failed with HTTP {response.status}")
            latencies.append(time.perf_counter() - start)

    await asyncio.gather(*(conversation(k) for k in range(concurrency)))
    return latencies


def _summary(latencies: list[float], wall: float) -> dict:
    ordered = sorted(latencies)
    return {"turns_s": len(latencies) / wall, "p50": statistics.median(ordered) * 1000,
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000}


async def bench_bot(kind: str, plan: str, turns: int, connector: Connector, connector_url: str,
                    env: dict | None = None) -> dict:
    port = _free_port()
    data_dir = tempfile.mkdtemp(prefix="bench-")
    module = "benchmarks.answer_bot" if kind == "answer" else "benchmarks.echo_bot"
    args = [sys.executable, "-m", module, str(port)] + ([data_dir, plan] if kind == "answer" else [])
    proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})})
    results = {}
    try:
        await _wait_ready(port, proc)
        url = f"http://127.0.0.1:{port}/api/messages"
        questions = _questions(plan)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:
            await _drive(session, url, connector_url, questions, 50, 4)  # warm-up
            for concurrency in (1, 16):
                before = connector.messages
                start = time.perf_counter()
                latencies = await _drive(session, url, connector_url, questions, turns, concurrency)
                results[concurrency] = _summary(latencies, time.perf_counter() - start)
                results[concurrency]["replies"] = connector.messages - before
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return results


def bench_matching(plan: str) -> float:
    sys.path.insert(0, str(ROOT))
    from knowledge import load_plan
    from knowledge.matcher import Matcher

    matcher = Matcher(load_plan(plan))
    questions = _questions()
    for q in questions:
        matcher.match(q)
    rounds = 20
    start = time.perf_counter()
    for _ in range(rounds):
        for q in questions:
            matcher.match(q)
    return (time.perf_counter() - start) / (rounds * len(questions)) * 1e6


async def main() -> None:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--plan", default="holstebro")
    args = parser.parse_args()

    connector = Connector()
    runner, connector_url = await connector.start()
    azurite = _start_azurite()
    try:
        echo = await bench_bot("echo", args.plan, args.turns, connector, connector_url)
        answer = await bench_bot("answer", args.plan, args.turns, connector, connector_url)
        shared = None if azurite is None else await bench_bot("answer", args.plan, args.turns, connector,
                                                              connector_url, azurite.env("bench"))
    finally:
        await runner.cleanup()
        if azurite is not None:
            azurite.stop()
    print(f"Complete turns through POST /api/messages, {args.turns} turns each, plan {args.plan}")
    _print_against(("stock echo bot", echo), ("Beredskabsbot answer", answer), "answer/echo")
    print("The same turns with the stores in Azure Storage (Azurite on loopback) next to SQLite in DATA_DIR")
    if shared is None:
        print("  skipped: Azurite needs node and npm (.ci/run installs them)")
    else:
        _print_against(("SQLite", answer), ("Azure Storage (Azurite)", shared), "azurite/sqlite")
    print(f"Matching one question against the whole plan: {bench_matching(args.plan):.0f} µs (mean)")


def _print_against(base, other, ratio_name: str) -> None:
    """Two runs' turns/s, p50, p99 and replies at 1 and 16 conversations, and the second's ratio to the first."""
    print(f"{'':28}{'turns/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'replies':>10}")
    for concurrency in (1, 16):
        for name, res in (base, other):
            r = res[concurrency]
            print(f"{name + f' @{concurrency}':28}{r['turns_s']:>10.0f}{r['p50']:>10.2f}{r['p99']:>10.2f}"
                  f"{r['replies']:>10}")
        ratio = other[1][concurrency]["turns_s"] / base[1][concurrency]["turns_s"]
        p50 = other[1][concurrency]["p50"] / base[1][concurrency]["p50"]
        print(f"{'  ' + ratio_name:28}{ratio:>9.2f}x{p50:>9.2f}x")


def _start_azurite():
    """Azurite as the tests start it (tests/azurite.py), in a temporary folder; None without node."""
    import shutil

    if not (shutil.which("node") and shutil.which("npm")):
        return None
    from tests.azurite import Azurite

    return Azurite(Path(tempfile.mkdtemp(prefix="bench-azurite-"))).start()


if __name__ == "__main__":
    asyncio.run(main())
