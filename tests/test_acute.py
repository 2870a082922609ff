"""Acute detection is a stage of its own (knowledge/acute.py): tested here without the topics' ranking."""
from __future__ import annotations

import pytest

from knowledge import load_plan
from knowledge.acute import AcuteDetector, PhraseIndex, phrases
from knowledge.text import words


@pytest.fixture(scope="module")
def detector():
    index = PhraseIndex()
    acute = AcuteDetector(load_plan("holstebro").acute, index)

    def detect(text: str) -> bool:
        message = words(text)
        return acute.detect(index.find(tuple(message)), acute.is_plain_question(message))
    return detect


@pytest.mark.parametrize("text", ["hun er truet på livet", "han slår hende lige nu", "hun skal giftes i morgen",
                                  "de rejser til pakistan på fredag", "hun tør ikke gå hjem"])
def test_danger_now_is_acute(detector, text):
    assert detector(text)


@pytest.mark.parametrize("text", ["hvad er tegn på vold", "hvad siger loven om tvangsægteskab",
                                  "må vi kontrollere elevernes mobiler", "hvem er kontaktperson"])
def test_a_question_about_the_subject_is_not(detector, text):
    assert not detector(text)


def test_phrase_words_longer_than_three_letters_match_as_prefixes():
    index = PhraseIndex()
    overvåg = index.add(phrases(["overvåg"])[0])
    nu = index.add(phrases(["nu"])[0])
    assert overvåg in index.find(tuple(words("hun bliver overvåget")))
    assert nu not in index.find(tuple(words("nummeret")))
