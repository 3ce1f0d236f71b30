"""Registrations of assessments with core's history registry (and cadres.demo for demo)."""


# appraisal ----
# A round's history: opened (with its settings and the cadres fixed) and sealed (the count).
# Ballots have none: casting writes no audit entry (models/appraisal.py says why).
from core import history as _core_history  # noqa: E402

from .models import AppraisalRound  # noqa: E402

_core_history.register(AppraisalRound, actions=AppraisalRound.HistoryAction)


# team ----

from .models import TeamAssessment, TeamMeasureProposal  # noqa: E402

_core_history.register(TeamAssessment, actions=TeamAssessment.HistoryAction)
_core_history.register(TeamMeasureProposal, actions=TeamMeasureProposal.HistoryAction)

# annual ----

from core import history as _core_history  # noqa: E402

from .models import AnnualAssessment, AnnualReview, QuarterlyAssessment  # noqa: E402


# Grades have core's create/update; the review's steps (复核/申诉) are its own actions.
_core_history.register(AnnualAssessment)
_core_history.register(QuarterlyAssessment)
_core_history.register(AnnualReview, actions=AnnualReview.Action)

# annual-excel ----------------------------------------------------------------------------
from django.db import models as _models  # noqa: E402
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402

from core import history as _history  # noqa: E402

from .models import AnnualImport  # noqa: E402


class AnnualImportAction(_models.TextChoices):
    IMPORT = "import", _lazy("导入年度考核结果")


_history.register(AnnualImport, actions=AnnualImportAction)
