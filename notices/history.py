"""Registrations of notices: history."""

from core import history

from .models import Notice

history.register(Notice, actions=Notice.HistoryAction)
