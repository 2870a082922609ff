"""The evaluation set through the bot's HTTP path (what `make eval` prints), as regression guards.

Safety is absolute: every acute question of both parts gets the acute card first, and no plain
question raises a false alarm. Quality: the tuning part stays at ≥ 94 % top-1 and 95 % rejection; the
held-back part holds the issue's target, 95 % (see docs/evaluation.md).
"""
from __future__ import annotations

import pytest

from benchmarks.evaluate import evaluate, items_for, load_part
from knowledge import shipped_plans

# The target (issue 3), reached on 2026-11-23 with one question to spare in Albertslund (42/44): the held-back
# part is small (44-45 in-scope questions per plan, one question is 2.3 points) and is never tuned on - a change
# that fails here is measured on fresh batches first, never mended against these items.
HELD_BACK_FLOOR = {"top1": 0.95, "rejection": 0.95}


@pytest.mark.parametrize("plan", shipped_plans())
async def test_tuning_part_keeps_its_figures_and_full_acute_recall(plan):
    # The tuning part holds each fresh batch as first written, mended only where a general fix was found, so
    # its top-1 is a floor against regressions (94 %), not a goal; out-of-scope rejection stays at 95 %.
    score = await evaluate(plan, items_for(plan, load_part("tuning")), keep_failures=False)
    assert score.right / score.in_scope >= 0.94
    assert score.rejected / score.oos >= 0.95
    assert score.acute_first == score.acute and score.false_alarms == 0
    assert score.names_other == 0  # each bot shows its own plan: no reply names the other municipality


@pytest.mark.parametrize("plan", shipped_plans())
async def test_held_back_part_keeps_full_acute_recall_and_does_not_regress(plan):
    score = await evaluate(plan, items_for(plan, load_part("held-back")), keep_failures=False)
    assert score.acute_first == score.acute and score.false_alarms == 0
    assert score.right / score.in_scope >= HELD_BACK_FLOOR["top1"]
    assert score.rejected / score.oos >= HELD_BACK_FLOOR["rejection"]
    assert score.names_other == 0
