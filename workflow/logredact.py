"""Keep citizen ID numbers and database row contents out of the technical logs.

Statement parameters are already hidden by the engine option ``hide_parameters``, but a
database server may still describe the offending row in its own message (PostgreSQL's
``DETAIL:  Failing row contains (...)`` or ``Key (citizen_id)=(...)``). The filter below
rewrites every record of the application's loggers, traceback included, before any handler
sees it.
"""

from __future__ import annotations

import logging
import re

# a run of exactly twelve digits: the shape of a citizen ID number
_CITIZEN_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")
# PostgreSQL's description of the row or key behind a constraint violation
_DETAIL = re.compile(r"^(\s*DETAIL:).*$", re.MULTILINE)
_ROW = re.compile(r"(Failing row contains|Key) \(.*?\)(=\(.*?\))?", re.DOTALL)

REDACTED = "[redacted]"
LOGGERS = ("workflow", "workflow.documents", "workflow.requests")


def redact(text: str) -> str:
    text = _DETAIL.sub(rf"\1 {REDACTED}", text)
    text = _ROW.sub(REDACTED, text)
    return _CITIZEN_ID.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Renders the message and the traceback once, redacted, and drops the live exception."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def install() -> None:
    """Idempotent: each application logger carries the one shared filter."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
