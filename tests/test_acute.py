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


@pytest.fixture(scope="module")
def matcher():
    from knowledge.matcher import Matcher
    return Matcher(load_plan("holstebro"))


@pytest.mark.parametrize("text", [
    "hendes brødre står nedenfor med en kølle",                       # a weapon, someone waiting outside
    "hun bliver tvunget med på et fly om to timer",                    # a departure within hours
    "manden har låst hoveddøren og siger at hun ikke må gå",          # locked in, with the staff member too
    "han har skrevet til hende at hun ikke overlever weekenden",       # a death threat without "dø" or "dræbe"
    "familien har fundet ud af hvor hun bor og er på vej derhen",      # pursuit to a shelter
    "hendes far vil rense familiens ære i aften",                      # honour "cleansed"
    "far er på vej for at tage ham med til udlandet",                  # a child taken abroad now
    # a cry heard, or a cry for help ("høre" also covers "hører", "skrige" "skriger")
    "jeg er på hjemmebesøg og hører nogen skrige bag en aflåst dør",
    "jeg hørte nogen skrige inde fra lejligheden",
    "jeg kan høre nogen der skriger inde i lejligheden",
    "hun råber på hjælp inde fra værelset",
])
def test_danger_told_in_other_words_is_acute(matcher, text):
    assert matcher.match(text).acute


@pytest.mark.parametrize("text", [
    "de har ikke truet hende, nu hvor hun er flyttet hjemmefra",       # a threat said not to be there
    "i dag sagde hun at familien på sigt vil sende hende ud af landet",  # "i dag" is when it was told
    "der er ingen rejseplaner lige nu, men hun er bekymret",
    # shouting is no cry for help, a room locked for a talk no one locked in, screams from the playground a habit
    "eleven skriger ofte ad de andre i timerne",
    "pigen skriger ofte ad de andre i timerne",
    "vi holder samtalen med hende i et aflåst rum så familien ikke kan komme ind",
    "jeg hører skrig fra skolegården hver dag",
    "hun siger, at hun ikke er i fare lige nu",
    # not told of, or not feared; a weekday every week is a habit, not soon
    "hans far vil have ham gift med en kusine. Han har ikke nævnt trusler. Vi spiller bordtennis hver torsdag",
    "her husband won't allow her to take the internship. She says she is not scared of violence, just stuck",
    # the time of an absence belongs to it; "ikk" is "ikke"; every weekend is a habit
    "hendes mand styrer pengene, og hun er bange for at miste sin opholdstilladelse. Hun er ikke truet lige nu siger "
    "hun. Hvad kan jeg sige til hende?",
    "hun skal forloves med en fra familien efter sommerferien. hun er ikk bange for at blive slået siger hun",
    # "i dag" when she came to the staff member; disowning with who disowns in between
    "Hun drømmer om at blive pædagog, men forældrene siger, at hun skal hjælpe til derhjemme, til hun bliver gift. "
    "Hun græd hos mig i dag.",
    "han er homoseksuel, og familien må ikke vide det, for så slår de hånden af ham",
    # "der er ikke noget akut" is "ikke akut"
    "Hun må ikke komme til fødselsdage, og hun siger hun er ensom. Der er ikke noget akut. Hvad skal jeg skrive?",
])
def test_danger_said_not_to_be_there_is_not_acute(matcher, text):
    assert not matcher.match(text).acute


@pytest.mark.parametrize("text", [
    "Han har ikke nævnt trusler, men i går sagde hun at faren vil slå hende ihjel i aften",
    "hun skal giftes på torsdag i Pakistan",
    "en pige kom til mig i dag, hun skal giftes i dag i moskeen",
    "så slår de hånden af ham, og far slår ham, hvis han kommer hjem",
    # found by a review: "i dag" when the danger came, a tag question, a time that starts the next clause
    "hendes far var her i dag og truede hende", "i dag kom han og tog hende med", "han truede hende til mig i dag",
    "han slår hende, ik?", "hun siger han slår hende ik", "han slår hende ikk",
    "ingen trusler lige nu kommer familien for at hente hende",
    "hun er ikke udsat for vold lige nu han er på vej til skolen",
    "Der er ikke noget akut, men han slog hende i går",
    "Hun er ikke bange for at han slår, men han truer med at slå hende ihjel",
    # found by a review: "akut" before a noun is no absence; fear denied is not violence denied; "slår" without å
    "Hun er blevet smidt ud hjemmefra og har ikke noget akut sted at sove i nat.",
    "Kvinden ringede og sagde at manden er på vej hjem. Hun har ikke noget akut sted at gå hen.",
    "Hun er ikke bange for at han slår hende, det gør han hver aften.",
    "Moren er ikke bange for at han slår hende, men jeg er.",
    "Hendes far slar hende.", "Manden slar sin kone.",
])
def test_danger_told_beside_a_habit_or_an_absence_is_still_acute(matcher, text):
    assert matcher.match(text).acute


def test_small_words_join_only_into_a_word_the_acute_lists_use(matcher):
    # "uden for" is the lists' "udenfor"; "må. De gik" is not "måde" (which hid the "ikke må" of a situation)
    assert "udenfor" in matcher._signal_words(words("han venter uden for skolen"))
    assert "maade" not in matcher._signal_words(words("hun siger at hun ikke må. De gik sammen"))


@pytest.mark.parametrize("text", [
    "En kvinde var her med sin mand, og manden svarede på alle spørgsmål. Hun sagde at hun ikke må. Hvad gør jeg?",
    "En kursist fortæller at hendes mand vil have at hun skal takke nej til et job, familien vil ikke acceptere det",
])
def test_an_adult_told_what_she_may_not_do_gets_the_adult_guidance(matcher, text):
    assert matcher.match(text).confident == "bekymring-voksen"


def test_a_typo_fix_never_hides_an_acute_word_and_small_words_join_only_into_a_listed_word(matcher):
    # "ikke lige nu" stays three words (it had become "ikkelige nu"), and is no alarm
    assert "ikkelige" not in matcher._signal_words(words("det er nok ikke lige nu"))
    assert not matcher.match("det er nok ikke lige nu, men jeg har en dårlig mavefornemmelse").acute
    assert matcher.match("han står med en kniv lige nu").acute


@pytest.mark.parametrize("text", [
    "Må vi kontakte forældrene? Hendes far slog hende i går, og hun skal hjem i dag",   # the word lists
    "Må vi ringe til politiet? Hendes far har en hammer og siger, hun vil fortryde det i aften",  # the model
])
def test_a_plain_question_first_does_not_hide_danger_told_after_it(matcher, text):
    assert matcher.match(text).acute
    assert not matcher.match(text.split("?")[0] + "?").acute


def test_a_plain_question_with_an_ordinary_sentence_after_it_is_no_alarm(matcher):
    assert not matcher.match("Hvad er tegn på, at en pige bliver slået? Jeg underviser i 7. klasse.").acute
