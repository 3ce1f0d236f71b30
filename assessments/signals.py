"""What assessments tells the apps above it (incentives). Receivers run inside the sender's
transaction and may raise (a ValidationError undoes the whole write): they are part of the
change, as with cadres.signals."""

from django.dispatch import Signal

# Sent by services.team.team_proposal_confirm after a TeamMeasureProposal is confirmed, with
# `proposal` (status confirmed, decided_by and decided_at set) and `actor`. The incentives app
# (the layer above, not built yet) receives it and records the measure as an incentive record
# (奖惩记录, source: the team assessment) for proposal.cadre; assessments never imports it.
team_measure_confirmed = Signal()

# Sent on commit by services.annual (annual grades saved) with `cadre_ids` and `years` (sets of
# ints), and by services.team.team_recompute (team grades, ranks or 末位 proposals changed) with
# `unit_ids` and `years` (None: every year from the recompute's first on). The incentives
# ledger recomputes the cadres they touch.
grades_saved = Signal()
team_grades_saved = Signal()
