"""What discipline tells the apps above it (incentives), sent on commit.

sanction_saved(cadre_ids: set[int]): a sanction of these cadres was recorded or changed (a
sanction period blocks positive measures in the incentives ledger)."""

from django.dispatch import Signal

sanction_saved = Signal()
