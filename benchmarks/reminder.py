"""Reminder delivery benchmark: 5,000 conversations at the configured rate through continue_conversation
and a fake Bot Connector on loopback. Prints the time against 5,000 / rate and memory along the way."""
from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 1e6


async def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reminder")
    parser.add_argument("--conversations", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=50.0)
    args = parser.parse_args()

    from aiohttp import web

    from bot.wiring import build_adapter
    from bot.broadcast import Broadcaster, SqliteProgress
    from bot.references import ReferenceStore
    from bot.settings import Settings
    from botbuilder.core import CardFactory

    delivered = 0

    async def capture(request: web.Request) -> web.Response:
        nonlocal delivered
        await request.read()
        delivered += 1
        return web.json_response({"id": "x"})

    connector = web.Application()
    connector.router.add_post("/v3/conversations/{c}/activities", capture)
    connector.router.add_post("/v3/conversations/{c}/activities/{a}", capture)
    runner = web.AppRunner(connector, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"

    data_dir = Path(tempfile.mkdtemp(prefix="bench-reminder-"))
    settings = Settings.from_env({"DATA_DIR": str(data_dir), "PLAYGROUND": "0"})
    references = ReferenceStore(data_dir / "references.sqlite")
    for i in range(args.conversations):
        references._db[f"b-{i}"] = {"channel_id": "msteams", "service_url": url,
                                    "conversation": {"id": f"b-{i}", "conversation_type": "personal",
                                                     "tenant_id": "t"}, "bot": {"id": "28:bot"}}
    references._db.commit()
    broadcaster = Broadcaster(build_adapter(settings), references, SqliteProgress(data_dir / "broadcasts.sqlite"),
                              "", rate=args.rate)
    await broadcaster.create("bench", None)
    card = CardFactory.adaptive_card({"type": "AdaptiveCard", "version": "1.5",
                                      "body": [{"type": "TextBlock", "text": "Årlig påmindelse"}]})
    samples: list[tuple[int, float]] = []

    async def sample() -> None:
        while True:
            samples.append((delivered, _rss_mb()))
            await asyncio.sleep(5)

    sampler = asyncio.create_task(sample())
    start = time.perf_counter()
    report = await broadcaster.run("bench", lambda: card)
    elapsed = time.perf_counter() - start
    sampler.cancel()
    samples.append((delivered, _rss_mb()))
    await runner.cleanup()
    broadcaster.close()
    references.close()
    ideal = args.conversations / args.rate
    window = max(sum(1 for t in broadcaster.send_times if s <= t < s + 1.0) for s in broadcaster.send_times)
    print(f"Reminder to {args.conversations} conversations at {args.rate:g}/s: {elapsed:.1f} s "
          f"(conversations / rate = {ideal:.1f} s, {elapsed / ideal:.3f}x); sent {report.sent}, "
          f"most sends in any one second: {window}")
    print("memory (delivered: RSS MB): " + ", ".join(f"{d}: {m:.0f}" for d, m in samples))


if __name__ == "__main__":
    asyncio.run(main())
