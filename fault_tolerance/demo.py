"""Fault-tolerance demo data, loaded through the services like everything else.

- The Ningbo case (宁波 report): in 镇海, an audit found that a bureau had commissioned an
  intermediary to run safety inspections before tendering, right after a serious accident;
  the five looks all held and the case was exempted (免责). Filed by staff_ningbo, taken in
  and investigated by staff_ningbo2 (nobody takes in their own filing), decided by
  reviewer1-3 and notified, with the first correction steps under way.
- A second Ningbo case waiting on reviewer3's vote: 梁弄镇 (余姚) accepted incomplete files
  under the 最多跑一次 reform; its subject is 胡海燕, whose account is `cadre1`.
- A clarification in 鹤山 of a report found untrue.

`seed_demo` finds this module and runs `load` after the units, cadres and accounts."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from cadres.demo import CADRE1_ID_NUMBER, DEFAULT_PASSWORD, DemoContext, register
from cadres.models import Cadre, PostLevel, Unit
from core.accounts import user_create
from core.models import Role, User
from discipline import services as discipline_services
from discipline.models import Clarification

from . import services
from .models import Case

# The report does not name the bureau; the demo takes the first of these 镇海 has.
NINGBO_BUREAUS = ("应急管理局", "住房和城乡建设局", "自然资源局", "局")
NINGBO_TITLE = "事故后先行委托中介机构开展安全检查（先检查后招标）"
LIANGNONG_TITLE = "梁弄镇“最多跑一次”改革中对乡村旅游项目容缺受理"
LEADING = [PostLevel.DIVISION_CHIEF, PostLevel.DIVISION_DEPUTY, PostLevel.SECTION_CHIEF,
           PostLevel.SECTION_DEPUTY]
# A tiny but well-formed PDF standing in for the audit report's excerpt.
_EVIDENCE_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                 b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def _account(actor, username: str, role: str, scope: Unit, password: str) -> User:
    user = User.objects.filter(username=username).first()
    return user or user_create(actor=actor, username=username, password=password, roles=[role], units=[scope])


def _subject_in(district: Unit, *name_parts: str) -> Cadre | None:
    """A leading cadre of the first unit below district whose name contains one of name_parts."""
    below = Cadre.objects.filter(unit__path__startswith=district.path, status=Cadre.Status.ACTIVE,
                                 post_level__in=LEADING).exclude(unit=district).select_related("unit")
    for part in name_parts:
        cadre = below.filter(unit__name__contains=part).order_by("unit__code", "post_level", "id").first()
        if cadre is not None:
            return cadre
    return None


def _walk(case: Case, steps) -> Case:
    for action, actor, data in steps:
        case = services.case_transition(case=case, action=action, actor=actor, **data)
    return case


def load(actor, password: str = DEFAULT_PASSWORD) -> str:
    """Load the fault-tolerance demo (needs the demo units, cadres and accounts); returns a summary."""
    ningbo, zhenhai = Unit.objects.get(code="NB"), Unit.objects.get(code="NB-ZH")
    staff = _account(actor, "staff_ningbo", Role.STAFF, ningbo, password)
    intake = _account(actor, "staff_ningbo2", Role.STAFF, ningbo, password)
    reviewers = [User.objects.get(username=f"reviewer{i}") for i in (1, 2, 3)]
    liaison = User.objects.get(username="liaison1")
    A = Case.Action

    subject = _subject_in(zhenhai, *NINGBO_BUREAUS)
    case = services.case_create(
        actor=staff, title=f"{subject.unit.name}{NINGBO_TITLE}", field=Case.Field.AUDIT, source=Case.Source.AUDIT,
        occurred_on=dt.date(2017, 11, 20), applicant=subject.unit.name, subject_cadres=[subject],
        subject_units=[subject.unit],
        description=("区里刚发生一起重大安全事故。为更快排除安全隐患、维护群众生命财产安全和社会稳定，"
                     "考虑到招投标程序需要一定时间，该局先行组织中介机构开展全区范围安全检查，后补招标手续。"
                     "次年对该局的经济责任审计指出：委托中介机构开展安全监督检查违反招标规定。"))
    services.attachment_add(case=case, actor=staff, description=_("经济责任审计报告（摘录）"),
                            upload=SimpleUploadedFile("审计报告摘录.pdf", _EVIDENCE_PDF))
    criteria = {
        "policy": True, "procedure": True, "result": True, "integrity": True, "attitude": True,
        "distinctions": [2, 3], "situations": ["E04"],
        "notes": {
            "policy": "符合安全生产属地管理责任和上级关于隐患排查的部署。",
            "procedure": "经局党组会集体研究决定先行检查，会议纪要在卷。",
            "result": "检查及时消除隐患，全区安全生产形势稳定，未造成损失。",
            "integrity": "中介机构按市场价结算，未发现利益输送。",
            "attitude": "主观上勤勉尽责，主动采取措施阻止更大危害发生，事后补办招标手续。",
            "distinction_3": "为推动工作的无意过失，而非为谋取私利。",
        },
    }
    case = _walk(case, [(A.SUBMIT, staff, {}), (A.ACCEPT, intake, {}), (A.INVESTIGATE, intake, {})])
    # The city's reviewers decide; 镇海's stay free for an appeal (a different panel reviews).
    case = services.case_panel_set(case=case, actor=intake, reviewers=reviewers)
    case = _walk(case, [
        (A.PROPOSE, intake, {"criteria": criteria, "recommendation": "exempted"}),
        (A.OPINION, liaison, {"text": "经核查，未发现该局负责人在委托事项中存在违纪违法问题，同意免责建议。"}),
        *[(A.VOTE, r, {"choice": "exempted"}) for r in reviewers],
        (A.DECIDE, reviewers[0], {}), (A.NOTIFY, staff, {}),
    ])
    services.correction_create(actor=staff, case=case, step="start", assignee=staff, due_on=case.notified_on,
                               done_on=case.notified_on, evidence_text="部务会研究决定启动纠错程序。")
    services.correction_create(actor=staff, case=case, step="notice", assignee=staff,
                               due_on=case.notified_on + dt.timedelta(days=10),
                               evidence_text="向该局发送纠错通知书，要求完善应急采购程序。")

    hu = Cadre.objects.get(id_number=CADRE1_ID_NUMBER)
    second = services.case_create(
        actor=staff, title=LIANGNONG_TITLE, field=Case.Field.ONE_VISIT_REFORM, source=Case.Source.AUDIT,
        occurred_on=dt.date(2018, 4, 16), applicant=hu.name, subject_cadres=[hu], subject_units=[hu.unit],
        description=("为推动红色旅游项目尽快落地，镇里对申报材料尚缺的两项审批实行容缺受理、先批后补，"
                     "审计指出部分材料补交超期。"))
    _walk(second, [
        (A.SUBMIT, staff, {}), (A.ACCEPT, intake, {}), (A.INVESTIGATE, intake, {}),
        (A.PROPOSE, intake, {"recommendation": "exempted", "criteria": {
            **{k: True for k in ("policy", "procedure", "result", "integrity", "attitude")},
            "distinctions": [1], "situations": ["E07"],
            "notes": {"procedure": "镇党委会研究同意容缺受理。"}}}),
        (A.OPINION, liaison, {"text": "未发现违纪问题，同意提交集体审议。"}),
        (A.VOTE, reviewers[0], {"choice": "exempted"}), (A.VOTE, reviewers[1], {"choice": "mitigated"}),
    ])

    heshan_staff = User.objects.filter(username="staff_heshan").first()
    clarified = 0
    heshan_cadre = _subject_in(Unit.objects.get(code="JM-HS"), "镇", "街道")
    if heshan_staff is not None and heshan_cadre is not None:
        discipline_services.clarification_create(
            actor=heshan_staff, cadre=heshan_cadre, manner=Clarification.Manner.MEETING,
            clarified_on=dt.date(2024, 5, 20), follow_up_on=dt.date(2024, 8, 20),
            report_summary="匿名举报其在征地拆迁补偿中优亲厚友。",
            finding="经核查，补偿标准和名单均经公示，举报内容不属实，予以澄清正名。")
        clarified = 1
    return _("2 件容错申请（1 件已认定免责并告知，1 件待 reviewer3 表决），%(n)d 条澄清正名") % {"n": clarified}


def _loaded() -> bool:
    return Case.objects.filter(title__endswith=NINGBO_TITLE).exists()


@register(name="fault_tolerance", order=40, is_loaded=_loaded)
def load_demo(ctx: DemoContext) -> str:
    return load(ctx.actor, password=ctx.password)
