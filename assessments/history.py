"""Registrations of assessments with core's history registry (and cadres.demo for demo)."""

from django.db import models
from django.utils.translation import gettext_lazy

from core import history

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


history.register(AppraisalRound, actions=AppraisalRound.HistoryAction)


# team ----


history.register(TeamAssessment, actions=TeamAssessment.HistoryAction)
history.register(TeamMeasureProposal, actions=TeamMeasureProposal.HistoryAction)

# annual ----


# Grades have core's create/update; the review's steps (复核/申诉) are its own actions.
history.register(AnnualAssessment)
history.register(QuarterlyAssessment)
history.register(AnnualReview, actions=AnnualReview.Action)

# annual-excel ----------------------------------------------------------------------------


class AnnualImportAction(models.TextChoices):
    IMPORT = "import", gettext_lazy("导入年度考核结果")


history.register(AnnualImport, actions=AnnualImportAction)

# evaluation ----


class EvaluationHistoryAction(models.TextChoices):
    """What an evaluation's history records beyond create."""

    SHORTLIST = "shortlist", gettext_lazy("确认入选出彩型")


history.register(EvaluationRound)
history.register(PostElectionEvaluation, actions=EvaluationHistoryAction)
history.register(ReserveListEntry)


# frontline ----


class FrontlineHistoryAction(models.TextChoices):
    """What a project's history records beyond create."""

    ATTACH = "attach", gettext_lazy("加入考察干部")


history.register(FrontlineProject, actions=FrontlineHistoryAction)
history.register(FrontlineAssignment)
history.register(FrontlineRecord)
