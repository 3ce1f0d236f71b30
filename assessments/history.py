"""Registrations of assessments with core's history registry (and cadres.demo for demo)."""

from django.db import models as _models
from django.utils.translation import gettext_lazy as _lazy

from core import history as _core_history
from core import history as _history

from .models import (
    AnnualAssessment,
    AnnualImport,
    AnnualReview,
    AppraisalRound,
    EvaluationRound,
    FrontlineAssignment,
    FrontlineProject,
    FrontlineRecord,
    PostElectionEvaluation,
    QuarterlyAssessment,
    ReserveListEntry,
    TeamAssessment,
    TeamMeasureProposal,
)

# appraisal ----
# A round's history: opened (with its settings and the cadres fixed) and sealed (the count).
# Ballots have none: casting writes no audit entry (models/appraisal.py says why).


_core_history.register(AppraisalRound, actions=AppraisalRound.HistoryAction)


# team ----


_core_history.register(TeamAssessment, actions=TeamAssessment.HistoryAction)
_core_history.register(TeamMeasureProposal, actions=TeamMeasureProposal.HistoryAction)

# annual ----


# Grades have core's create/update; the review's steps (复核/申诉) are its own actions.
_core_history.register(AnnualAssessment)
_core_history.register(QuarterlyAssessment)
_core_history.register(AnnualReview, actions=AnnualReview.Action)

# annual-excel ----------------------------------------------------------------------------


class AnnualImportAction(_models.TextChoices):
    IMPORT = "import", _lazy("导入年度考核结果")


_history.register(AnnualImport, actions=AnnualImportAction)

# evaluation ----


class EvaluationHistoryAction(_models.TextChoices):
    """What an evaluation's history records beyond create."""

    SHORTLIST = "shortlist", _lazy("确认入选出彩型")


_core_history.register(EvaluationRound)
_core_history.register(PostElectionEvaluation, actions=EvaluationHistoryAction)
_core_history.register(ReserveListEntry)


# frontline ----


class FrontlineHistoryAction(_models.TextChoices):
    """What a project's history records beyond create."""

    ATTACH = "attach", _lazy("加入考察干部")


_core_history.register(FrontlineProject, actions=FrontlineHistoryAction)
_core_history.register(FrontlineAssignment)
_core_history.register(FrontlineRecord)
