"""Registrations of assessments with core's history registry (and cadres.demo for demo)."""


# team ----
from core import history as _core_history  # noqa: E402

from .models import TeamAssessment, TeamMeasureProposal  # noqa: E402

_core_history.register(TeamAssessment, actions=TeamAssessment.HistoryAction)
_core_history.register(TeamMeasureProposal, actions=TeamMeasureProposal.HistoryAction)
