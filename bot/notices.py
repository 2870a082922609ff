"""What the coordinators must be told once: the yearly reminder is due, contacts are unconfirmed or stale, the plan's
four-yearly revision (Barnets lov § 15, stk. 3) is due. Pure functions of the plan and the date."""
from __future__ import annotations

import datetime as dt

from knowledge import Knowledge

STALE_AFTER = dt.timedelta(days=365)
REVISION_YEARS = 4


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def due_notices(knowledge: Knowledge, today: dt.date, last_broadcast: dt.date | None) -> list[tuple[str, str]]:
    """(key, text) for every notice due today; a key names the notice so it is given only once."""
    notices: list[tuple[str, str]] = []
    if knowledge.reminder is not None:
        month, day = (int(x) for x in knowledge.reminder.reminder.due.split("-"))
        due = dt.date(today.year, month, day)
        if today >= due and (last_broadcast is None or last_broadcast < due):
            notices.append((f"reminder-{today.year}",
                            knowledge.message("notice_reminder_due", due=due.strftime("%d.%m.%Y"))))
    stale = sorted(c.name for c in knowledge.contacts.values()
                   if c.verified is not None and today - c.verified > STALE_AFTER)
    if stale:
        notices.append((f"stale-contacts-{today.year}-{len(stale)}",
                        knowledge.message("notice_contacts_stale", count=str(len(stale)), names=", ".join(stale))))
    # The municipality's own numbers, as its plan gives them, until it confirms them (national ones are the
    # national layer's to confirm).
    unconfirmed = sorted(c.name for c in knowledge.contacts.values()
                         if c.verified is None and not knowledge.is_national(c.source.document))
    if unconfirmed:
        notices.append((f"unconfirmed-contacts-{today.year}-{len(unconfirmed)}",
                        knowledge.message("notice_contacts_unconfirmed", count=str(len(unconfirmed)),
                                          names=", ".join(unconfirmed))))
    adopted = knowledge.meta.adopted
    if adopted is not None and today >= _add_years(adopted, REVISION_YEARS):
        revision = _add_years(adopted, REVISION_YEARS)
        notices.append((f"revision-{revision.isoformat()}",
                        knowledge.message("notice_revision_due", adopted=adopted.strftime("%d.%m.%Y"),
                                          due=revision.strftime("%d.%m.%Y"))))
    return notices
