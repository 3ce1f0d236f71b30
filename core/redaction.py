"""Whole resident ID numbers kept out of log lines and echoed URLs (API.md, "Personal data").

A search by a whole ID number travels in a query string (`/cadres/?q=...`), and the query
string lands in the access log (gunicorn's, runserver's), in a Referer header logged beside it,
and in any page that echoes the current URL. `redact()` masks every run of text that could be
an ID number as it appears there: 17 digits and a digit or X, typed with ASCII or full-width
digits (a Chinese IME), raw or percent-encoded, with spaces between groups. It keeps the region
code, as cadres.idnumber.mask does; a false match (an 18-digit number that is no ID) only costs
a masked digit run in a log.

Nothing here touches Django: gunicorn loads it (gunicorn.conf.py) before Django is set up.
"""

import logging
import re

_DIGIT = r"(?:[0-9\uff10-\uff19]|%EF%BC%9[0-9])"
_CHECK = r"(?:[0-9Xx\uff10-\uff19\uff38\uff58]|%EF%BC%9[0-9]|%EF%BC%B8|%EF%BD%98)"
_GAP = r"(?:\s|\+|%20|%E3%80%80|\u3000)*"
# Not inside a longer run of digits (a 20-digit number is not an ID number), nor a fraction's
# digits (Celery's "succeeded in 0.022012345678901234s").
_ID_NUMBER = re.compile(
    rf"(?<![0-9\uff10-\uff19])(?<![0-9]\.)((?:{_DIGIT}{_GAP}){{6}})((?:{_DIGIT}{_GAP}){{11}}{_CHECK})(?![0-9])",
    re.IGNORECASE,
)
MASK = "*" * 12


def redact(text: str) -> str:
    """`text` with every ID number in it masked down to its region code."""
    if not isinstance(text, str) or len(text) < 18:
        return text
    return _ID_NUMBER.sub(lambda m: m.group(1) + MASK, text)


class RedactIdNumbers(logging.Filter):
    """A logging filter that masks ID numbers in the record's message, arguments included.

    Put it on handlers (it then sees every record they emit, whichever logger it came from) and
    on the loggers that write request lines (django.server, django.request, gunicorn.access):
    a logger's filter sees the records logged to it before any handler does, pytest's included.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logging's problem, not ours
            return True
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def gunicorn_logger_class():
    """gunicorn's Logger with the filter on its access log (gunicorn.conf.py names it)."""
    from gunicorn.glogging import Logger

    class RedactingLogger(Logger):
        def setup(self, cfg):
            super().setup(cfg)
            for log in (self.access_log, self.error_log):
                if not any(isinstance(f, RedactIdNumbers) for f in log.filters):
                    log.addFilter(RedactIdNumbers())

    return RedactingLogger
