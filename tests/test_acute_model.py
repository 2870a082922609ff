"""The learned reading of acute danger (knowledge/acute_model.py) beside acute.yaml's word lists."""
from __future__ import annotations

import pytest

from benchmarks.train_acute import fingerprint, fit, training_set
from knowledge import load_plan
from knowledge.acute import AcuteDetector, PhraseIndex
from knowledge.acute_model import AcuteModel, char_ngrams, shipped, shipped_worry
from knowledge.matcher import Matcher
from knowledge.text import words


@pytest.fixture(scope="module")
def data():
    return training_set()


@pytest.fixture(scope="module")
def matcher():
    return Matcher(load_plan("holstebro"))


def test_the_shipped_model_is_trained_on_the_current_tuning_parts(data):
    # Items added to or relabelled in the tuning parts need `make acute-model`, or the bot reads an older lesson.
    assert shipped().trained_on == fingerprint(*data), "out of date: run make acute-model"


def test_the_shipped_worry_model_is_trained_on_the_current_tuning_parts():
    assert shipped_worry().trained_on == fingerprint(*training_set("worry")), "out of date: run make acute-model"


def test_the_worry_reading_counts_situations_and_acute_messages_as_worries():
    texts, labels, _ = training_set("worry")
    acute_texts, acute_labels, _ = training_set("acute")
    assert sum(labels) > sum(acute_labels) > 0  # every acute message is a worry, and so is every situation
    assert len(texts) > len(acute_texts)  # it also learns from batch H's tuning quarter


def test_reading_the_shipped_worry_model_in_plain_python_gives_scikit_learns_probabilities():
    data = training_set("worry")
    model = fit(*data)
    sample = data[0][::41]
    expected = model.predict_proba(sample)[:, 1]
    got = [shipped_worry().probability(t.split()) for t in sample]
    assert max(abs(e - g) for e, g in zip(expected, got)) < 1e-3


def test_reading_the_shipped_model_in_plain_python_gives_scikit_learns_probabilities(data):
    texts = data[0]
    model = fit(*data)
    sample = texts[::37]
    expected = model.predict_proba(sample)[:, 1]
    got = [shipped().probability(t.split()) for t in sample]
    assert max(abs(e - g) for e, g in zip(expected, got)) < 1e-3
    assert any(p >= shipped().threshold for p in got) and any(p < shipped().threshold for p in got)


def test_character_ngrams_stay_inside_words_as_scikit_learn_makes_them():
    assert char_ngrams("ni kniv", 3, 4) == [" ni", "ni ", " ni ", " kn", "kni", "niv", "iv ", " kni", "kniv", "niv "]


class _Always(AcuteModel):
    def __init__(self):  # a model that finds every message acute
        self.threshold = 0.5

    def probability(self, message):
        return 1.0


def test_a_stand_in_model_that_finds_everything_acute_still_obeys_the_length_rule():
    assert _Always().is_acute(words("hun er bange for sin bror, når hun kommer hjem"))
    assert not _Always().is_acute(words("og hvis hun er 16"))


def _detector(model):
    signals = load_plan("holstebro").acute
    return AcuteDetector(signals, PhraseIndex(), model)


def test_the_model_never_raises_an_alarm_on_a_plain_question_about_the_subject():
    detector = _detector(_Always())
    question = words("hvad er tegn på æresrelateret vold")
    assert detector.is_plain_question(question)
    assert not detector.detect(frozenset(), True, question)
    assert detector.detect(frozenset(), False, words("hun er bange for sin bror, når hun kommer hjem"))


def test_a_short_message_is_read_by_the_word_lists_alone():
    # "og hvis hun er 16?" after an answer is a follow-up, not a told situation
    detector = _detector(_Always())
    assert not detector.detect(frozenset(), False, words("og hvis hun er 16"))


def test_without_a_model_only_the_word_lists_decide():
    assert not _detector(None).detect(frozenset(), False, words("hun er bange for sin bror, når hun kommer hjem"))


def test_the_model_reads_what_follows_danger_said_not_to_be_there(matcher):
    # The whole message reads as danger to the model ("fare", "lige nu"); what follows "ikke i fare lige nu" is
    # nothing, so only the lists decide.
    calm = ("Min elev siger at hendes bror holder øje med hende hele tiden og hun er bange for ham, "
            "men hun er ikke i fare lige nu")
    assert shipped().probability(words(calm)) > shipped().threshold
    assert matcher.acute_reading(calm) == ()
    assert not matcher.is_acute(calm)
    # ... but danger told after it is read ("men i aften ...")
    later = ("Hun er ikke i fare lige nu, men i aften kommer broren hjem, og han har sagt, at hun vil fortryde det, "
             "og han har en hammer")
    assert matcher.acute_reading(later)[:3] == ("men", "i", "aften")
    assert matcher.is_acute(later)


@pytest.mark.parametrize("message", [
    # an idiom in the message ("fortalte i dag", "nu hvor", "slå op", "slog sig") does not turn the model off
    "Hun fortalte i dag, at han har sagt til hende, at hun vil fortryde det, og han henter hende efter skole",
    "Nu hvor hun er flyttet, har han sagt til hende, at hun vil fortryde det, og han henter hende efter skole",
    "Hun vil slå op med kæresten, og han har sagt, at hun vil fortryde det, og han henter hende efter skole",
])
def test_an_idiom_does_not_hide_danger_told_in_other_words(matcher, message):
    assert matcher.is_acute(message)


def test_a_general_question_about_what_is_acute_is_left_to_the_word_lists(matcher):
    message = "Er det akut, hvis en elevs far siger, at han vil sende hende til sin familie i udlandet?"
    assert matcher.acute_reading(message) is None
    assert not matcher.is_acute(message)


@pytest.mark.parametrize("message", [
    # danger told in words no acute list has: a veiled threat and being fetched after school, a weapon by what it is
    "Han har sagt til hende, at hun vil fortryde det, og han henter hende efter skole",
    "min elev er bange for sin far, han har en hammer",
])
def test_danger_told_in_words_no_list_has_is_read_as_acute(matcher, message):
    signals = load_plan("holstebro").acute
    lists_only = AcuteDetector(signals, index := PhraseIndex())
    read = matcher.acute_reading(message)
    assert not lists_only.detect(index.find(tuple(read)), lists_only.is_plain_question(read))
    assert matcher.is_acute(message)


@pytest.mark.parametrize("message", [
    "Hvornår skal jeg lave en underretning?",
    "Hvem kan jeg ringe til for sparring om en bekymring?",
    "Hvad er forskellen på æresrelaterede konflikter og negativ social kontrol?",
    "Hvordan booker jeg et mødelokale til vidensteamet?",
])
def test_ordinary_questions_raise_no_alarm(matcher, message):
    assert not matcher.is_acute(message)


@pytest.mark.parametrize("content", ["", "{}", '{"threshold": 0.5}', "not json"])
def test_a_broken_model_file_says_what_to_do(tmp_path, content):
    path = tmp_path / "acute-model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="make acute-model"):
        AcuteModel.from_file(path)
