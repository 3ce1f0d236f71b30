"""Registrations of assessments with core's demo registry (and cadres.demo for demo)."""


# appraisal ----
# A closed 民主测评 of a Heshan unit, replayed at fixed dates through the services: opened,
# ballots cast, closed, sealed. The codes are used here and dropped: none is printed or kept.
import datetime as _dt  # noqa: E402
import random as _random  # noqa: E402
from zoneinfo import ZoneInfo as _ZoneInfo  # noqa: E402

from cadres.demo import DemoContext as _DemoContext  # noqa: E402
from cadres.demo import register as _register  # noqa: E402

_APPRAISAL_YEAR = 2025
_SHANGHAI = _ZoneInfo("Asia/Shanghai")


def _appraisal_loaded() -> bool:
    from .models import AppraisalRound

    return AppraisalRound.objects.filter(unit__path__startswith=_heshan_path(),
                                         year=_APPRAISAL_YEAR).exists()


def _heshan_path() -> str:
    from core.models import Unit

    heshan = Unit.objects.filter(code="JM-HS").first()
    return heshan.path if heshan else "\0"


@_register(name="assessments.appraisal", order=60, is_loaded=_appraisal_loaded)
def load_appraisal(ctx: _DemoContext) -> str:
    from cadres.models import Cadre
    from core.models import Unit

    from .models import Rating
    from .services.appraisal import appraisal_open, appraisal_seal, ballot_cast

    units = Unit.objects.filter(path__startswith=_heshan_path()).order_by("path")
    unit = next((u for u in units
                 if Cadre.objects.filter(unit=u, status=Cadre.Status.ACTIVE).count() >= 3), None)
    if unit is None:
        return "no Heshan unit with cadres: no appraisal"
    opened_at = _dt.datetime(2025, 12, 1, 9, 0, tzinfo=_SHANGHAI)
    opened = appraisal_open(
        actor=ctx.actor, unit=unit, year=_APPRAISAL_YEAR, kind="annual", voters=30,
        closes_at=_dt.datetime(2025, 12, 5, 18, 0, tzinfo=_SHANGHAI), at=opened_at)
    rng = _random.Random(2025)
    cadre_ids = list(opened.round.cadres.order_by("pk").values_list("pk", flat=True))
    weights = [5, 3, 1, 0.3]
    cast = 0
    for code in opened.codes[:26]:
        pick = rng.choices(Rating.values, weights=weights)
        ballot_cast(code=code, team=pick[0],
                    marks={pk: rng.choices(Rating.values, weights=weights)[0] for pk in cadre_ids},
                    at=opened_at + _dt.timedelta(hours=2))
        cast += 1
    appraisal_seal(round=opened.round, actor=ctx.actor)
    return f"1 民主测评 ({unit.name}, {cast}/30 ballots, closed and sealed)"


# team ----
# 班子年度考核 in 鹤山 (Heshan's 末位倒逼), 2023–2025: every unit under 鹤山市 that has a category
# is graded each year; within each category the order turns over from year to year, except
# that 址山镇 stays last among the 重点开发区 towns three years running: 谈话提醒 (2023),
# 诫勉谈话 (2024), 岗位调整 (2025). Its leaders' 2023 and 2024 measures are confirmed; 2025's
# wait for staff. Through services.team, deterministic, loaded once.
from decimal import Decimal as _Decimal  # noqa: E402

from django.utils.translation import gettext as _gettext  # noqa: E402

from cadres.demo import register as _register_demo  # noqa: E402

TEAM_DEMO_DISTRICT = "JM-HS"
TEAM_DEMO_LAST = "JM-HS-J08"  # 址山镇
TEAM_DEMO_YEARS = (2023, 2024, 2025)


def _team_demo_loaded() -> bool:
    from .models import TeamAssessment

    return TeamAssessment.objects.filter(unit__code=TEAM_DEMO_LAST, year=TEAM_DEMO_YEARS[-1]).exists()


def _team_grade_of(score: int) -> str:
    return "good" if score >= 90 else "fairly_good" if score >= 80 else "average"


@_register_demo(name="assessments.team", order=35, is_loaded=_team_demo_loaded)
def load_team_demo(ctx: _DemoContext) -> str:
    from core.models import Unit

    from .models import TeamMeasureProposal
    from .selectors.team import TeamRow
    from .services.team import team_assessment_save, team_proposal_confirm

    district = ctx.unit(TEAM_DEMO_DISTRICT)
    units = list(Unit.objects.filter(parent=district).exclude(category="").order_by("code"))
    by_category: dict[str, list] = {}
    for unit in units:
        by_category.setdefault(unit.category, []).append(unit)
    count = 0
    for year in TEAM_DEMO_YEARS:
        rows = []
        for members in by_category.values():
            others = [u for u in members if u.code != TEAM_DEMO_LAST]
            for i, unit in enumerate(others):
                score = 96 - ((i + year) % len(others)) * 4  # the order turns over each year
                rows.append(TeamRow(unit, year, _team_grade_of(score), _Decimal(score)))
            if len(others) < len(members):
                last = next(u for u in members if u.code == TEAM_DEMO_LAST)
                grade = "poor" if year == TEAM_DEMO_YEARS[-1] else "average"
                rows.append(TeamRow(last, year, grade, _Decimal(61 - (year - 2023) * 3)))
        count += len(team_assessment_save(actor=ctx.actor, rows=rows).objects)
    for proposal in TeamMeasureProposal.objects.filter(
        assessment__unit__code=TEAM_DEMO_LAST, assessment__year__lt=TEAM_DEMO_YEARS[-1],
        status=TeamMeasureProposal.Status.PENDING,
    ).order_by("id"):
        team_proposal_confirm(actor=ctx.actor, proposal=proposal)
    pending = TeamMeasureProposal.objects.filter(status=TeamMeasureProposal.Status.PENDING).count()
    return _gettext("%(n)d 个班子年度考核等次，%(p)d 条待确认的末位措施建议") % {
        "n": count, "p": pending}
