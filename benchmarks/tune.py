"""Choose the matcher's thresholds on the TUNING part of the evaluation set (never the held-back part).

    .venv/bin/python -m benchmarks.tune [--fresh NEW_BATCH.yaml]

For every combination in the grid it builds the bot's replies (knowledge.matcher + bot.cards, the
code the bot runs) for every tuning question of every shipped plan and scores them with make eval's
rule. It prints the best combinations; the chosen values are written into knowledge/matcher.py by hand.
Objective: the highest top-1 + rejection among settings where both reach 0.95 (a confident wrong answer
to an out-of-scope question costs more than a "Mente du" card, so ties go to the higher rejection).

The tuning part's in-scope questions have mostly been answered by mending the plan's question variants,
so they score higher than a question nobody has seen, and thresholds chosen on them come out too high.
`--fresh` takes the in-scope questions from a new batch written the way staff type and measured before
anything was mended for it (out-of-scope ones from it and the whole tuning part).
"""
from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.evaluate import card_text, is_no_answer, is_right, items_for, load_part  # noqa: E402
from bot import cards  # noqa: E402
from knowledge import load_plan, shipped_plans  # noqa: E402
from knowledge import matcher as matcher_module  # noqa: E402

GRID = {
    "ANSWER_THRESHOLD": [0.26, 0.28, 0.30, 0.32, 0.34, 0.36],
    "SUGGEST_THRESHOLD": [0.22],
    "RUNNER_UP_MARGIN": [0.0],
    "SURE_THRESHOLD": [0.60],
    "VARIANT_WEIGHT": [0.6, 0.7],
    "COVERAGE_GATE": [0.75, 1.0],
    "SITUATION_FLOOR": [0.45],
    "ANSWER_TEXT_WEIGHT": [0.7],
    "KEYWORD_WEIGHT": [0.9],
    "UNKNOWN_RARE_ZIPF": [3.5],
    "UNKNOWN_COMMON_ZIPF": [6.0],
    "UNKNOWN_COMMON_WEIGHT": [1.5, 2.0],
    "EVIDENCE_WEIGHT": [2.0, 2.5, 3.0],
}


def score(setting: dict, plans: dict) -> tuple[float, float, float]:
    for key, value in setting.items():
        setattr(matcher_module, key, value)
    right = total = rejected = oos = acute_ok = acute = 0
    for plan, (knowledge, items) in plans.items():
        m = matcher_module.Matcher(knowledge)
        banner = knowledge.message("acute_banner")
        for item in items:
            texts = [card_text(c.content) for c in cards.replies_for(m.match(item["q"]), knowledge)]
            reply = "\n".join(texts)
            if item["kind"] == "oos":
                oos += 1
                rejected += is_no_answer(reply)
                continue
            total += 1
            ok = is_right(reply, item["q"], item["expect"])
            first_acute = texts[0].startswith(banner)
            if item["kind"] == "acute":
                acute += 1
                acute_ok += first_acute
            elif first_acute:
                ok = False
            right += ok
    return right / total, rejected / oos, acute_ok / acute


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tune")
    parser.add_argument("--fresh", type=Path, metavar="FILE",
                        help="take the in-scope questions from this batch of phrasings the plan has not yet been "
                             "mended for (and the out-of-scope ones from it and the tuning part)")
    args = parser.parse_args()
    items = load_part("tuning")
    if args.fresh:
        fresh = yaml.safe_load(args.fresh.read_text(encoding="utf-8"))
        items = [i for i in items if i["kind"] == "oos"] + fresh
    plans = {p: (load_plan(p), items_for(p, items)) for p in shipped_plans()}
    results = []
    keys = list(GRID)
    for values in itertools.product(*(GRID[k] for k in keys)):
        setting = dict(zip(keys, values))
        if setting["SUGGEST_THRESHOLD"] >= setting["ANSWER_THRESHOLD"]:
            continue
        top1, rejection, recall = score(setting, plans)
        results.append((min(top1, rejection) >= 0.95, top1 + rejection, rejection, top1, recall, setting))
    results.sort(key=lambda r: (r[0], r[1], r[2]), reverse=True)
    for _, _, rejection, top1, recall, setting in results[:10]:
        print(f"top-1 {top1:.3f}  rejection {rejection:.3f}  acute {recall:.3f}  {setting}")


if __name__ == "__main__":
    main()
