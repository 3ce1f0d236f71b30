"""Registrations of assessments with core's demo registry (and cadres.demo for demo)."""


# evaluation ----
# Jinan's post-election evaluation (换届后评估): a round over 济南市 with teams and cadres scored;
# 张鲁宁 and 包昆 lead it and are confirmed onto the 出彩型 shortlist, so they carry the tag and
# stand on the 干部推荐参考名单. They are not among the generated cadres of cadres/demo.py, so
# they are registered here (with their posts) through the cadres services.

import datetime as _dt  # noqa: E402
import random as _random  # noqa: E402
from decimal import Decimal as _Decimal  # noqa: E402

from django.utils.translation import gettext as _t  # noqa: E402

from cadres import idnumber as _idnumber  # noqa: E402
from cadres import services as _cadre_services  # noqa: E402
from cadres.demo import DemoContext, register  # noqa: E402
from cadres.models import Cadre as _Cadre  # noqa: E402

from .models import EVALUATION_DIMENSIONS as _DIMENSIONS  # noqa: E402
from .models import EvaluationRound as _EvaluationRound  # noqa: E402
from .models import FrontlineProject as _FrontlineProject  # noqa: E402

EVALUATION_ROUND_NAME = "济南市2025年换届后评估"
EVALUATION_HELD_ON = _dt.date(2025, 9, 26)
SHORTLIST_LISTED_ON = _dt.date(2025, 9, 30)
# (name, gender, birth, region, unit code, title, post level, since)
STANDOUTS = (
    ("张鲁宁", "M", _dt.date(1983, 4, 12), "370102", "JN-LX-J03", "趵突泉街道党工委副书记、办事处主任",
     "division_chief", _dt.date(2021, 12, 1)),
    ("包昆", "M", _dt.date(1985, 10, 3), "370112", "JN-LC-J04", "王舍人街道党工委副书记",
     "division_deputy", _dt.date(2021, 12, 1)),
)


def _standout(ctx: DemoContext, spec) -> _Cadre:
    name, gender, birth, region, unit_code, title, level, since = spec
    number = _idnumber.make(region, birth, 77, gender)
    cadre = _Cadre.objects.filter(id_number=number).first()
    if cadre is not None:
        return cadre
    unit = ctx.unit(unit_code)
    cadre = _cadre_services.cadre_create(
        actor=ctx.actor, name=name, gender=gender, birth_date=birth, id_number=number, unit=unit,
        position_title=title, post_level=level, rank_since=since, political_status="cpc_member",
        education="master", rank="二级调研员" if level == "division_chief" else "四级调研员",
    )
    _cadre_services.appointment_create(
        actor=ctx.actor, cadre=cadre, unit=unit, title=title, post_level=level, kind="promotion",
        start_date=since, document_number=f"济组干〔{since.year}〕{60 + STANDOUTS.index(spec)}号",
    )
    return cadre


@register(name="assessments_evaluation", order=50,
          is_loaded=lambda: _EvaluationRound.objects.filter(name=EVALUATION_ROUND_NAME).exists())
def load_evaluation(ctx: DemoContext) -> str:
    from .services.evaluation import evaluation_create, evaluation_round_create, shortlist_confirm

    rng = _random.Random(2025)
    jinan = ctx.unit("JN")
    evaluation_round = evaluation_round_create(actor=ctx.actor, unit=jinan, name=EVALUATION_ROUND_NAME,
                                               year=2025, held_on=EVALUATION_HELD_ON)
    standouts = [_standout(ctx, spec) for spec in STANDOUTS]
    others = list(
        _Cadre.objects.filter(unit__path__startswith=jinan.path, status=_Cadre.Status.ACTIVE)
        .exclude(pk__in=[c.pk for c in standouts]).order_by("id_number")[:18]
    )

    def scores(low, high):
        return {name: _Decimal(rng.randint(low * 10, high * 10)) / 10 for name in _DIMENSIONS}

    chosen = [evaluation_create(actor=ctx.actor, round=evaluation_round, cadre=c, **scores(93, 98))
              for c in standouts]
    for cadre in others:
        evaluation_create(actor=ctx.actor, round=evaluation_round, cadre=cadre, **scores(72, 91))
    teams = [ctx.unit(code) for code in ("JN-LX", "JN-LC")]
    for unit in teams:
        evaluation_create(actor=ctx.actor, round=evaluation_round, unit=unit, **scores(80, 94))
    shortlist_confirm(actor=ctx.actor, evaluation_round=evaluation_round, evaluations=chosen,
                      listed_on=SHORTLIST_LISTED_ON)
    return _t("1 轮换届后评估（%(n)d 名干部、%(t)d 个班子），出彩型确认 %(s)d 人") % {
        "n": len(others) + len(chosen), "t": len(teams), "s": len(chosen)}


# frontline ----
# Zhangdian's frontline inspection (一线考察) on a key project: three cadres followed by the 四个一
# from 2025-09-01 to 2025-11-28. One of them has no 月通报 for November, so as of 2025-12-01
# exactly that cadence is overdue; viewed any later day the project stays overdue (the records
# stop on 2025-11-28). 红旗标兵 and the reserve list for the first.

FRONTLINE_PROJECT_NAME = "张店区东部老工业区搬迁改造工程"
FRONTLINE_START = _dt.date(2025, 9, 1)
FRONTLINE_LAST = _dt.date(2025, 11, 28)
FRONTLINE_AS_OF = _dt.date(2025, 12, 1)


@register(name="assessments_frontline", order=51,
          is_loaded=lambda: _FrontlineProject.objects.filter(name=FRONTLINE_PROJECT_NAME).exists())
def load_frontline(ctx: DemoContext) -> str:
    from core.workdays import calendar, shared_calendar

    from .services.frontline import frontline_outcome, frontline_project_create, frontline_record_create

    zhangdian = ctx.unit("ZB-ZD")
    cadres = list(
        _Cadre.objects.filter(unit__path__startswith=zhangdian.path, status=_Cadre.Status.ACTIVE)
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
            day += _dt.timedelta(days=1)
    for month_end, missing in ((_dt.date(2025, 9, 30), ()), (_dt.date(2025, 10, 31), ()),
                               (_dt.date(2025, 11, 28), (cadres[-1],))):
        for cadre in cadres:
            if cadre not in missing:
                add(cadre, "monthly", month_end, "月度通报：进度、问题和下月安排。")
    for cadre in cadres:
        add(cadre, "quarterly", _dt.date(2025, 9, 30), "三季度评议：群众和企业代表评议。")
    frontline_outcome(actor=ctx.actor, project=project, cadres=cadres[:1], red_flag=True, reserve=True,
                      listed_on=FRONTLINE_LAST)
    return _t("1 个重点工程，%(c)d 名考察干部，%(r)d 条“四个一”记录（11 月通报缺 1 条）") % {
        "c": len(cadres), "r": records}
