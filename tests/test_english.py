"""Staff who write English: a message mostly in English is read as the Danish of the glossary
(knowledge/national/english.yaml); a Danish message with an English loanword stays Danish."""
from __future__ import annotations

import functools

import pytest

from knowledge import load_plan
from knowledge.english import EnglishReader
from knowledge.matcher import Matcher
from knowledge.text import words
from tests.fakes import card_of, card_text

@functools.lru_cache(maxsize=None)
def _matcher(plan: str) -> Matcher:
    return Matcher(load_plan(plan))  # built once per plan, not once per question


READER = EnglishReader({"who": "hvem", "honour-related": "æresrelateret", "conflicts": "konflikter",
                        "forced marriage": "tvangsægteskab", "call": "ringe", "child": "barn"})


@pytest.mark.parametrize("text", ["Who can be affected by honour-related conflicts?",
                                  "what is the law on forced marriage", "who do I call about a child"])
def test_a_message_mostly_in_english_is_english(text):
    assert READER.is_english(words(text))


@pytest.mark.parametrize("text", ["Hvad er nummeret til RED's hotline?", "Hvem kan jeg ringe til om et barn?",
                                  "action card for tvangsægteskab", "is", "hvad er social kontrol"])
def test_a_danish_message_with_an_english_word_stays_danish(text):
    assert not READER.is_english(words(text))
    assert READER.read(words(text)) == words(text)


def test_the_longest_phrase_wins_and_an_inflected_form_finds_its_base_word():
    assert READER.translate(words("forced marriage conflicts")) == words("tvangsægteskab konflikter")
    assert READER.translate(words("who calls")) == words("hvem ringe")  # "calls" -> "call"
    assert READER.translate(words("the children")) == ["the", "children"]  # not in the glossary: left as it is
    assert EnglishReader({"run": "løber"}).translate(words("running")) == words("løber")  # a doubled consonant


@pytest.mark.parametrize("plan", ["holstebro", "albertslund"])
@pytest.mark.parametrize("english,danish", [
    ("Who can be affected by honour-related conflicts?", "Hvem kan blive udsat for æresrelaterede konflikter?"),
    ("What are the warning signs of negative social control?", "Hvad er tegnene på negativ social kontrol?"),
    ("Is forced marriage a crime?", "Er tvangsægteskab strafbart?"),
    ("What is the phone number of Lokk?", "Hvad er telefonnummeret til Lokk?"),
])
def test_an_english_question_gets_the_answer_of_its_danish(plan, english, danish):
    m = _matcher(plan)
    assert m.match(danish).confident is not None
    assert m.match(english).confident == m.match(danish).confident


def test_a_common_english_word_the_glossary_lacks_is_left_out_of_the_words_matched():
    # "did" and "still" say nothing and would weigh as rare words the plan never uses; a rare English word
    # ("diwali") and a word of the plan ("red") stay, and the phrase's last word may be inflected ("job centres").
    reader = EnglishReader({"how many": "hvor mange", "cases": "sager", "job centre": "jobcenter"})
    read = reader.translate(words("how many cases did the job centres still handle for red diwali"),
                            keep=frozenset({"red"}))
    assert read == words("hvor mange sager jobcenter handle for red diwali")
    assert reader.translate(words("how many cases did")) == words("hvor mange sager did")  # without keep: as typed


@pytest.mark.parametrize("plan", ["holstebro", "albertslund"])
@pytest.mark.parametrize("question, expected", [
    ("Where can young people aged 16 to 30 without kids get protected housing?", "16"),
    ("Which municipality has a cross-disciplinary resource network of 14 staff on negative social control?",
     "Gladsaxe"),
    ("How many inquiries did the Copenhagen social control advisers receive in their first two years?", "643"),
])
def test_an_english_fact_question_in_everyday_words_is_answered(plan, question, expected):
    result = _matcher(plan).match(question)
    if result.passage is not None:
        text = " ".join(result.passage.quote)
    else:
        assert result.confident is not None
        topic = load_plan(plan).topics[result.confident].topic
        text = " ".join((topic.answer, *topic.points))
    assert expected in text


def test_two_words_are_english_only_when_they_are_a_phrase_of_the_glossary():
    reader = EnglishReader({"since when": "siden hvornår", "when": "hvornår", "forced marriage": "tvangsægteskab"})
    assert reader.read(words("since when?")) == words("siden hvornår")
    assert reader.read(words("forced marriage")) == words("tvangsægteskab")
    assert not reader.is_english(words("since 2019"))  # one glossary word is not enough in so short a message
    assert not reader.is_english(words("hvornår når"))


def test_every_weekend_is_read_as_a_habit_not_as_soon():
    m = _matcher("holstebro")
    # "every weekend" is "hver weekend", an idiom the acute check leaves out ("weekend" alone is soon)
    assert "weekend" not in m.acute_reading("her parents take her phone every weekend when she goes home")
    assert "weekenden" in m.acute_reading("her parents will take her abroad this weekend")


@pytest.mark.parametrize("plan", ["holstebro", "albertslund"])
def test_a_safe_house_is_red_safehouse(plan):
    assert _matcher(plan).match("safe house").confident == _matcher(plan).match("safehouse").confident == "red-safehouse"


def test_the_glossary_is_part_of_every_plan():
    for plan in ("holstebro", "albertslund"):
        knowledge = load_plan(plan)
        assert knowledge.english["honour-related"] == "æresrelateret"


@pytest.mark.parametrize("calm", ["She isn't in danger right now, but I'm worried about her",
                                  "She is not in danger at the moment, she just wants advice"])
def test_danger_said_not_to_be_there_in_an_english_contraction_is_no_alarm(calm):
    # "isn't" is the words "isn" "t": without the glossary's contractions "in danger" alone was read, an alarm.
    assert not _matcher("holstebro").match(calm).acute


@pytest.mark.parametrize("danger", [
    "She is in danger right now, her brother is outside",
    "I don't know if she is in danger, her father threatened her today",
    "Jeg ved ikke, om hun er i fare",
    # doubt about the absence of danger is no absence ("not sure", "who says")
    "I'm not sure she isn't in danger", "Who says she isn't in danger?",
    "Jeg er ikke sikker på, at hun ikke er i fare",
    # a belief that there is no danger is not taken on trust: safety first
    "Familien har besluttet at hun skal blive i Somalia efter ferien. Jeg tror ikke hun er i fare her, men hvad gør jeg?",
    "Han tror ikke hun er i fare, men jeg gør",
    # violence said not to be there does not hide a threat told before it
    "Han truer hende hele tiden med at hun skal sendes til Irak. Men det er ikke noget med vold.",
])
def test_danger_told_doubted_or_not_known_to_be_absent_is_still_an_alarm(danger):
    assert _matcher("holstebro").match(danger).acute


def test_a_contraction_counts_as_english_when_telling_the_language():
    assert EnglishReader({"don't": "ikke", "think": "tror", "he's": "han er", "in": "i", "danger": "fare"}
                         ).is_english(words("I don't think he's in danger"))


@pytest.mark.parametrize("danger", [
    "a girl from my class is being pushed into a car by two men outside the school right now, what do I do",
    "two men are dragging her into the van outside the youth club",
])
def test_being_taken_away_by_force_in_english_is_an_alarm(danger):
    matcher = _matcher("holstebro")
    assert matcher.match(danger).acute


async def test_being_pushed_into_a_car_gets_the_acute_card_first_and_no_name_reminder_before_it(ask):
    replies = await ask("a girl from my class is being pushed into a car by two men outside the school right now, "
                        "what do I do")
    assert card_text(card_of(replies[0])).startswith("Ved akut fare: ring 112 nu.")
    assert len(replies) == 1  # "class" is no name: no reminder, and nothing after the acute card
