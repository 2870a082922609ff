"""`python -m benchmarks.tune_passages [--questions FILE]`: choose the passage thresholds (knowledge/passages.py).

For every question that no topic answers, the best passage's coverage and evidence are computed once; then each pair
of thresholds is scored: in-scope questions a passage answers right, minus out-of-scope ones it answers at all (a
wrong confident answer is worse than an honest "no"). Run it on the tuning part and a fresh batch, never on the
held-back part.
"""
from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from benchmarks.evaluate import is_right, items_for, load_part
    from knowledge import load_plan, shipped_plans
    from knowledge import passages as passages_module
    from knowledge.matcher import Decision, Matcher

    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path, action="append", default=[])
    parser.add_argument("--two", action="store_true", help="also score pairs of rules, either of which answers")
    args = parser.parse_args()
    rows = []  # (oos, coverage, evidence, right)
    for plan in shipped_plans():
        knowledge = load_plan(plan)
        matcher = Matcher(knowledge)
        items = items_for(plan, load_part("tuning"))
        for path in args.questions:
            items += [i for i in items_for(plan, yaml.safe_load(path.read_text(encoding="utf-8")))
                      if "first" not in i]
        # Every best passage is seen: the thresholds are off while matching (and put back after).
        old = passages_module.MIN_COVERAGE, passages_module.MIN_EVIDENCE
        passages_module.MIN_COVERAGE, passages_module.MIN_EVIDENCE = 0.0, 0.0
        try:
            results = [(item, matcher.match(item["q"])) for item in items]
        finally:
            passages_module.MIN_COVERAGE, passages_module.MIN_EVIDENCE = old
        for item, result in results:
            if result.decision is Decision.ANSWER or result.passage is None or result.acute:
                continue
            hit = result.passage
            passage = knowledge.passages[hit.passage_id]
            reply = "\n".join((passage.section, *hit.quote))
            oos = item["kind"] == "oos"
            right = not oos and is_right(reply, item["q"], item.get("expect") or [])
            rows.append((oos, hit.coverage, hit.evidence, right))
    def tally(rules) -> tuple[int, int, int, int]:
        """(score, right, out of scope answered, wrong) when a passage answers under any of the rules."""
        answered = [r for r in rows if any(r[1] >= coverage and r[2] >= evidence for coverage, evidence in rules)]
        right = sum(r[3] for r in answered)
        oos = sum(r[0] for r in answered)
        wrong = len(answered) - right - oos
        return right - 2 * oos - wrong, right, oos, wrong

    coverages = [x / 100 for x in range(40, 101, 4)]
    if args.two:
        grid = list(itertools.product(coverages, [4, 5, 6, 7, 8, 8.5, 9, 10, 12, 14]))
        two = [(*tally([first, second]), *first, *second) for first, second in itertools.permutations(grid, 2)
               if second[0] < first[0] and second[1] > first[1]]
        for row in sorted(two, reverse=True)[:10]:
            print("either rule: coverage >= {4:.2f} evidence >= {5} or coverage >= {6:.2f} evidence >= {7}: right {1}, "
                  "out of scope answered {2}, wrong {3} (score {0})".format(*row))
    print(f"{len(rows)} questions no topic answers, {sum(r[0] for r in rows)} of them out of scope")
    best = [(*tally([rule]), *rule) for rule in itertools.product(coverages, [4, 6, 7, 8, 9, 10, 12])]
    current = (passages_module.MIN_COVERAGE, passages_module.MIN_EVIDENCE)
    for score, right, oos, wrong, coverage, evidence in sorted(best, reverse=True)[:8] + [
            b for b in best if (b[4], b[5]) == current]:
        print(f"coverage >= {coverage:.2f} evidence >= {evidence}: right {right}, out of scope answered {oos}, "
              f"wrong {wrong} (score {score})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
