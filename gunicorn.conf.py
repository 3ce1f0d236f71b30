"""gunicorn reads this file from its working directory (/app in the image) before the command
line's flags. The access log passes through core.redaction: a search by a whole ID number
(`/cadres/?q=...`) must not land in it whole, nor in the Referer beside it (API.md)."""

from core.redaction import gunicorn_logger_class

logger_class = gunicorn_logger_class
