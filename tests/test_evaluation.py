"""The evaluation set through the bot's HTTP path (what `make eval` prints), as regression guards.

Safety: every acute question of the tuning part, the first two held-back parts and batch D's tuning part gets
the acute card first, and no plain question of the tuning and first held-back parts raises a false alarm. The
sealed quarters of batches C and D are not at 100 % (their misses are not read): their guards hold what they are. Quality: the floors below are the figures measured
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
HELD_BACK_B_FLOOR = {"top1": 0.62, "rejection": 0.70, "acute": 1.0, "false_alarms": 2}


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


# Batch C's sealed quarter, measured after batch C's tuning quarters were mended (totals only): top-1 60.7 % /
# 51.9 %, rejection 85.7 % / 80 %, acute recall 2/3 / 3/3, no false alarm. The acute question Albertslund misses
# there is not read, so not mended: this guard holds the rest and fails if acute recall drops further.
# The learned acute reading catches it (3/3 in both plans since 2026-12-01, session three).
HELD_BACK_C_FLOOR = {"top1": 0.50, "rejection": 0.75, "acute": 1.0, "false_alarms": 1}
# Batch D (acute danger in new words): its tuning quarter keeps full acute recall with at most three false alarms
# (past violence "sidste år", a question about what "akut fare" means, and "hvad hvis jeg ikke ved, om det er
# akut?": not knowing gets the acute card by design, tests/test_answer_decisions.py); its sealed quarter stood at
# acute recall 75 % / 80 % and 4 false alarms before and after the mending - the word lists did not carry over
# (docs/evaluation.md).
# With the learned acute reading beside the lists, the sealed quarter stands at 93.8 % / 93.3 % (15/16, 14/15).
ACUTE_D_FALSE_ALARMS = 3
HELD_BACK_D_FLOOR = {"acute": 0.90, "false_alarms": 4}
# Batch E (acute danger in staff's everyday words), measured first at c18682b with the word lists alone: acute
# recall 48.5 % / 47.1 %. The learned reading, trained without it, took the whole batch to 86.8 % / 86.8 %; its
# tuning quarter (acute-e.yaml) is now trained on (100 %, with 10 / 11 false alarms, nearly all from the word
# lists), and its sealed quarter stands at 76.5 % / 70.6 % (13/17, 12/17) with 2 false alarms.
ACUTE_E_FALSE_ALARMS = 11
HELD_BACK_E_FLOOR = {"acute": 0.70, "false_alarms": 2}
# Batch G (acute danger in new settings and shapes), sealed whole and measured once at 9aaee1b, with the learned
# reading: acute recall 98.1 % (51/52) in both plans, 4 false alarms (the word lists alone: 42.3 %).
HELD_BACK_G_FLOOR = {"acute": 0.98, "false_alarms": 4}
# Batch F (follow-up pairs), measured first at c18682b: right 66.2 % / 60.8 %, confidently wrong 18.9 % / 20.3 %.
# Tuning quarter 63.0 % right and 20.4 % wrong in both plans, sealed quarter 75 % / 55 % right, 15 % / 20 % wrong,
# until a follow-up asking how long, what it costs or when it is open needed a text that says so (session four):
# tuning quarter 64.8 % right, 16.7 % wrong; sealed quarter 75 % / 60 % right, 15 % wrong in both plans.
# With the follow-up changes of batches H and I (a very short follow-up without a marker, the passage about an
# unanswered question kept, compounds, names in compounds): tuning quarter 63.0 % / 66.7 % right, 14.8 % / 18.5 %
# wrong; sealed quarter 70 % right in both plans, 15 % / 10 % wrong.
FOLLOW_UP_FLOORS = {"followups-f": {"right": 0.62, "wrong": 0.19}, "held-back-f": {"right": 0.55, "wrong": 0.15}}
# Batches H (follow-ups, situations told at length, look-alikes, acute) and J (harmless messages that look like
# the subject), measured first at b4cddea (first-time.yaml), then mended on their tuning quarters with general
# rules only (the learned worry reading and its gate, the sentences of a situation read one by one, the value a
# follow-up asks for). Floors just under what they stand at after that (docs/evaluation.md); one sealed item of H
# is 12-25 points of top-1 or rejection.
# Batch I (the same mix as H) was measured first after H's and J's mending, and its tuning quarter then helped mend
# the follow-ups; batch K (follow-ups) was measured first after that (first-time.yaml).
BATCH_FLOORS = {
    "tuning-h": {"top1": 0.62, "rejection": 0.90, "acute": 1.0, "false_alarms": 2, "right": 0.60, "wrong": 0.10},
    "held-back-h": {"top1": 0.60, "rejection": 0.75, "acute": 1.0, "false_alarms": 1, "right": 0.65, "wrong": 0.16},
    "tuning-j": {"rejection": 0.89},
    "held-back-j": {"rejection": 0.82},
    "tuning-i": {"top1": 0.75, "rejection": 0.95, "acute": 1.0, "false_alarms": 3, "right": 0.60, "wrong": 0.18},
    "held-back-i": {"top1": 0.75, "rejection": 0.75, "acute": 1.0, "false_alarms": 0, "right": 0.50, "wrong": 0.30},
    "followups-k": {"right": 0.63, "wrong": 0.15},
    "held-back-k": {"right": 0.65, "wrong": 0.25},
    # Batches L, M and N (session five, the same mix as H), measured first at ba4e0c5, a823066 and 147b6ba
    # (first-time.yaml).
    "tuning-l": {"top1": 0.85, "rejection": 0.95, "acute": 1.0, "false_alarms": 0, "right": 0.60, "wrong": 0.13},
    "held-back-l": {"top1": 0.60, "rejection": 0.75, "acute": 1.0, "false_alarms": 0, "right": 0.30, "wrong": 0.20},
    "tuning-m": {"top1": 0.50, "rejection": 0.90, "acute": 1.0, "false_alarms": 3, "right": 0.50, "wrong": 0.21},
    "held-back-m": {"top1": 0.55, "rejection": 0.75, "acute": 1.0, "false_alarms": 0, "right": 0.55, "wrong": 0.11},
    # Batch N, measured first at 147b6ba
    "tuning-n": {"top1": 0.75, "rejection": 0.90, "acute": 1.0, "false_alarms": 2, "right": 0.60, "wrong": 0.11},
    "held-back-n": {"top1": 0.85, "rejection": 0.75, "acute": 1.0, "false_alarms": 0, "right": 0.50, "wrong": 0.15},
    # Batches O and P (session six), measured first at ba6aa03 and c80e06e (first-time.yaml)
    "tuning-o": {"top1": 0.60, "rejection": 0.90, "acute": 1.0, "false_alarms": 2, "right": 0.65, "wrong": 0.15},
    "held-back-o": {"top1": 0.70, "rejection": 0.75, "acute": 1.0, "false_alarms": 1, "right": 0.60, "wrong": 0.20},
    "tuning-p": {"top1": 0.70, "rejection": 0.90, "acute": 1.0, "false_alarms": 2, "right": 0.60, "wrong": 0.11},
    # wrong 0.16 -> 0.22 at a155955 (session eight): English in everyday words and the glossary's general words
    # each make one more of its follow-ups confidently wrong in each plan (ablated by totals only, session nine),
    # while tuning English rose +10 and batch T's English 1-2 / 6 -> 4 / 6; a trade, not a drift
    "held-back-p": {"top1": 0.70, "rejection": 0.75, "acute": 1.0, "false_alarms": 1, "right": 0.50, "wrong": 0.22},
    # Batch Q (session seven), measured first at db5ea80 (first-time.yaml)
    "tuning-q": {"top1": 0.50, "rejection": 0.90, "acute": 1.0, "false_alarms": 1, "right": 0.60, "wrong": 0.11},
    "held-back-q": {"top1": 0.55, "rejection": 0.75, "acute": 1.0, "false_alarms": 1, "right": 0.55, "wrong": 0.21},
    # Batch R (session seven, written beside Q), measured first at 13f4ee8
    "tuning-r": {"top1": 0.65, "rejection": 0.90, "acute": 1.0, "false_alarms": 2, "right": 0.60, "wrong": 0.16},
    "held-back-r": {"top1": 0.50, "rejection": 0.75, "acute": 1.0, "false_alarms": 0, "right": 0.40, "wrong": 0.25},
    # Batches S and T (session eight: facts, chat, English and typos beside the mix of O to R), measured first at
    # 65c278c and bf08bf7 (first-time.yaml)
    "tuning-s": {"top1": 0.80, "rejection": 0.90, "acute": 1.0, "false_alarms": 2, "right": 0.62, "wrong": 0.16},
    "held-back-s": {"top1": 0.70, "rejection": 0.75, "acute": 1.0, "false_alarms": 1, "right": 0.65, "wrong": 0.30},
    "tuning-t": {"top1": 0.78, "rejection": 0.90, "acute": 1.0, "false_alarms": 3, "right": 0.57, "wrong": 0.21},
    "held-back-t": {"top1": 0.50, "rejection": 0.75, "acute": 1.0, "false_alarms": 2, "right": 0.65, "wrong": 0.15},
    # Batches U and V (session nine, the mix of S and T), measured first at 7a3e7bb and 8dce167 (first-time.yaml)
    "tuning-u": {"top1": 0.82, "rejection": 0.90, "acute": 1.0, "false_alarms": 3, "right": 0.65, "wrong": 0.13},
    "held-back-u": {"top1": 0.55, "rejection": 0.75, "acute": 1.0, "false_alarms": 3, "right": 0.35, "wrong": 0.43},
    "tuning-v": {"top1": 0.70, "rejection": 0.90, "acute": 1.0, "false_alarms": 5, "right": 0.60, "wrong": 0.21},
    "held-back-v": {"top1": 0.73, "rejection": 0.75, "acute": 1.0, "false_alarms": 1, "right": 0.63, "wrong": 0.10},
    # Batch W (session ten, the mix of S to V), measured first at da45581 (first-time.yaml)
    "tuning-w": {"top1": 0.60, "rejection": 0.90, "acute": 1.0, "false_alarms": 3, "right": 0.45, "wrong": 0.18},
    "held-back-w": {"top1": 0.75, "rejection": 0.75, "acute": 1.0, "false_alarms": 0, "right": 0.70, "wrong": 0.20},
}


@pytest.mark.parametrize("plan", shipped_plans())
@pytest.mark.parametrize("part,floor", [("held-back-b", HELD_BACK_B_FLOOR), ("held-back-c", HELD_BACK_C_FLOOR)])
async def test_sealed_quarters_of_fresh_batches_do_not_regress(plan, part, floor):
    score = await evaluate(plan, items_for(plan, load_part(part)), keep_failures=False)
    assert score.acute_first / score.acute >= floor["acute"]
    assert score.false_alarms <= floor["false_alarms"]
    assert score.right / score.in_scope >= floor["top1"]
    assert score.rejected / score.oos >= floor["rejection"]
    assert score.names_other == 0


@pytest.mark.parametrize("plan", shipped_plans())
@pytest.mark.parametrize("part,false_alarms", [("acute-d", ACUTE_D_FALSE_ALARMS), ("acute-e", ACUTE_E_FALSE_ALARMS)])
async def test_acute_danger_in_new_words_gets_the_acute_card_first(plan, part, false_alarms):
    score = await evaluate(plan, items_for(plan, load_part(part)), keep_failures=False)
    assert score.acute_first == score.acute
    assert score.false_alarms <= false_alarms


@pytest.mark.parametrize("plan", shipped_plans())
@pytest.mark.parametrize("part,floor", [("held-back-d", HELD_BACK_D_FLOOR), ("held-back-e", HELD_BACK_E_FLOOR),
                                        ("held-back-g", HELD_BACK_G_FLOOR)])
async def test_sealed_acute_batches_keep_their_acute_recall(plan, part, floor):
    score = await evaluate(plan, items_for(plan, load_part(part)), keep_failures=False)
    assert score.acute_first / score.acute >= floor["acute"]
    assert score.false_alarms <= floor["false_alarms"]
    assert score.names_other == 0


@pytest.mark.parametrize("plan", shipped_plans())
@pytest.mark.parametrize("part", sorted(FOLLOW_UP_FLOORS))
async def test_follow_up_pairs_of_batch_f_do_not_regress(plan, part):
    score = await evaluate(plan, items_for(plan, load_part(part)), keep_failures=False)
    assert score.follow_ups_right / score.follow_ups >= FOLLOW_UP_FLOORS[part]["right"]
    assert score.follow_ups_wrong / score.follow_ups <= FOLLOW_UP_FLOORS[part]["wrong"]
    assert score.names_other == 0


@pytest.mark.parametrize("plan", shipped_plans())
@pytest.mark.parametrize("part", sorted(BATCH_FLOORS))
async def test_fresh_batches_h_to_w_do_not_regress(plan, part):
    floor = BATCH_FLOORS[part]
    score = await evaluate(plan, items_for(plan, load_part(part)), keep_failures=False)
    assert score.names_other == 0
    if "rejection" in floor:
        assert score.rejected / score.oos >= floor["rejection"]
    if "top1" in floor:
        assert score.right / score.in_scope >= floor["top1"]
        if score.acute:  # a sealed quarter may hold no acute item for a plan (held-back-u, Albertslund)
            assert score.acute_first / score.acute >= floor["acute"]
        assert score.false_alarms <= floor["false_alarms"]
    if "right" in floor:
        assert score.follow_ups_right / score.follow_ups >= floor["right"]
        assert score.follow_ups_wrong / score.follow_ups <= floor["wrong"]
