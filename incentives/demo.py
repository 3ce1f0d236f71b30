"""Demo data of incentives (cadres.demo.register)."""

import datetime

from cadres.demo import DemoContext, register

# records, timely rewards, unfit ----
# Through the services, at fixed dates: Heshan's timely rewards (one team, one person: nominated
# by staff_heshan, approved by the administrator, so recorded), a yellow card from the unfit
# catalog in Heshan, and a few hand records in Jinan and Heshan. Idempotent: loaded once (the
# marker is the last record's document number).


_MARKER = "鹤组通〔2025〕21号"
_LEADING = ("division_chief", "division_deputy", "section_chief", "section_deputy")


def _records_loaded() -> bool:
    from .models import IncentiveRecord

    return IncentiveRecord.objects.filter(document_number=_MARKER).exists()


def _unit_below(root, *name_parts):
    from core.models import Unit

    below = Unit.objects.filter(path__startswith=root.path).exclude(pk=root.pk)
    for part in name_parts:
        unit = below.filter(name__contains=part).order_by("code").first()
        if unit is not None:
            return unit
    return below.order_by("code").first()


def _cadre_in(unit):
    from cadres.models import Cadre

    people = Cadre.objects.filter(unit__path__startswith=unit.path, status=Cadre.Status.ACTIVE)
    return (people.filter(post_level__in=_LEADING).order_by("unit__code", "post_level", "id").first()
            or people.order_by("id").first())


@register(name="incentives.records", order=70, is_loaded=_records_loaded)
def load_records(ctx: DemoContext) -> str:
    from core.models import User

    from .models import Measure, UnfitSituation
    from .services.records import record_create
    from .services.timely import timely_approve, timely_nominate
    from .services.unfit import unfit_record

    admin = ctx.actor
    staff_heshan = User.objects.get(username="staff_heshan")
    staff_jinan = User.objects.get(username="staff_jinan")
    heshan, jinan = ctx.unit("JM-HS"), ctx.unit("JN")
    m = {x.code: x for x in Measure.objects.all()}

    # 及时奖励: a team that landed a major project, a person in emergency work.
    team = _unit_below(heshan, "工业和信息化局", "发展和改革局")
    person = _cadre_in(_unit_below(heshan, "桃源镇", "镇"))
    team_reward = timely_nominate(
        actor=staff_heshan, unit=team, condition="major_project", measure=m["timely_reward"],
        date=datetime.date(2025, 3, 10),
        reason="牵头引进总投资超过30亿元的新能源电池项目，从洽谈到签约落户鹤山仅用时两个月。")
    timely_approve(actor=admin, reward=team_reward, date=datetime.date(2025, 3, 20),
                   document_number="鹤组通〔2025〕9号")
    person_reward = timely_nominate(
        actor=staff_heshan, cadre=person, condition="emergency", measure=m["timely_reward"],
        date=datetime.date(2024, 9, 12),
        reason="台风“摩羯”过境期间连续72小时驻守堤围一线，组织转移群众400余人，无一伤亡。")
    timely_approve(actor=admin, reward=person_reward, date=datetime.date(2024, 9, 25),
                   document_number="鹤组通〔2024〕31号")

    # 不适宜担任现职: a yellow card for 躺平.
    carded = _cadre_in(_unit_below(heshan, "双合镇", "镇"))
    unfit_record(actor=staff_heshan, cadre=carded, measure=m["yellow_card"],
                 situation=UnfitSituation.objects.get(code="lying_flat"),
                 date=datetime.date(2024, 12, 6), document_number="鹤组通〔2024〕40号",
                 reason="分管的“百千万工程”典型村建设任务连续两个季度进度靠后，安于现状、不思进取。")

    # Hand records.
    jn_cadre = _cadre_in(_unit_below(jinan, "街道"))
    jn_other = _cadre_in(_unit_below(jinan, "局"))
    record_create(actor=staff_jinan, measure=m["outstanding_cadre"], cadre=jn_cadre,
                  date=datetime.date(2024, 7, 18), document_number="济组字〔2024〕27号",
                  reason="换届“后评估”中被确定为“出彩型”好干部。")
    record_create(actor=staff_jinan, measure=m["reserve_listing"], cadre=jn_cadre,
                  date=datetime.date(2024, 10, 9), document_number="济组字〔2024〕41号",
                  reason="列入干部推荐参考名单。")
    record_create(actor=staff_jinan, measure=m["public_criticism"], cadre=jn_other,
                  date=datetime.date(2025, 4, 2), document_number="济组字〔2025〕12号",
                  reason="重点项目手续办理拖延，督查通报。")
    record_create(actor=staff_heshan, measure=m["public_praise"], unit=_unit_below(heshan, "古劳镇", "镇"),
                  date=datetime.date(2025, 6, 30), document_number=_MARKER,
                  reason="“揭榜挂帅”完成全域土地综合整治任务。")
    return "及时奖励 2 项（集体 1、个人 1，已批准），黄牌警告 1 项，手工奖惩记录 4 条"


# ledger ----
# The demo city's ledger, tallied once every other loader has run (order 90, above them all), so
# that the ledger, the 红黑榜 and a cadre's why show real figures on `make run`: synchronously
# through the tally service (not a job), inside seed_demo's transaction. Loaded when every
# excellent annual grade already has its ledger row (an excellent year always has an entry,
# counted or blocked); the tally is idempotent besides (the same inputs write nothing).


def _ledger_loaded() -> bool:
    from django.db.models import Exists, OuterRef

    from assessments.models import AnnualAssessment

    from .models import LedgerRow

    if not LedgerRow.objects.exists():
        return False
    return not AnnualAssessment.objects.filter(grade="excellent").exclude(Exists(
        LedgerRow.objects.filter(cadre=OuterRef("cadre"), year=OuterRef("year")))).exists()


@register(name="incentives.ledger", order=90, is_loaded=_ledger_loaded)
def load_ledger(ctx: DemoContext) -> str:
    from .services.ledger import tally

    result = tally(actor=ctx.actor)
    return (f"激励台账 {result['rows']} 行（{result['entries']} 项，"
            f"新建待确认建议 {result['proposals_created']} 条）")
