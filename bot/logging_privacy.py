"""Log records go through this filter in `make run`: Bot Connector URLs carry conversation ids
(/v3/conversations/<id>/...), which must not reach the log. Libraries (urllib3, msrest) put those URLs
in warnings and exception messages."""
from __future__ import annotations

import logging
import re

_CONVERSATION_URL = re.compile(r"(/v3/conversations/)[^/\s'\"?]+")


def redact(text: str) -> str:
    """The text with conversation ids in Bot Connector URLs replaced by <id>."""
    return _CONVERSATION_URL.sub(r"\1<id>", text)


class RedactConversationIds(logging.Filter):
    """Rewrites a record's message and exception text before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = redact(message), None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install(handlers: list[logging.Handler]) -> None:
    """Put the filter on every given handler (the root logger's, in `make run`)."""
    for handler in handlers:
        handler.addFilter(RedactConversationIds())
