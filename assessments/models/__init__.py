"""Assessments (DOMAIN.md, "Assessments"): one module per mechanism, every model importable
from here. annual: quarterly and annual grades and the 优秀 rates; team: 班子 grades and their
escalation; appraisal: 民主测评 rounds, codes and ballots; evaluation: 换届后评估 and the
干部推荐参考名单; frontline: 一线考察 projects and their 四个一 records."""

from .annual import *  # noqa: F403
from .appraisal import *  # noqa: F403
from .evaluation import *  # noqa: F403
from .frontline import *  # noqa: F403
from .team import *  # noqa: F403
from .annual_excel import *  # noqa: F403
