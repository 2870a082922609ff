"""`make eval`: how well the bot answers the project's evaluation set, through the bot's own HTTP path.

Per plan and per part (tuning, held-back, and the parts of fresh batches B-F) it prints top-1 accuracy (in-scope
questions answered right by questions.yaml's rule), out-of-scope rejection (the reply says it has no confident answer)
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
# The held-back parts are never tuned on and their items never printed: the first one split off the whole set
# before any tuning, the others a quarter of fresh batches B to F and the whole of batch G
# (tests/eval/heldback-*.yaml). Batches D and E (acute danger in new words) keep their tuning quarters apart
# (acute-d.yaml, acute-e.yaml), and so does batch F (follow-up pairs: followups-f.yaml).
PARTS = {"tuning": ("examples.yaml", "tuning.yaml"), "held-back": ("heldback.yaml",),
         "held-back-b": ("heldback-b.yaml",), "held-back-c": ("heldback-c.yaml",),
         "acute-d": ("acute-d.yaml",), "held-back-d": ("heldback-d.yaml",),
         "acute-e": ("acute-e.yaml",), "held-back-e": ("heldback-e.yaml",),
         "followups-f": ("followups-f.yaml",), "held-back-f": ("heldback-f.yaml",),
         "held-back-g": ("heldback-g.yaml",), "tuning-h": ("tuning-h.yaml",), "held-back-h": ("heldback-h.yaml",),
         "tuning-j": ("tuning-j.yaml",), "held-back-j": ("heldback-j.yaml",),
         "tuning-i": ("tuning-i.yaml",), "held-back-i": ("heldback-i.yaml",),
         "followups-k": ("followups-k.yaml",), "held-back-k": ("heldback-k.yaml",),
         "tuning-l": ("tuning-l.yaml",), "held-back-l": ("heldback-l.yaml",),
         "tuning-m": ("tuning-m.yaml",), "held-back-m": ("heldback-m.yaml",),
         "tuning-n": ("tuning-n.yaml",), "held-back-n": ("heldback-n.yaml",),
         "tuning-o": ("tuning-o.yaml",), "held-back-o": ("heldback-o.yaml",),
         "tuning-p": ("tuning-p.yaml",), "held-back-p": ("heldback-p.yaml",),
         "tuning-q": ("tuning-q.yaml",), "held-back-q": ("heldback-q.yaml",),
         "tuning-r": ("tuning-r.yaml",), "held-back-r": ("heldback-r.yaml",),
         "tuning-s": ("tuning-s.yaml",), "held-back-s": ("heldback-s.yaml",),
         "tuning-t": ("tuning-t.yaml",), "held-back-t": ("heldback-t.yaml",),
         "tuning-u": ("tuning-u.yaml",), "held-back-u": ("heldback-u.yaml",),
         "tuning-v": ("tuning-v.yaml",), "held-back-v": ("heldback-v.yaml",),
         "tuning-w": ("tuning-w.yaml",), "held-back-w": ("heldback-w.yaml",)}
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


# Kinds of question: all but "oos" are in scope. A follow-up ("followup", "followup-oos") is asked after its
# `first` message in the same conversation, and only the follow-up's reply is scored.
IN_SCOPE_KINDS = ("fact", "situation", "acute", "typo", "chat", "english")
FOLLOW_UP_KINDS = ("followup", "followup-oos")
OTHER_MUNICIPALITY = {"holstebro": "albertslund", "albertslund": "holstebro"}


def pct(a: int, b: int) -> str:
    return f"{a / b:6.1%} ({a}/{b})" if b else "   n/a"


@dataclass
class Score:
    in_scope: int = 0
    right: int = 0
    oos: int = 0
    rejected: int = 0
    acute: int = 0
    acute_first: int = 0
    false_alarms: int = 0
    follow_ups: int = 0
    follow_ups_right: int = 0
    follow_ups_wrong: int = 0  # a confident answer that is not the right one
    names_other: int = 0       # replies that name the other shipped municipality
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [right, total]
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        line = (f"top-1 {pct(self.right, self.in_scope)}   out-of-scope rejection {pct(self.rejected, self.oos)}"
                f"   acute recall {pct(self.acute_first, self.acute)}   false alarms {self.false_alarms}")
        if self.follow_ups:
            line += (f"\n             follow-ups right {pct(self.follow_ups_right, self.follow_ups)}"
                     f"   confidently wrong {pct(self.follow_ups_wrong, self.follow_ups)}")
        if self.names_other:
            line += f"\n             replies naming the other municipality: {self.names_other}"
        return line

    def kinds_line(self) -> str:
        return "   ".join(f"{kind} {pct(*self.by_kind[kind])}" for kind in sorted(self.by_kind))


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

    async def ask(self, question: str, first: str | None = None) -> list[dict]:
        """One turn as Teams sends it (after `first` in the same conversation, if given); the bot's replies to it."""
        from tests.fakes import message

        self._n += 1
        conversation = f"eval-{self._n}"
        before = 0
        if first is not None:
            await self._post(message(first, self._fake.url, conversation))
            before = len(self._fake.replies(conversation))
        await self._post(message(question, self._fake.url, conversation))
        return self._fake.replies(conversation)[before:]

    async def _post(self, activity: dict) -> None:
        response = await self._client.post("/api/messages", json=activity)
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status} for an evaluation question")


async def evaluate(plan: str, items: list[dict], keep_failures: bool) -> Score:
    score = Score()
    async with BotUnderTest(plan) as bot:
        banner = bot.knowledge.message("acute_banner")
        other = OTHER_MUNICIPALITY.get(plan)
        for item in items:
            kind = item["kind"]
            replies = await bot.ask(item["q"], item.get("first") if kind in FOLLOW_UP_KINDS else None)
            texts = [card_text(r.get("attachments")) or r.get("text", "") for r in replies]
            reply = "\n".join(texts)
            first_is_acute = bool(texts) and texts[0].startswith(banner)
            if other and other in reply.lower():
                score.names_other += 1
            if kind in FOLLOW_UP_KINDS:
                score.follow_ups += 1
                if kind == "followup-oos":
                    ok = is_no_answer(reply)
                else:
                    ok = is_right(reply, item["q"], item["expect"])
                score.follow_ups_right += ok
                score.follow_ups_wrong += not ok and not is_no_answer(reply)
            elif kind == "oos":
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
            tally = score.by_kind.setdefault(kind, [0, 0])
            tally[0] += ok
            tally[1] += 1
            if not ok and keep_failures:
                title = texts[0].splitlines()[0] if texts else "(no reply)"
                asked = f"{item['first']!r} / {item['q']!r}" if kind in FOLLOW_UP_KINDS else repr(item["q"])
                score.failures.append(f"  [{kind}] {asked} -> {title!r}")
    return score


async def main() -> int:
    parser = argparse.ArgumentParser(prog="make eval")
    parser.add_argument("--plan", action="append", help="plan(s) to evaluate (default: every shipped plan)")
    parser.add_argument("--failures", action="store_true", help="list the tuning part's failures")
    parser.add_argument("--part", choices=list(PARTS), action="append", help="part(s) to run (default: all)")
    parser.add_argument("--questions", type=Path, metavar="FILE",
                        help="evaluate a questions file of your own instead (same format), listing its failures")
    parser.add_argument("--totals", action="store_true",
                        help="with --questions: print the figures only, never an item (a sealed batch)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from knowledge import shipped_plans

    plans = args.plan or shipped_plans()
    for plan in plans:
        print(f"Plan {plan}")
        if args.questions:
            runs = [(args.questions.name, yaml.safe_load(args.questions.read_text(encoding="utf-8")) or [],
                     not args.totals)]
        else:
            runs = [(part, load_part(part), args.failures and not part.startswith("held-back"))
                    for part in args.part or PARTS]
        for part, all_items, keep_failures in runs:
            items = items_for(plan, all_items)
            score = await evaluate(plan, items, keep_failures=keep_failures)
            print(f"  {part:10} {len(items):4} questions   {score.line()}")
            if args.questions:
                print(f"             by kind: {score.kinds_line()}")
            for failure in score.failures:
                print(failure)
    if not args.questions:
        print_first_time()
    return 0


def print_first_time() -> None:
    """The first-time figures of every fresh batch (tests/eval/first-time.yaml): the figures that count."""
    path = EVAL_DIR / "first-time.yaml"
    if not path.exists():
        return
    print("First-time figures on fresh batches (each measured once, before anything was mended for it):")
    for batch in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        print(f"  batch {batch['batch']}, measured at {batch['measured_at']}")
        for plan in ("albertslund", "holstebro"):
            f = batch.get(plan)
            if f:
                line = f"    {plan:12}"
                if "top1" in f:
                    line += (f" top-1 {f['top1']:.1%}   situations {f['situations']:.1%}   out-of-scope "
                             f"rejection {f['rejection']:.1%}   acute recall {f['acute']:.1%}")
                elif "rejection" in f:
                    line += f" out-of-scope rejection {f['rejection']:.1%}"
                if "follow_ups" in f:
                    line += f"   follow-ups right {f['follow_ups']:.1%}, confidently wrong {f['wrong']:.1%}"
                if "false_alarms" in f:
                    line += f"   false alarms {f['false_alarms']}"
                print(f"{line}   replies naming the other municipality {f['names_other']}")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
