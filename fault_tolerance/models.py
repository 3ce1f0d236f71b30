"""容错纠错: fault-tolerance cases, their criteria, panel votes and decisions, and what
follows a tolerated case: correction (纠错). Clarifications, the dishonesty list, sanctions
and re-use live in discipline (below this app) and are imported from there.

The workflow's legal moves are declared once, in Case.TRANSITIONS; the one service
`fault_tolerance.services.case_transition` enforces them."""

import datetime as dt
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from cadres.models import PostLevel
from core.models import Role


class Outcome(models.TextChoices):
    """The three outcomes of a case; a recommendation, a vote and a decision use them."""

    EXEMPTED = "exempted", _("免责")
    MITIGATED = "mitigated", _("从轻减轻")
    NOT_TOLERATED = "not_tolerated", _("不予容错")


# The outcomes that tolerate the mistake: correction (纠错) follows them.
TOLERATED_OUTCOMES = frozenset({Outcome.EXEMPTED, Outcome.MITIGATED})


# The five looks (五个看, Ningbo's audit rules): all five must hold for an exemption.
LOOKS = {
    "policy": _("从政策法律上看：符合改革方向与政策法律"),
    "procedure": _("从决策程序上看：经过集体研究、按程序决策"),
    "result": _("从实际结果上看：未造成重大不良后果"),
    "integrity": _("从廉洁底线上看：未谋取私利、无利益输送"),
    "attitude": _("从主观态度上看：勤勉尽责、尽力挽回损失"),
}

# The three distinctions (三个区分开来), numbered as the API carries them.
DISTINCTIONS = {
    1: _("把干部在推进改革中因缺乏经验、先行先试出现的失误错误，同明知故犯的违纪违法行为区分开来"),
    2: _("把尚无明确限制的探索性试验中的失误错误，同明令禁止后依然我行我素的违纪违法行为区分开来"),
    3: _("把为推动发展的无意过失，同为谋取私利的违纪违法行为区分开来"),
}

# 领导职务: a cadre at these levels holds a leading post in their unit. It decides recusal:
# a reviewer "leads" a subject unit when their own cadre record sits in that unit at one of
# these levels (副科级 and above). Units above the subject unit do not count: their
# leaders are not the subject unit's leaders, and the panel would otherwise empty at county level.
LEADING_POST_LEVELS = frozenset({
    PostLevel.DEPARTMENT_CHIEF, PostLevel.DEPARTMENT_DEPUTY, PostLevel.DIVISION_CHIEF,
    PostLevel.DIVISION_DEPUTY, PostLevel.SECTION_CHIEF, PostLevel.SECTION_DEPUTY,
})


class Situation(models.Model):
    """容错情形: one situation of the jurisdiction's catalog, edited by administrators."""

    class Group(models.TextChoices):
        EXEMPT = "exempt", _("不予或免予追究责任")
        LIGHTER = "lighter", _("从轻、减轻处理")
        NEVER = "never", _("不予容错")

    code = models.CharField(_("编号"), max_length=20, unique=True)
    group = models.CharField(_("类别"), max_length=10, choices=Group.choices)
    description = models.TextField(_("情形"))
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    AUDITED = ("code", "group", "description", "active", "order")

    class Meta:
        verbose_name = _("容错情形")
        verbose_name_plural = _("容错情形")
        ordering = ["group", "order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:40]}"


class Policy(models.Model):
    """容错规则设置: the numbers a jurisdiction may set for itself. The row without a unit is
    the default; a case follows the row of its nearest jurisdiction that has one."""

    class Majority(models.TextChoices):
        SIMPLE = "simple", _("实际表决票数过半数")
        TWO_THIRDS = "two_thirds", _("实际表决票数三分之二以上")
        PANEL = "panel", _("审议组全体成员过半数")

    jurisdiction = models.ForeignKey(
        "core.Unit", verbose_name=_("适用单位"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", help_text=_("留空为全局默认；设定后对该单位及其下级单位生效。"))
    quorum = models.PositiveSmallIntegerField(_("表决法定人数"), default=3)
    majority = models.CharField(_("多数规则"), max_length=12, choices=Majority.choices, default=Majority.SIMPLE)
    intake_days = models.PositiveSmallIntegerField(_("受理期限（工作日）"), default=5)
    decision_days = models.PositiveSmallIntegerField(_("认定期限（工作日）"), default=30)
    appeal_days = models.PositiveSmallIntegerField(_("申诉期限（自然日）"), default=30)
    attachment_max_mb = models.PositiveSmallIntegerField(_("附件大小上限（MB）"), default=20)

    AUDITED = ("jurisdiction", "quorum", "majority", "intake_days", "decision_days", "appeal_days",
               "attachment_max_mb")

    class Meta:
        verbose_name = _("容错规则设置")
        verbose_name_plural = _("容错规则设置")
        constraints = [
            # One row per unit and a single default (no unit): NULLs are distinct in a plain
            # unique index, so the constraint is on the id with NULL read as 0.
            models.UniqueConstraint(
                Coalesce("jurisdiction", models.Value(0)), name="policy_one_per_jurisdiction",
                violation_error_message=_("该单位已有容错规则设置。")),
            models.CheckConstraint(condition=models.Q(quorum__gte=1), name="policy_quorum_positive"),
        ]

    def __str__(self) -> str:
        return str(self.jurisdiction) if self.jurisdiction_id else str(_("全局默认"))

    @property
    def attachment_max_bytes(self) -> int:
        return self.attachment_max_mb * 1024 * 1024


class Case(models.Model):
    """容错申请: a request that a cadre (or unit) not be held liable for a mistake made in good faith."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")  # being written; only the filer sees it
        SUBMITTED = "submitted", _("已提交")  # waiting for intake (受理)
        ACCEPTED = "accepted", _("已受理")  # accepted; waiting for someone to investigate
        REJECTED = "rejected", _("不予受理")  # refused at intake, with a reason; final
        INVESTIGATING = "investigating", _("调查核实中")  # staff are checking the facts
        PROPOSED = "proposed", _("已提出认定建议")  # criteria and recommendation written; the liaison's turn
        OPINION = "opinion", _("纪检意见已出具")  # the panel votes, then decides
        DECIDED = "decided", _("已作出认定")  # the panel's decision stands; to be notified
        NOTIFIED = "notified", _("已告知")  # cadre and unit told; the appeal window runs
        APPEALED = "appealed", _("申诉复核中")  # a different panel reviews; it votes, then decides
        CLOSED = "closed", _("已办结")  # nothing more happens

    class Action(models.TextChoices):
        SUBMIT = "submit", _("提交")
        ACCEPT = "accept", _("受理")
        REJECT = "reject", _("不予受理")
        INVESTIGATE = "investigate", _("开始调查核实")
        PROPOSE = "propose", _("提出认定建议")
        OPINION = "opinion", _("出具纪检意见")
        VOTE = "vote", _("表决")
        DECIDE = "decide", _("作出认定")
        NOTIFY = "notify", _("告知")
        APPEAL = "appeal", _("申诉")
        CLOSE = "close", _("办结")

    class Field(models.TextChoices):
        REFORM = "reform", _("改革创新")
        MAJOR_PROJECT = "major_project", _("重大项目")
        ONE_VISIT_REFORM = "one_visit_reform", _("最多跑一次改革")
        SOE_REFORM = "soe_reform", _("国企改革")
        AUDIT = "audit", _("审计")
        OTHER = "other", _("其他")

    class Source(models.TextChoices):
        AUDIT = "audit", _("审计")
        INSPECTION = "inspection", _("巡察")
        PETITION = "petition", _("信访举报")
        DISCIPLINE = "discipline", _("纪检")
        SELF = "self", _("本人申请")

    # The legal moves: (state, action) → (new state, roles that may take it). Who among
    # those roles may act on a given case (the filer, the panel, the liaison sent the case)
    # is the service's guard; this table is the only place a move is declared.
    TRANSITIONS = {
        (State.DRAFT, Action.SUBMIT): (State.SUBMITTED, (Role.STAFF, Role.CADRE)),
        (State.SUBMITTED, Action.ACCEPT): (State.ACCEPTED, (Role.STAFF,)),
        (State.SUBMITTED, Action.REJECT): (State.REJECTED, (Role.STAFF,)),
        (State.ACCEPTED, Action.INVESTIGATE): (State.INVESTIGATING, (Role.STAFF,)),
        (State.INVESTIGATING, Action.PROPOSE): (State.PROPOSED, (Role.STAFF,)),
        (State.PROPOSED, Action.OPINION): (State.OPINION, (Role.LIAISON,)),
        (State.OPINION, Action.VOTE): (State.OPINION, (Role.REVIEWER,)),
        (State.OPINION, Action.DECIDE): (State.DECIDED, (Role.REVIEWER,)),
        (State.DECIDED, Action.NOTIFY): (State.NOTIFIED, (Role.STAFF,)),
        (State.NOTIFIED, Action.APPEAL): (State.APPEALED, (Role.CADRE, Role.STAFF)),
        (State.NOTIFIED, Action.CLOSE): (State.CLOSED, (Role.STAFF,)),
        (State.APPEALED, Action.VOTE): (State.APPEALED, (Role.REVIEWER,)),
        (State.APPEALED, Action.DECIDE): (State.DECIDED, (Role.REVIEWER,)),
    }
    # The date field each move stamps.
    STEP_DATES = {
        Action.SUBMIT: "submitted_on", Action.ACCEPT: "accepted_on", Action.REJECT: "rejected_on",
        Action.INVESTIGATE: "investigated_on", Action.PROPOSE: "proposed_on",
        Action.OPINION: "opinion_on", Action.DECIDE: "decided_on", Action.NOTIFY: "notified_on",
        Action.APPEAL: "appealed_on", Action.CLOSE: "closed_on",
    }
    # States in which the panel of the current round votes.
    VOTING_STATES = frozenset({State.OPINION, State.APPEALED})
    # States in which staff may still name the current round's panel (until its first vote).
    PANEL_STATES = frozenset({State.INVESTIGATING, State.PROPOSED, State.OPINION, State.APPEALED})
    # States after the proposal: the liaison's part of the case is open to them from here on.
    SENT_TO_LIAISON_STATES = frozenset({State.PROPOSED, State.OPINION, State.DECIDED, State.NOTIFIED,
                                        State.APPEALED, State.CLOSED})
    # States in which evidence may still be added.
    OPEN_FOR_EVIDENCE = frozenset({State.DRAFT, State.SUBMITTED, State.ACCEPTED, State.INVESTIGATING,
                                   State.PROPOSED, State.OPINION, State.APPEALED})
    # States whose outcome is final for now (an appeal may still replace it).
    DECIDED_STATES = frozenset({State.DECIDED, State.NOTIFIED, State.CLOSED})
    # States in which an exempting outcome (免责) protects the case's subjects: decided, and under
    # appeal, since an appeal keeps the decision until a new one is made. protects_q/protects
    # are the one rule the page, the protection panel and the incentives ledger ask.
    PROTECTING_STATES = DECIDED_STATES | {State.APPEALED}

    title = models.CharField(_("事项名称"), max_length=200)
    description = models.TextField(_("事实经过"), blank=True, default="")
    occurred_on = models.DateField(_("发生时间"))
    field = models.CharField(_("领域"), max_length=20, choices=Field.choices)
    source = models.CharField(_("问题来源"), max_length=20, choices=Source.choices)
    applicant = models.CharField(_("申请人"), max_length=120, blank=True, default="")
    subject_cadres = models.ManyToManyField(
        "cadres.Cadre", verbose_name=_("容错对象（干部）"), blank=True, related_name="tolerance_cases")
    subject_units = models.ManyToManyField(
        "core.Unit", verbose_name=_("容错对象（单位）"), blank=True, related_name="tolerance_cases")
    # The lowest unit above every subject: its policy applies. Kept by the services.
    jurisdiction = models.ForeignKey(
        "core.Unit", verbose_name=_("主管单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", editable=False)

    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.DRAFT)
    outcome = models.CharField(_("认定结果"), max_length=20, choices=Outcome.choices, blank=True, default="")
    # 1 for the first review, 2 for the review on appeal.
    round = models.PositiveSmallIntegerField(_("审议轮次"), default=1)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+")
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调查核实人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("建议人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")
    # When set, only this liaison gives the opinion; otherwise any liaison covering the case.
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("纪检监察联络人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("出具意见人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")

    rejection_reason = models.TextField(_("不予受理理由"), blank=True, default="")
    # {"policy": bool, …five looks…, "distinctions": [1, 3], "notes": {"policy": "...", "distinction_1": "..."}}
    criteria = models.JSONField(_("认定标准"), default=dict, blank=True)
    situations = models.ManyToManyField(
        Situation, verbose_name=_("对照情形"), blank=True, related_name="cases")
    recommendation = models.CharField(
        _("认定建议"), max_length=20, choices=Outcome.choices, blank=True, default="")
    opinion_text = models.TextField(_("纪检监察意见"), blank=True, default="")
    appeal_reason = models.TextField(_("申诉理由"), blank=True, default="")

    submitted_on = models.DateField(_("提交日期"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    rejected_on = models.DateField(_("不予受理日期"), null=True, blank=True)
    investigated_on = models.DateField(_("开始调查日期"), null=True, blank=True)
    proposed_on = models.DateField(_("提出建议日期"), null=True, blank=True)
    opinion_on = models.DateField(_("纪检意见日期"), null=True, blank=True)
    decided_on = models.DateField(_("认定日期"), null=True, blank=True)
    notified_on = models.DateField(_("告知日期"), null=True, blank=True)
    appealed_on = models.DateField(_("申诉日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)

    intake_due = models.DateField(_("受理期限"), null=True, blank=True)
    decision_due = models.DateField(_("认定期限"), null=True, blank=True)
    appeal_due = models.DateField(_("申诉期限"), null=True, blank=True)
    # {"decision_due": [2027]}: a deadline counted provisionally, on the statutory holidays of
    # the listed years, whose official schedule is not entered yet (recounted when it is).
    deadline_notes = models.JSONField(_("期限说明"), default=dict, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDITED = (
        "title", "description", "occurred_on", "field", "source", "applicant", "subject_cadres",
        "subject_units", "jurisdiction",
    )

    class Meta:
        verbose_name = _("容错申请")
        verbose_name_plural = _("容错申请")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "id"], name="case_state_idx"),
            models.Index(fields=["created_by", "state"], name="case_filer_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        try:
            return reverse("fault_tolerance:case-detail", args=[self.pk])
        except NoReverseMatch:  # the HTML pages come later; until then the API is the page
            return f"/api/v1/tolerance-cases/{self.pk}/"

    @classmethod
    def protects_q(cls, prefix: str = "") -> models.Q:
        """Cases (reached through prefix, e.g. "case__") whose outcome protects their subjects."""
        return models.Q(**{f"{prefix}outcome": Outcome.EXEMPTED, f"{prefix}state__in": cls.PROTECTING_STATES})

    @property
    def protects(self) -> bool:
        """protects_q for this case."""
        return self.outcome == Outcome.EXEMPTED and self.state in self.PROTECTING_STATES

    @property
    def deadlines(self) -> dict:
        return {"intake_due": self.intake_due, "decision_due": self.decision_due,
                "appeal_due": self.appeal_due, "provisional": sorted(self.deadline_notes or {})}

    def deadline_note(self, key: str) -> str:
        """Why the deadline `key` is provisional, the same for every reader ("" when final)."""
        years = (self.deadline_notes or {}).get(key)
        if not years:
            return ""
        if isinstance(years, str):  # a note recorded before deadlines were counted provisionally
            return years
        return _("预计：%(years)s年的节假日安排尚未公布录入，暂按法定节假日计算，录入后自动重新计算。") % {
            "years": "、".join(str(y) for y in years)}

    def looks_failed(self) -> list[str]:
        """The five looks that do not hold (an empty list when all five do)."""
        return [key for key in LOOKS if self.criteria.get(key) is not True]


def attachment_path(attachment: "CaseAttachment", filename: str) -> str:
    # Stored under a random name with the detected type's extension: the client's name is
    # kept for display only, so it can never choose a path or an executable extension.
    return f"fault_tolerance/cases/{attachment.case_id}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix}"


class CaseAttachment(models.Model):
    """证据材料: a file attached to a case, its type checked by content and its SHA-256 kept."""

    case = models.ForeignKey(Case, verbose_name=_("容错申请"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10)
    content_type = models.CharField(_("MIME 类型"), max_length=120)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("说明"), max_length=200, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    AUDITED = ("case", "name", "kind", "size", "sha256", "description")

    class Meta:
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")
        ordering = ["case_id", "id"]

    def __str__(self) -> str:
        return self.name


class PanelMember(models.Model):
    """A reviewer on a case's panel for one round."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="panel_members")
    round = models.PositiveSmallIntegerField(_("审议轮次"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("审议组成员")
        verbose_name_plural = _("审议组成员")
        constraints = [models.UniqueConstraint(fields=["case", "round", "reviewer"], name="panel_member_once")]
        indexes = [models.Index(fields=["reviewer", "case"], name="panel_reviewer_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.round}: {self.reviewer_id}"


class Vote(models.Model):
    """A panel member's vote in one round; a later vote replaces the earlier one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="votes")
    round = models.PositiveSmallIntegerField(_("审议轮次"))
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("表决人"), on_delete=models.PROTECT,
                              related_name="+")
    choice = models.CharField(_("表决意见"), max_length=20, choices=Outcome.choices)
    cast_at = models.DateTimeField(_("表决时间"))

    class Meta:
        verbose_name = _("表决")
        verbose_name_plural = _("表决")
        ordering = ["case_id", "round", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "round", "voter"], name="vote_once_per_round")]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.round}: {self.voter_id} {self.choice}"


class Decision(models.Model):
    """认定决定: the panel's decision in one round, with who voted what."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    round = models.PositiveSmallIntegerField(_("审议轮次"))
    outcome = models.CharField(_("认定结果"), max_length=20, choices=Outcome.choices)
    # [{"voter": id, "username": "...", "choice": "exempted"}, …] as cast when decided.
    votes = models.JSONField(_("表决情况"), default=list)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("宣布人"), on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("认定时间"))

    class Meta:
        verbose_name = _("认定决定")
        verbose_name_plural = _("认定决定")
        ordering = ["case_id", "round"]
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="decision_once_per_round")]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.round}: {self.outcome}"


class Correction(models.Model):
    """纠错: one of Jinan's five correction steps after a tolerated (exempted or mitigated) case."""

    class Step(models.TextChoices):
        START = "start", _("启动纠错")
        NOTICE = "notice", _("发送通知")
        TALK = "talk", _("谈话教育")
        RECTIFY = "rectify", _("督促整改")
        IMPROVE = "improve", _("完善制度")

    STEP_ORDER = {step: i for i, step in enumerate(Step.values)}

    case = models.ForeignKey(Case, verbose_name=_("容错申请"), on_delete=models.PROTECT, related_name="corrections")
    step = models.CharField(_("步骤"), max_length=10, choices=Step.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    evidence_text = models.TextField(_("佐证说明"), blank=True, default="")
    evidence_file = models.FileField(_("佐证材料"), upload_to="fault_tolerance/corrections/%Y/", blank=True,
                                     max_length=200)
    evidence_sha256 = models.CharField(_("材料 SHA-256"), max_length=64, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDITED = ("case", "step", "assignee", "due_on", "done_on", "evidence_text", "evidence_sha256")

    class Meta:
        verbose_name = _("纠错步骤")
        verbose_name_plural = _("纠错步骤")
        ordering = ["case_id", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="correction_step_once")]
        indexes = [models.Index(fields=["done_on", "due_on"], name="correction_open_idx")]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_step_display()}"

    def is_overdue(self, today: dt.date) -> bool:
        return self.done_on is None and self.due_on is not None and self.due_on < today
