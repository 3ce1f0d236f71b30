"""Registrations of assessments with core's demo registry (and cadres.demo for demo)."""

import datetime
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext
from django.utils.translation import gettext as _

from cadres import idnumber, services
from cadres.demo import DemoContext, register
from cadres.models import Cadre

from .models import EVALUATION_DIMENSIONS, AnnualAssessment, EvaluationRound, FrontlineProject
from .selectors.annual import AnnualRow, QuarterlyRow, gates, quota
from .services.annual import annual_save, quarterly_save

# appraisal ----
# A closed 民主测评 of a Heshan unit, replayed at fixed dates through the services: opened,
# ballots cast, closed, sealed. The codes are used here and dropped: none is printed or kept.


_APPRAISAL_YEAR = 2025
_SHANGHAI = ZoneInfo("Asia/Shanghai")


def _appraisal_loaded() -> bool:
    from .models import AppraisalRound

    return AppraisalRound.objects.filter(unit__path__startswith=_heshan_path(),
                                         year=_APPRAISAL_YEAR).exists()


def _heshan_path() -> str:
    from core.models import Unit

    heshan = Unit.objects.filter(code="JM-HS").first()
    return heshan.path if heshan else "\0"


@register(name="assessments.appraisal", order=60, is_loaded=_appraisal_loaded)
def load_appraisal(ctx: DemoContext) -> str:
    from cadres.models import Cadre
    from core.models import Unit

    from .models import Rating
    from .services.appraisal import appraisal_open, appraisal_seal, ballot_cast

    units = Unit.objects.filter(path__startswith=_heshan_path()).order_by("path")
    unit = next((u for u in units
                 if Cadre.objects.filter(unit=u, status=Cadre.Status.ACTIVE).count() >= 3), None)
    if unit is None:
        return "no Heshan unit with cadres: no appraisal"
    opened_at = datetime.datetime(2025, 12, 1, 9, 0, tzinfo=_SHANGHAI)
    opened = appraisal_open(
        actor=ctx.actor, unit=unit, year=_APPRAISAL_YEAR, kind="annual", voters=30,
        closes_at=datetime.datetime(2025, 12, 5, 18, 0, tzinfo=_SHANGHAI), at=opened_at)
    rng = random.Random(2025)
    cadre_ids = list(opened.round.cadres.order_by("pk").values_list("pk", flat=True))
    weights = [5, 3, 1, 0.3]
    cast = 0
    for code in opened.codes[:26]:
        pick = rng.choices(Rating.values, weights=weights)
        ballot_cast(code=code, team=pick[0],
                    marks={pk: rng.choices(Rating.values, weights=weights)[0] for pk in cadre_ids},
                    at=opened_at + datetime.timedelta(hours=2))
        cast += 1
    appraisal_seal(round=opened.round, actor=ctx.actor)
    return f"1 民主测评 ({unit.name}, {cast}/30 ballots, closed and sealed)"


# team ----
# 班子年度考核 in 鹤山 (Heshan's 末位倒逼), 2023–2025: every unit under 鹤山市 that has a category
# is graded each year; within each category the order turns over from year to year, except
# that 址山镇 stays last among the 重点开发区 towns three years running: 谈话提醒 (2023),
# 诫勉谈话 (2024), 岗位调整 (2025). Its leaders' 2023 and 2024 measures are confirmed; 2025's
# wait for staff. Through services.team, deterministic, loaded once.


TEAM_DEMO_DISTRICT = "JM-HS"
TEAM_DEMO_LAST = "JM-HS-J08"  # 址山镇
TEAM_DEMO_YEARS = (2023, 2024, 2025)


def _team_demo_loaded() -> bool:
    from .models import TeamAssessment

    return TeamAssessment.objects.filter(unit__code=TEAM_DEMO_LAST, year=TEAM_DEMO_YEARS[-1]).exists()


def _team_grade_of(score: int) -> str:
    return "good" if score >= 90 else "fairly_good" if score >= 80 else "average"


@register(name="assessments.team", order=35, is_loaded=_team_demo_loaded)
def load_team_demo(ctx: DemoContext) -> str:
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
                rows.append(TeamRow(unit, year, _team_grade_of(score), Decimal(score)))
            if len(others) < len(members):
                last = next(u for u in members if u.code == TEAM_DEMO_LAST)
                grade = "poor" if year == TEAM_DEMO_YEARS[-1] else "average"
                rows.append(TeamRow(last, year, grade, Decimal(61 - (year - 2023) * 3)))
        count += len(team_assessment_save(actor=ctx.actor, rows=rows).objects)
    for proposal in TeamMeasureProposal.objects.filter(
        assessment__unit__code=TEAM_DEMO_LAST, assessment__year__lt=TEAM_DEMO_YEARS[-1],
        status=TeamMeasureProposal.Status.PENDING,
    ).order_by("id"):
        team_proposal_confirm(actor=ctx.actor, proposal=proposal)
    pending = TeamMeasureProposal.objects.filter(status=TeamMeasureProposal.Status.PENDING).count()
    return gettext("%(n)d 个班子年度考核等次，%(p)d 条待确认的末位措施建议") % {
        "n": count, "p": pending}

# annual ----
# 鹤山's sixteen departments (cadres.demo, codes JM-HS-D01…D16) with three years of quarterly
# and annual grades, 2023–2025, entered through quarterly_save and annual_save (so the cap and
# the gates hold, and every grade is audited). Every active cadre gets a grade each quarter and
# year; 优秀 go to those with the most 好 quarters. The departments are small (one to three
# people), so all sixteen are pooled (统筹) under 鹤山市: 23 taking part × 15% → 3 places. In
# 2023 and 2024 the pool is one place short of its cap; in 2025 it is exactly at it (3 of 3),
# so a fourth 优秀 in any 鹤山 department is refused.


HESHAN_DEPARTMENTS = "JM-HS-D"
DEMO_YEARS = (2023, 2024, 2025)
_QUARTERLY_WEIGHTS = (("good", 35), ("fairly_good", 40), ("average", 20), ("poor", 5))


def _annual_loaded() -> bool:
    return AnnualAssessment.objects.filter(unit__code__startswith=HESHAN_DEPARTMENTS, year=2025).exists()


@register(name="assessments_annual", order=50, is_loaded=_annual_loaded)
def load_annual(ctx: DemoContext) -> str:
    rng = random.Random(2026_0501)
    people = list(Cadre.objects.filter(unit__code__startswith=HESHAN_DEPARTMENTS, status=Cadre.Status.ACTIVE)
                  .select_related("unit").order_by("unit__code", "id"))
    by_unit: dict = {}
    for cadre in people:
        by_unit.setdefault(cadre.unit, []).append(cadre)
    largest = max(by_unit, key=lambda u: (len(by_unit[u]), u.code)) if by_unit else None
    grades, labels = zip(*_QUARTERLY_WEIGHTS, strict=True)
    quarterly = annual = 0
    for year in DEMO_YEARS:
        rows = [QuarterlyRow(c, year, q, rng.choices(grades, weights=labels)[0]) for c in people for q in (1, 2, 3, 4)]
        quarterly += quarterly_save(actor=ctx.actor, rows=rows).created
        goods = {c.pk: sum(r.grade == "good" for r in rows if r.cadre is c) for c in people}
        gated = gates(people, year)
        base = []
        for c in people:
            found = gated.get(c.pk, [])
            if any(g.allowed == frozenset({"not_graded"}) for g in found):
                base.append(AnnualRow(c, year, "not_graded", "处分期间，只写评语，不确定等次。"))
            elif rng.random() < 0.04:
                base.append(AnnualRow(c, year, "basically_competent"))
            else:
                base.append(AnnualRow(c, year, "competent"))
        annual += annual_save(actor=ctx.actor, rows=base).created
        for unit, members in by_unit.items():
            q = quota(unit, year)
            want = q.cap - q.excellent if (unit == largest and year == DEMO_YEARS[-1]) else max(q.cap - 1 - q.excellent, 0)
            candidates = sorted((c for c in members if goods[c.pk] and c.pk not in gated), key=lambda c: (-goods[c.pk], c.pk))
            chosen = candidates[:want]
            if chosen:
                annual_save(actor=ctx.actor, rows=[AnnualRow(c, year, "excellent") for c in chosen])
    at_cap = quota(largest, DEMO_YEARS[-1]) if largest else None
    return _("鹤山市 %(units)s 个部门：%(q)s 条平时考核、%(a)s 条年度考核；%(unit)s 2025 年优秀 %(e)s 名，恰为名额") % {
        "units": len(by_unit), "q": quarterly, "a": annual, "unit": largest.name if largest else "—",
        "e": at_cap.excellent if at_cap else 0}

# evaluation ----
# Jinan's post-election evaluation (换届后评估): a round over 济南市 with teams and cadres scored;
# 张鲁宁 and 包昆 lead it and are confirmed onto the 出彩型 shortlist, so they carry the tag and
# stand on the 干部推荐参考名单. They are not among the generated cadres of cadres/demo.py, so
# they are registered here (with their posts) through the cadres services.


EVALUATION_ROUND_NAME = "济南市2025年换届后评估"
EVALUATION_HELD_ON = datetime.date(2025, 9, 26)
SHORTLIST_LISTED_ON = datetime.date(2025, 9, 30)
# (name, gender, birth, region, unit code, title, post level, since)
STANDOUTS = (
    ("张鲁宁", "M", datetime.date(1983, 4, 12), "370102", "JN-LX-J03", "趵突泉街道党工委副书记、办事处主任",
     "division_chief", datetime.date(2021, 12, 1)),
    ("包昆", "M", datetime.date(1985, 10, 3), "370112", "JN-LC-J04", "王舍人街道党工委副书记",
     "division_deputy", datetime.date(2021, 12, 1)),
)


def _standout(ctx: DemoContext, spec) -> Cadre:
    name, gender, birth, region, unit_code, title, level, since = spec
    number = idnumber.make(region, birth, 77, gender)
    cadre = Cadre.objects.filter(id_number=number).first()
    if cadre is not None:
        return cadre
    unit = ctx.unit(unit_code)
    cadre = services.cadre_create(
        actor=ctx.actor, name=name, gender=gender, birth_date=birth, id_number=number, unit=unit,
        position_title=title, post_level=level, rank_since=since, political_status="cpc_member",
        education="master", rank="二级调研员" if level == "division_chief" else "四级调研员",
    )
    services.appointment_create(
        actor=ctx.actor, cadre=cadre, unit=unit, title=title, post_level=level, kind="promotion",
        start_date=since, document_number=f"济组干〔{since.year}〕{60 + STANDOUTS.index(spec)}号",
    )
    return cadre


@register(name="assessments_evaluation", order=50,
          is_loaded=lambda: EvaluationRound.objects.filter(name=EVALUATION_ROUND_NAME).exists())
def load_evaluation(ctx: DemoContext) -> str:
    from .services.evaluation import evaluation_create, evaluation_round_create, shortlist_confirm

    rng = random.Random(2025)
    jinan = ctx.unit("JN")
    evaluation_round = evaluation_round_create(actor=ctx.actor, unit=jinan, name=EVALUATION_ROUND_NAME,
                                               year=2025, held_on=EVALUATION_HELD_ON)
    standouts = [_standout(ctx, spec) for spec in STANDOUTS]
    others = list(
        Cadre.objects.filter(unit__path__startswith=jinan.path, status=Cadre.Status.ACTIVE)
        .exclude(pk__in=[c.pk for c in standouts]).order_by("id_number")[:18]
    )

    def scores(low, high):
        return {name: Decimal(rng.randint(low * 10, high * 10)) / 10 for name in EVALUATION_DIMENSIONS}

    chosen = [evaluation_create(actor=ctx.actor, round=evaluation_round, cadre=c, **scores(93, 98))
              for c in standouts]
    for cadre in others:
        evaluation_create(actor=ctx.actor, round=evaluation_round, cadre=cadre, **scores(72, 91))
    teams = [ctx.unit(code) for code in ("JN-LX", "JN-LC")]
    for unit in teams:
        evaluation_create(actor=ctx.actor, round=evaluation_round, unit=unit, **scores(80, 94))
    shortlist_confirm(actor=ctx.actor, evaluation_round=evaluation_round, evaluations=chosen,
                      listed_on=SHORTLIST_LISTED_ON)
    return gettext("1 轮换届后评估（%(n)d 名干部、%(t)d 个班子），出彩型确认 %(s)d 人") % {
        "n": len(others) + len(chosen), "t": len(teams), "s": len(chosen)}


# frontline ----
# Zhangdian's frontline inspection (一线考察) on a key project: three cadres followed by the 四个一
# from 2025-09-01 to 2025-11-28. One of them has no 月通报 for November, so as of 2025-12-01
# exactly that cadence is overdue; viewed any later day the project stays overdue (the records
# stop on 2025-11-28). 红旗标兵 and the reserve list for the first.

FRONTLINE_PROJECT_NAME = "张店区东部老工业区搬迁改造工程"
FRONTLINE_START = datetime.date(2025, 9, 1)
FRONTLINE_LAST = datetime.date(2025, 11, 28)
FRONTLINE_AS_OF = datetime.date(2025, 12, 1)


@register(name="assessments_frontline", order=51,
          is_loaded=lambda: FrontlineProject.objects.filter(name=FRONTLINE_PROJECT_NAME).exists())
def load_frontline(ctx: DemoContext) -> str:
    from core.workdays import calendar, shared_calendar

    from .services.frontline import (
        frontline_outcome,
        frontline_project_create,
        frontline_record_create,
    )

    zhangdian = ctx.unit("ZB-ZD")
    cadres = list(
        Cadre.objects.filter(unit__path__startswith=zhangdian.path, status=Cadre.Status.ACTIVE)
        .order_by("id_number")[:3]
    )
    project = frontline_project_create(
        actor=ctx.actor, name=FRONTLINE_PROJECT_NAME, unit=zhangdian, start_date=FRONTLINE_START,
        description="老工业区企业搬迁、土地收储和片区更新，区委组织部派员一线跟踪考察。",
        cadres=[(c, None) for c in cadres],
    )
    records = 0

    def add(cadre, cadence, day, content):
        nonlocal records
        frontline_record_create(actor=ctx.actor, project=project, cadre=cadre, cadence=cadence, date=day,
                                content=content)
        records += 1

    with shared_calendar():
        cal = calendar()
        day = FRONTLINE_START
        while day <= FRONTLINE_LAST:
            if cal.is_workday(day, provisional=True):
                for cadre in cadres:
                    add(cadre, "daily", day, "报告当日搬迁签约和拆除进度。")
            if day.weekday() == 4:
                for cadre in cadres:
                    add(cadre, "weekly", day, "组织部考察组现场检查本周任务完成情况。")
            day += datetime.timedelta(days=1)
    for month_end, missing in ((datetime.date(2025, 9, 30), ()), (datetime.date(2025, 10, 31), ()),
                               (datetime.date(2025, 11, 28), (cadres[-1],))):
        for cadre in cadres:
            if cadre not in missing:
                add(cadre, "monthly", month_end, "月度通报：进度、问题和下月安排。")
    for cadre in cadres:
        add(cadre, "quarterly", datetime.date(2025, 9, 30), "三季度评议：群众和企业代表评议。")
    frontline_outcome(actor=ctx.actor, project=project, cadres=cadres[:1], red_flag=True, reserve=True,
                      listed_on=FRONTLINE_LAST)
    return gettext("1 个重点工程，%(c)d 名考察干部，%(r)d 条“四个一”记录（11 月通报缺 1 条）") % {
        "c": len(cadres), "r": records}
