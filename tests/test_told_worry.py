"""A worry told at length that nothing more exact answers gets the plan's card on what to do when worried
(the learned worry reading, knowledge/acute_model.py), and the sentences of a told situation are read one by one
for what else they ask."""
from __future__ import annotations

import pytest

from bot import cards
from knowledge import load_plan
from knowledge.acute_model import WORRY_MIN_WORDS, WorryModel, shipped_worry
from knowledge.matcher import Decision, Matcher
from tests.fakes import card_text


class _Always(WorryModel):
    def __init__(self):  # reads every message as a told worry
        self.threshold = 0.5
        self.gate = 0.0

    def probability(self, message):
        return 1.0


class _Never(_Always):
    def probability(self, message):
        return 0.0


@pytest.fixture(scope="module")
def knowledge():
    return load_plan("holstebro")


@pytest.fixture(scope="module")
def matcher(knowledge):
    return Matcher(knowledge)


def _with(matcher: Matcher, model) -> Matcher:
    stand_in = object.__new__(Matcher)
    stand_in.__dict__.update(matcher.__dict__)
    stand_in._worry = model
    return stand_in


# Told at length, about a person, in words no topic is found by (no answer without the worry reading).
CHILD = ("Jeg er lærer, og en af mine piger har ændret sig meget det sidste halve år, hun er stille i timerne og "
         "siger ikke så meget til nogen længere")
ADULT = ("En kvinde på sprogskolen har ændret sig meget det sidste halve år, hun er stille i timerne og siger "
         "ikke så meget til nogen længere")
EITHER = ("En person, jeg kender gennem arbejdet, har ændret sig meget det sidste halve år, er stille og siger "
          "ikke så meget til nogen længere")


def test_without_the_worry_reading_these_messages_get_no_answer(matcher):
    never = _with(matcher, _Never())
    for message in (CHILD, ADULT, EITHER):
        assert never.match(message).confident is None


@pytest.mark.parametrize("message, who, topic", [(CHILD, "child", "bekymring-barn"),
                                                 (ADULT, "adult", "bekymring-voksen")])
def test_a_worry_told_at_length_gets_the_card_on_what_to_do_for_that_person(matcher, knowledge, message, who, topic):
    result = _with(matcher, _Always()).match(message)
    assert (result.confident, result.worry) == (topic, who)
    text = card_text(cards.replies_for(result, knowledge)[0].content)
    assert text.startswith(knowledge.message(f"worry_intro_{who}"))  # it says plainly that it is the general card


def test_a_worry_the_words_do_not_place_offers_both_cards(matcher):
    result = _with(matcher, _Always()).match(EITHER)
    assert result.decision is Decision.DID_YOU_MEAN and result.confident is None
    assert set(result.suggestions()[:2]) == {"bekymring-barn", "bekymring-voksen"}


@pytest.mark.parametrize("message", [
    "en pige i klassen er stille",  # too short to read
    "Hvad er tegn på, at en pige i klassen er udsat for negativ social kontrol derhjemme?",  # a plain question
])
def test_a_short_message_or_a_plain_question_is_never_read_as_a_told_worry(matcher, message):
    assert len(message.split()) < WORRY_MIN_WORDS or matcher._acute.is_plain_question(message.lower().split())
    assert _with(matcher, _Always()).match(message).worry is None


def test_a_plan_without_the_cards_on_what_to_do_gets_no_worry_answer(matcher):
    stand_in = _with(matcher, _Always())
    stand_in._worry_topics = {}
    assert stand_in.match(CHILD).confident is None


def test_the_shipped_worry_reading_reads_a_told_worry_and_not_an_everyday_story(matcher):
    worry = ("Jeg er pædagog i en klub. En pige på 14 må ikke komme her mere, siger hun, fordi familien synes, "
             "det er for frit, og hendes bror holder øje med, hvem hun skriver med")
    story = ("En dreng i min klasse har fået nye fodboldstøvler og viser dem til alle, han er rigtig glad i dag og "
             "fortæller om sin weekend hos bedstemor")
    assert shipped_worry().says(matcher.worry_reading(worry))
    assert not shipped_worry().says(matcher.worry_reading(story))
    assert matcher.match(story).confident is None


def test_a_sentence_of_the_situation_that_asks_about_something_else_is_offered_beside_the_card(matcher, knowledge):
    message = ("Jeg er lærer, og en elev på 14 fortæller, at hun ikke må gå til svømning eller være sammen med "
               "veninder efter skole. Hun siger også, at familien vil sende hende på et længere ophold i "
               "hjemlandet mod hendes vilje efter sommerferien.")
    result = matcher.match(message)
    assert result.confident == "bekymring-barn" and not result.acute
    assert "udlandsophold" in result.asked_too
    card = cards.replies_for(result, knowledge)[0].content
    assert {"action": "topic", "topic": "udlandsophold"} in [a["data"] for a in card["actions"]]


def test_a_worry_that_asks_where_to_call_shows_the_number_on_the_card_on_what_to_do(matcher, knowledge):
    message = ("Hej, jeg er klubmedarbejder. En pige på 14 er pludselig stoppet i vores pigefodbold, og hendes bror "
               "følger efter hende hjem. Hun ville ønske, hun kunne tale med nogen, uden at familien finder ud af det. "
               "Kan hun ringe til krisecentret? Og skal jeg gøre noget selv?")
    result = matcher.match(message)
    assert result.confident == "bekymring-barn" and result.call == "kontakt-holstebro-krisecenter"
    text = card_text(cards.replies_for(result, knowledge)[0].content)
    centre = knowledge.topics["kontakt-holstebro-krisecenter"].contacts[0]
    ssp = knowledge.topics["bekymring-barn"].contacts[0]
    assert centre not in knowledge.topics["bekymring-barn"].contacts
    # The card's own contacts first, then the number asked for, with where it comes from.
    assert centre.phone in text and text.index(f"**{ssp.name}**") < text.index(f"**{centre.name}**")
    # Without that question, the card keeps to its own contacts.
    plain = matcher.match(message.replace(" Kan hun ringe til krisecentret?", ""))
    assert plain.confident == "bekymring-barn" and plain.call is None
    assert centre.phone not in card_text(cards.replies_for(plain, knowledge)[0].content)


@pytest.mark.parametrize("plan, lines", [("holstebro", ["96 11 53 90", "70 27 76 66", "1888"]),
                                         ("albertslund", ["70 27 76 66"])])
def test_the_card_on_a_worried_child_shows_where_the_child_can_turn(plan, lines):
    # Holstebro's plan lists the open anonymous counselling for children, young people and families, the hotline
    # for ethnic young people (open day and night) and Lokk for citizens; Albertslund's lists RED's hotline under
    # Kontakt. The card on what to do shows them, not only whom staff call.
    knowledge = load_plan(plan)
    card = cards.replies_for(Matcher(knowledge).match(CHILD if plan == "holstebro" else
                                                      "En elev på 15 har fortalt, at hendes bror tjekker hendes "
                                                      "telefon og bestemmer, hvem hun må se. Hvad gør jeg?"),
                             knowledge)[0].content
    text = card_text(card)
    assert "Bekymring for et barn eller en ung under 18" in text
    assert all(line in text for line in lines)


def test_the_short_answer_to_the_situations_own_question_is_on_the_card_on_what_to_do(matcher, knowledge):
    message = ("Hej, jeg er klubmedarbejder. En pige på 14 er pludselig stoppet i vores pigefodbold, og hendes bror "
               "følger efter hende hjem. Hun ville ønske, hun kunne tale med nogen, uden at familien finder ud af det. "
               "Kan hun ringe nogen steder anonymt? Og skal jeg gøre noget selv?")
    result = matcher.match(message)
    assert result.confident == "bekymring-barn" and result.question == "lokk-raadgivning"
    text = card_text(cards.replies_for(result, knowledge)[0].content)
    lokk = knowledge.topics["lokk-raadgivning"].topic
    heading = knowledge.message("asked_too_heading", title=lokk.title)
    # Its title and answer verbatim after the plan's steps, with where that answer comes from.
    assert heading in text and lokk.answer in text
    assert text.index(knowledge.topics["bekymring-barn"].topic.answer) < text.index(heading)
    assert cards.source_line(lokk.sources, knowledge) in text
    # A sentence that only tells asks nothing: no such block.
    told = matcher.match(message.replace(" Kan hun ringe nogen steder anonymt?", ""))
    assert told.question is None
    assert "Du spørger også" not in card_text(cards.replies_for(told, knowledge)[0].content)


@pytest.mark.parametrize("told", ["Der er ingen vold eller trusler.", "Jeg sidder i borgerservice.",
                                  "Hun taler om Lokk og RED Safehouse."])
def test_a_sentence_that_only_tells_brings_no_numbers_to_the_card_on_what_to_do(matcher, knowledge, told):
    message = (f"Jeg er lærer. En pige på 14 i min klasse må ikke gå til fester, og hendes bror tjekker hendes "
               f"telefon. {told} Hvad gør jeg?")
    result = matcher.match(message)
    assert result.confident == "bekymring-barn" and result.call is None
    card = cards.replies_for(result, knowledge)[0].content
    own = {c.name for c in knowledge.topics["bekymring-barn"].contacts}
    shown = {line.strip().strip("*") for line in card_text(card).splitlines() if line.startswith("**")}
    assert shown <= own


class _Doubting(_Never):
    def __init__(self):  # reads every message as no worry at all
        super().__init__()
        self.gate = 1.0


def test_a_message_told_at_length_that_reads_as_no_worry_gets_a_situations_card_offered_not_answered(matcher):
    # The signals of the card on what to do when worried about a child are there (a pupil, "bange"); whether there
    # is a worry at all is the learned reading's to say.
    story = ("Jeg har en pige i 2. klasse, der er bange for at gå på toilettet alene, fordi der var en edderkop i "
             "sidste uge, og moren siger, at det også er sådan derhjemme")
    assert _with(matcher, _Always()).match(story).confident == "bekymring-barn"
    doubted = _with(matcher, _Doubting()).match(story)
    assert doubted.confident is None and "bekymring-barn" in doubted.suggestions()


def test_a_short_message_is_never_doubted(matcher):
    assert _with(matcher, _Doubting()).match("en elev må ikke gå til svømning for sin far").confident == (
        _with(matcher, _Always()).match("en elev må ikke gå til svømning for sin far").confident)


def test_a_worry_told_before_it_is_said_not_to_be_acute_is_still_a_worry(matcher):
    # The acute reading reads only what follows "det er ikke akut"; the worry reading reads the whole message.
    told = ("En kvinde på 25 på sprogskolen fortæller at familien bestemmer alt, hvem hun ser og hvad hun læser, og "
            "hun vil gerne flytte et sted hen hvor de ikke kan finde hende. Det er ikke akut, hun planlægger det til "
            "foråret. Hvad kan jeg sige til hende?")
    assert "bestemmer" in matcher.worry_reading(told) and "bestemmer" not in matcher.acute_reading(told)
    assert shipped_worry().says(matcher.worry_reading(told))
    result = matcher.match(told)
    assert not result.acute  # moving somewhere is no one taken somewhere
    assert result.confident == "bekymring-voksen"


# Told at length, then asked: the whole message is answered by nothing, its question on its own by a topic.
TOLD_THEN_ASKED = ("Vi er pædagoger i en klub og talte på et møde om, at vi ikke er gode nok til at spotte det. To "
                   "piger holdt pludselig op med at komme, og vi vidste ikke, hvad vi skulle gøre. Hvem i kommunen "
                   "kan komme ud og give os et oplæg?")


def test_a_message_nothing_answers_as_a_whole_is_answered_by_its_question_alone(matcher):
    whole = _with(matcher, _Never()).match(TOLD_THEN_ASKED.rsplit(".", 1)[0] + ".")
    assert whole.confident is None and whole.passage is None
    asked = _with(matcher, _Never()).match(TOLD_THEN_ASKED)
    assert asked.confident == matcher.match("Hvem i kommunen kan komme ud og give os et oplæg?").confident
    assert asked.confident == "kommunikation" and not asked.acute


def test_a_story_the_worry_reading_doubts_is_not_answered_by_its_question_alone(matcher):
    # A harmless story ending in a plan word ("oplæg") is out of scope, as before.
    assert _with(matcher, _Doubting()).match(TOLD_THEN_ASKED).confident is None


def test_a_short_question_of_a_told_situation_is_offered_beside_the_card(matcher):
    told = ("Jeg er rådgiver. En kvinde på 22 vil flytte hjemmefra, fordi familien bestemmer alt og hun ikke må "
            "tage en uddannelse. Hun er ikke truet, men tror familien vil presse hende hårdt. Hvor kan hun bo?")
    result = matcher.match(told)
    assert result.confident == "bekymring-voksen" and "red-safehouse" in result.asked_too


def test_a_worry_told_at_length_that_asks_whom_to_call_gets_the_card_on_what_to_do_and_the_law_as_a_button(
        matcher):
    told = ("Jeg er lærer på sprogskolen. En kursist på 20 fortalte mig, at hun skal giftes med en fætter, som hun "
            "aldrig har mødt, og at hun ikke selv har valgt det. Hun skal først af sted til sommer. Hvem skal jeg "
            "kontakte?")
    result = matcher.match(told)
    assert result.confident == "bekymring-voksen" and not result.acute
    assert result.asked_too[0] == "tvangsaegteskab"
    # Asked as a question about the law, the law answers.
    assert matcher.match("Er det strafbart at tvinge en på 20 til at gifte sig med en fætter?").confident == (
        "tvangsaegteskab")


@pytest.mark.parametrize("story", [
    "Der er brand i køkkenet. Hvem skal jeg ringe til?", "Printeren virker ikke. Hvem skal jeg kontakte?",
    "Min løn er forkert, og jeg har skrevet til HR to gange uden svar. Hvem skal jeg kontakte nu?"])
def test_an_everyday_message_ending_in_whom_to_call_is_not_answered_by_its_question_alone(matcher, story):
    # Found by a review: a message too short for the worry reading to read is no worry told.
    result = matcher.match(story)
    assert result.confident is None and result.passage is None


def test_asking_what_to_answer_about_the_law_is_not_asking_what_to_do(matcher):
    told = ("En elev fortæller at hendes storesøster blev tvunget til at gifte sig sidste år. Hvad skal jeg svare "
            "hende, når hun spørger om tvangsægteskab er ulovligt?")
    assert matcher.match(told).confident == "tvangsaegteskab"
