"""What fault_tolerance tells the apps above it (incentives), sent on commit.

case_decided(case_id: int, cadre_ids: set[int]): a case was decided (an exempted matter never
feeds a negative measure in the incentives ledger)."""

from django.dispatch import Signal

case_decided = Signal()
