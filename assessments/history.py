"""Registrations of assessments with core's history registry (and cadres.demo for demo)."""


# evaluation ----

from django.db import models as _models  # noqa: E402
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402

from core import history as _core_history  # noqa: E402

from .models import (  # noqa: E402
    EvaluationRound,
    FrontlineAssignment,
    FrontlineProject,
    FrontlineRecord,
    PostElectionEvaluation,
    ReserveListEntry,
)


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
