"""How tall an Adaptive Card is in Teams' chat, estimated from its elements, so a test can keep what matters on
screen. Calibrated against the Agents Playground at 1366×768 (tests/e2e/acute_view.js measures the real thing):
a card is about 465 px wide there, buttons stack one to a row, and the chat shows 627 px of messages. Teams
itself has a taller header, so the budget is 500 px."""
from __future__ import annotations

import math
import re

CHARS_PER_LINE = {"Small": 68, "Default": 55, "Medium": 45, "Large": 32}
LINE_PX = {"Small": 16, "Default": 20, "Medium": 24, "Large": 30}
SPACING_PX = {"None": 0, "Small": 4, "Default": 8, "Medium": 16}
BUTTON_ROW_PX = 40
BUTTONS_PER_ROW = 1
CARD_PADDING_PX = 32
VISIBLE_CHAT_PX = 500  # what Teams on a 1366×768 laptop shows of the newest message without scrolling


def _shown(text: str) -> str:
    """What a reader sees of a TextBlock's markdown: link text without its address, no bold markers."""
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("**", "")


def _text_height(block: dict) -> int:
    size = block.get("size", "Default")
    lines = sum(max(1, math.ceil(len(line) / CHARS_PER_LINE[size])) for line in _shown(block["text"]).split("\n"))
    return lines * LINE_PX[size] + SPACING_PX.get(block.get("spacing", "Default"), 8)


def element_height(element: dict) -> int:
    kind = element.get("type")
    if kind == "TextBlock":
        return _text_height(element)
    if kind == "Container":
        return sum(element_height(e) for e in element.get("items", ())) + (16 if element.get("style") else 4)
    if kind == "ActionSet":
        return BUTTON_ROW_PX
    if kind == "FactSet":
        return 20 * len(element.get("facts", ()))
    return 20


def card_height(card: dict) -> int:
    """The card's estimated height in px: body, then its buttons (one to a row)."""
    body = sum(element_height(e) for e in card.get("body", ()))
    rows = math.ceil(len(card.get("actions", ())) / BUTTONS_PER_ROW)
    return CARD_PADDING_PX + body + rows * BUTTON_ROW_PX


def height_until(card: dict, needle: str) -> int:
    """The estimated px from the card's top to the end of the first text block that holds `needle`."""
    total = 0
    for element in card.get("body", ()):
        stack = [element]
        found = False
        while stack:
            e = stack.pop()
            if e.get("type") == "TextBlock" and needle in e.get("text", ""):
                found = True
            stack.extend(e.get("items", ()))
        total += element_height(element)
        if found:
            return total
    raise AssertionError(f"{needle!r} is not on the card")
