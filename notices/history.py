"""Registrations of notices: history."""

from core import history

from .models import IssuingBody, Notice
from .permissions import notice_history_redaction

history.register(Notice, actions=Notice.HistoryAction, redact=notice_history_redaction)
history.register(IssuingBody)
