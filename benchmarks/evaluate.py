"""`make eval`: how well the bot answers the project's evaluation set, through the bot's own HTTP path.

Per plan and per part (tuning / held-back) it prints top-1 accuracy (in-scope questions answered
right by questions.yaml's rule), out-of-scope rejection (the reply says it has no confident answer)
and acute recall (the acute card comes first). Held-back failures are never printed: tune on the
tuning part only (`--failures` lists those). `--questions FILE` scores a file of your own in the same
format (a new batch of staff questions, before anything is mended for it) and lists its failures.
"""
from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from aiohttp.test_utils import TestClient, TestServer

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT / "tests" / "eval"
PARTS = {"tuning": ("examples.yaml", "tuning.yaml"), "held-back": ("heldback.yaml",)}
NO_ANSWER_PHRASES = ("ikke sikker", "kan ikke finde", "fandt ikke", "forstår ikke")


def load_part(part: str) -> list[dict]:
    """The evaluation items of one part."""
    items: list[dict] = []
    for name in PARTS[part]:
        items.extend(yaml.safe_load((EVAL_DIR / name).read_text(encoding="utf-8")))
    return items


def items_for(plan: str, items: list[dict]) -> list[dict]:
    return [i for i in items if i["plan"] in ("any", plan)]


def joined(text: str) -> str:
    """Lower-case, digit groups joined: '70 27 76 66' -> '70277666' (questions.yaml's comparison)."""
    return re.sub(r"(?<=\d)[ .](?=\d)", "", text.lower())


def is_no_answer(reply: str) -> bool:
    """The reply says the bot has no confident answer (the phrases fixed in DEVELOPERS.md)."""
    return any(p in reply.lower() for p in NO_ANSWER_PHRASES)


def is_right(reply: str, question: str, expect: list[list]) -> bool:
    """questions.yaml's rule: each group has an alternative in the reply, at least one not a word of the question."""
    from knowledge.text import words

    if is_no_answer(reply):
        return False
    reply_j, q_words = joined(reply), set(words(question))
    found: list[str] = []
    for group in expect:
        hits = [str(alt).lower() for alt in group if joined(str(alt)) in reply_j]
        if not hits:
            return False
        found.extend(hits)
    return any(set(words(alt)) - q_words for alt in found)


def card_text(node) -> str:
    """All text and button titles of a card (what a reader sees)."""
    out: list[str] = []

    def walk(n):
        if isinstance(n, dict):
            for key in ("text", "title"):
                if isinstance(n.get(key), str):
                    out.append(n[key])
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)
    walk(node)
    return "\n".join(out)


@dataclass
class Score:
    in_scope: int = 0
    right: int = 0
    oos: int = 0
    rejected: int = 0
    acute: int = 0
    acute_first: int = 0
    false_alarms: int = 0
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        def pct(a, b):
            return f"{a / b:6.1%} ({a}/{b})" if b else "   n/a"
        return (f"top-1 {pct(self.right, self.in_scope)}   out-of-scope rejection {pct(self.rejected, self.oos)}"
                f"   acute recall {pct(self.acute_first, self.acute)}   false alarms {self.false_alarms}")


class BotUnderTest:
    """The real app (create_app) on loopback, with a fake Bot Connector capturing the replies."""

    def __init__(self, plan: str):
        self.plan = plan

    async def __aenter__(self) -> "BotUnderTest":
        sys.path.insert(0, str(ROOT))
        from app import KNOWLEDGE, create_app
        from bot.settings import Settings
        from tests.fakes import FakeConnector

        self._fake = FakeConnector()
        self._connector = TestServer(self._fake.app())
        await self._connector.start_server()
        self._fake.url = str(self._connector.make_url("")).rstrip("/")
        settings = Settings.from_env({"PLAN": self.plan, "DATA_DIR": tempfile.mkdtemp(prefix="eval-"),
                                      "PLAYGROUND": "0"})
        app = await create_app(settings)
        self.knowledge = app[KNOWLEDGE]
        self._client = TestClient(TestServer(app))
        await self._client.start_server()
        self._n = 0
        return self

    async def __aexit__(self, *exc) -> None:
        await self._client.close()
        await self._connector.close()

    async def ask(self, question: str) -> list[dict]:
        """One turn as Teams sends it; the bot's message replies."""
        from tests.fakes import message

        self._n += 1
        conversation = f"eval-{self._n}"
        response = await self._client.post("/api/messages", json=message(question, self._fake.url, conversation))
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status} for an evaluation question")
        return self._fake.replies(conversation)


async def evaluate(plan: str, items: list[dict], keep_failures: bool) -> Score:
    score = Score()
    async with BotUnderTest(plan) as bot:
        banner = bot.knowledge.message("acute_banner")
        for item in items:
            replies = await bot.ask(item["q"])
            texts = [card_text(r.get("attachments")) or r.get("text", "") for r in replies]
            reply = "\n".join(texts)
            first_is_acute = bool(texts) and texts[0].startswith(banner)
            if item["kind"] == "oos":
                score.oos += 1
                ok = is_no_answer(reply)
                score.rejected += ok
            else:
                score.in_scope += 1
                ok = is_right(reply, item["q"], item["expect"])
                score.right += ok
                if item["kind"] == "acute":
                    score.acute += 1
                    score.acute_first += first_is_acute
                    ok = ok and first_is_acute
                elif first_is_acute:
                    score.false_alarms += 1
                    ok = False
            if not ok and keep_failures:
                title = texts[0].splitlines()[0] if texts else "(no reply)"
                score.failures.append(f"  [{item['kind']}] {item['q']!r} -> {title!r}")
    return score


async def main() -> int:
    parser = argparse.ArgumentParser(prog="make eval")
    parser.add_argument("--plan", action="append", help="plan(s) to evaluate (default: every shipped plan)")
    parser.add_argument("--failures", action="store_true", help="list the tuning part's failures")
    parser.add_argument("--part", choices=list(PARTS), action="append", help="part(s) to run (default: both)")
    parser.add_argument("--questions", type=Path, metavar="FILE",
                        help="evaluate a questions file of your own instead (same format), listing its failures")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from knowledge import shipped_plans

    plans = args.plan or shipped_plans()
    for plan in plans:
        print(f"Plan {plan}")
        if args.questions:
            runs = [(args.questions.name, yaml.safe_load(args.questions.read_text(encoding="utf-8")) or [], True)]
        else:
            runs = [(part, load_part(part), args.failures and part == "tuning") for part in args.part or PARTS]
        for part, all_items, keep_failures in runs:
            items = items_for(plan, all_items)
            score = await evaluate(plan, items, keep_failures=keep_failures)
            print(f"  {part:10} {len(items):4} questions   {score.line()}")
            for failure in score.failures:
                print(failure)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
