"""Spot personal data about citizens in a message (CPR number, private e-mail or phone), to remind staff
not to write it in the chat. Nothing of the message is kept."""
from __future__ import annotations

import datetime as dt
import re

from knowledge import Knowledge

_CPR = re.compile(r"(?<![\d-])(\d{2})(\d{2})(\d{2})(-?)(\d{4})(?![\d-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\d-])(?:\+45[ ]?)?(\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?\d{2})(?![\d-])")


def _valid_date(dd: str, mm: str, yy: str) -> bool:
    for century in (1900, 2000):
        try:
            dt.date(century + int(yy), int(mm), int(dd))
            return True
        except ValueError:
            continue
    return False


class PersonalDataGuard:
    """Knows the plan's own numbers and addresses, which are not personal data."""

    def __init__(self, knowledge: Knowledge):
        self._known_phones = {re.sub(r"\D", "", c.phone)[-8:] for c in knowledge.contacts.values() if c.phone}
        self._known_emails = {c.email.lower() for c in knowledge.contacts.values() if c.email}

    def redact(self, text: str) -> str:
        """The text without what looks like personal data, so it does not disturb the matching."""
        text = _CPR.sub(lambda m: " " if _valid_date(*m.groups()[:3]) else m.group(0), text)
        text = _EMAIL.sub(lambda m: m.group(0) if m.group(0).lower() in self._known_emails else " ", text)
        return _PHONE.sub(lambda m: m.group(0) if re.sub(r"\D", "", m.group(1)) in self._known_phones else " ", text)

    def looks_personal(self, text: str) -> bool:
        """True when the text holds what looks like a CPR number, a private e-mail or a private phone number."""
        if not text:
            return False
        for match in _CPR.finditer(text):
            dd, mm, yy, _, _ = match.groups()
            if _valid_date(dd, mm, yy):
                return True
        if any(m.group(0).lower() not in self._known_emails for m in _EMAIL.finditer(text)):
            return True
        return any(re.sub(r"\D", "", m.group(1)) not in self._known_phones for m in _PHONE.finditer(text))
