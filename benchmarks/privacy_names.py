"""`python -m benchmarks.privacy_names`: how often the privacy guard takes a word for a person's name.

False alarms: every question of the evaluation set (tests/eval/*.yaml, `q` and `first`) holds no citizen's name,
so each question the guard finds a name in is listed, per shipped plan. Recall: a list of Danish names and names
common among the families the plans are about, each in sentences written the ways staff write (capitalised or not,
at the start of the sentence or inside it, with a class or an age after it or not).
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.privacy import PersonalDataGuard  # noqa: E402
from knowledge import load_plan, shipped_plans  # noqa: E402

EVAL_DIR = ROOT / "tests" / "eval"

# Names by the group they are common in; not the guard's list (gender-guesser's), so gaps in it show.
NAMES = {
    "Danish": "Noah William Oscar Lucas Carl Victor Malthe Alfred Emil Aksel Valdemar Oliver Frederik August Magnus "
              "Ida Emma Alma Ella Sofia Freja Agnes Clara Anna Karla Laura Olivia Josefine Lærke Nora Mette Mads "
              "Rasmus Jens Søren Kirsten Pernille Line Lykke Maja Sofie Mathias Mikkel Jonas Kasper Signe",
    "Turkish": "Mehmet Ahmet Emre Zeynep Elif Ayşe Fatma Yusuf Hüseyin Büşra Mustafa Merve Burak Esra Kerem",
    "Arabic": "Mohammed Ahmad Ali Omar Hassan Hussein Yasmin Fatima Mariam Nour Layla Khaled Bilal Amina Aisha",
    "Persian": "Reza Shirin Parisa Arash Darius Mahsa Narges Babak Leyla Ramin",
    "Somali": "Hodan Ayaan Abdirahman Fadumo Hamdi Ilhan Warsame Sahra Abdi Hibaq",
    "Pakistani/Urdu": "Imran Usman Ayesha Sana Hira Zainab Naveed Tariq Asif Saima",
    "Kurdish": "Rojin Rebin Shilan Dilan Berfin Helin Azad Zana Delal Zilan",
    "Afghan": "Mursal Farid Zahra Nilofar Gulalai Wahid Habiba Shabnam Ahmadullah Farida",
}
SENTENCES = (
    "{} fra 7.b er bange for sin far, hvad gør jeg",
    "{lower} fra 7b er bange for sin far",
    "Hvad gør jeg, hvis {} bliver truet af sin bror?",
    "{} er bange for sin far",
    "{lower} må ikke gå til svømning",
)


def eval_questions(plan: str, held_back: bool = True) -> list[str]:
    """Every question of the evaluation set that is asked of this plan (without the held-back parts if not
    `held_back`: those are counted, never printed)."""
    questions: list[str] = []
    for path in sorted(EVAL_DIR.glob("*.yaml")):
        if not held_back and path.name.startswith("heldback"):
            continue
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if item.get("plan") in ("any", plan):
                questions.extend(str(item[key]) for key in ("q", "first") if item.get(key))
    return questions


def main() -> None:
    guards = {plan: PersonalDataGuard(load_plan(plan)) for plan in shipped_plans()}
    for plan, guard in guards.items():
        questions = eval_questions(plan)
        alarms = [(q, guard.names(q)) for q in questions if guard.names(q)]
        print(f"{plan}: name reminder on {len(alarms)} / {len(questions)} evaluation questions "
              f"({100 * len(alarms) / len(questions):.2f} %)")
        shown = set(eval_questions(plan, held_back=False))
        for question, names in alarms:
            print(f"    {names}  {question if question in shown else '(a held-back question, not shown)'}")
    guard = next(iter(guards.values()))
    print("\nRecall (names found / sentences), per sentence form:")
    print(" " * 16 + "  ".join(f"{i + 1:>7}" for i in range(len(SENTENCES))) + "    all   missed everywhere")
    for group, names in NAMES.items():
        found = [[bool(guard.names(s.format(n, lower=n.lower()))) for s in SENTENCES] for n in names.split()]
        per_form = [sum(row[i] for row in found) for i in range(len(SENTENCES))]
        total = sum(per_form)
        missed = [n for n, row in zip(names.split(), found) if not any(row)]
        print(f"{group:>14}: " + "  ".join(f"{k:>3}/{len(found):<3}" for k in per_form)
              + f"  {100 * total / (len(found) * len(SENTENCES)):5.1f} %  {' '.join(missed)}")
    print("\nForms: " + " | ".join(f"{i + 1}: {s.format('X', lower='x')}" for i, s in enumerate(SENTENCES)))


if __name__ == "__main__":
    main()
