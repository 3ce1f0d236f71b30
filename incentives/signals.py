"""Signals of incentives.

sources_changed(cadre_ids: set[int], years: set[int] | None): something the ledger is tallied
from changed for these cadres (a record, a grade, a sanction, a case decision); sent on commit.
services.ledger connects the incremental recompute to it."""

from django.dispatch import Signal

sources_changed = Signal()
