"""Registrations of notices: history."""

from core import history

from .models import IssuingBody, Notice

history.register(Notice, actions=Notice.HistoryAction)
history.register(IssuingBody)
