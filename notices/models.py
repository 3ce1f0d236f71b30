"""Notices (公示、通报): the four kinds of public document, drafted, then published once.

A draft is edited freely by staff in scope of its issuing unit. Publishing (services.publish)
takes the next document number of the kind and year (NoticeSequence, gapless: the number is
taken in the publishing transaction), freezes what the notice says (`content`, a snapshot of
its sources as printed), renders the PDF once (NoticePdf), signs it where a certificate is
configured, and records its SHA-256 and a verification code. A published notice never
changes; a correction is a new notice that names the one it corrects (`corrects`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["IssuingBody", "Notice", "NoticeCadre", "NoticePdf", "NoticeSequence"]


class IssuingBody(models.Model):
    """An organization department that issues notices under its own name, 代字 and numbers:
    every notice whose issuing unit is this unit or below it (the nearest one counts). A city
    deployment gives each district 组织部 its own (历组公〔2026〕1号 beside 济组公〔2026〕1号).
    Without one, the deployment's configured issuing body and prefixes apply. Kept by
    administrators in the admin."""

    unit = models.OneToOneField("core.Unit", verbose_name=_("单位"), on_delete=models.PROTECT,
                                related_name="issuing_body")
    name = models.CharField(_("发文机关"), max_length=100,
                            help_text=_("印在版头和落款，如：中共历下区委组织部。"))
    code = models.CharField(_("发文机关代字"), max_length=20,
                            help_text=_("文号的代字，如“历组”：任前公示编为“历组公〔2026〕1号”。"))

    class Meta:
        verbose_name = _("发文机关")
        verbose_name_plural = _("发文机关")
        ordering = ["unit__path"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Notice(models.Model):
    class Kind(models.TextChoices):
        PRE_APPOINTMENT = "pre_appointment", _("任前公示")
        TOLERANCE_DECISION = "tolerance_decision", _("容错免责认定结果")
        CLARIFICATION = "clarification", _("澄清正名通报")
        # A kind of notice, a noun ("Commendation"); the records list's button of the same
        # Chinese words is a verb ("Commend").
        COMMENDATION = "commendation", pgettext_lazy("notice kind", "通报表扬")

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    class HistoryAction(models.TextChoices):
        PUBLISH = "publish", _("发布")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    # The organization department that issues it: scope (who may draft and see it) and the
    # header of the printed page (its issuing body's name comes from settings.NOTICE_ISSUER).
    issuing_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("发文单位"), on_delete=models.PROTECT, related_name="notices")
    # The issuing body printed in the header and the signature (API.md `issuer`); empty: the
    # configured one (settings DANDANG["ISSUING_BODY"]).
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True, default="")
    title = models.CharField(_("标题"), max_length=200)
    # Free text printed before (preamble) and after (closing) the kind's own part.
    preamble = models.TextField(_("正文（导语）"), blank=True, default="")
    closing = models.TextField(_("正文（结语）"), blank=True, default="")
    cc = models.CharField(_("抄送"), max_length=300, blank=True, default="")

    # Sources, by kind: a 任前公示 lists its cadres (NoticeCadre); a tolerance decision names its
    # case; a clarification its clarification; a commendation its incentive records.
    case = models.ForeignKey(
        "fault_tolerance.Case", verbose_name=_("容错事项"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="notices")
    clarification = models.ForeignKey(
        "discipline.Clarification", verbose_name=_("澄清正名"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="notices")
    records = models.ManyToManyField(
        "incentives.IncentiveRecord", verbose_name=_("奖励记录"), blank=True, related_name="notices")
    # Whom it names, whatever its kind (filled from the sources): the cadres' pages link here,
    # and a cadre sees the published notices that name them.
    subjects = models.ManyToManyField(
        "cadres.Cadre", verbose_name=_("涉及干部"), blank=True, related_name="notices")

    # 任前公示: the disclosure period in working days from period_start (day one when it is a
    # working day); period_end is counted by core.workdays at publishing.
    period_start = models.DateField(_("公示开始日期"), null=True, blank=True)
    period_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), default=5)
    period_end = models.DateField(_("公示截止日期"), null=True, blank=True)

    corrects = models.ForeignKey(
        "self", verbose_name=_("更正的公告"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="corrections")

    # Set once, at publishing, never again. `numbering`: whose sequence the number is in (""
    # the deployment's, "body:<id>" an IssuingBody's).
    numbering = models.CharField(_("编号序列"), max_length=30, blank=True, default="")
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    document_number = models.CharField(_("文号"), max_length=60, blank=True, default="")
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    content = models.JSONField(_("发布内容"), null=True, blank=True)  # what was printed
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, default="", db_index=True)
    verification_code = models.CharField(  # noqa: DJ001 (NULL: unique among the published)
        _("验证码"), max_length=32, null=True, blank=True, unique=True)
    signed = models.BooleanField(_("已签章"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("起草人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDITED = ("kind", "state", "issuing_unit", "issuer", "title", "preamble", "closing", "cc", "case",
               "clarification", "period_start", "period_days", "period_end", "corrects",
               "document_number", "issued_on", "sha256", "verification_code", "signed")
    # What a draft's edit may change (services.notice_update); the rest is set by publishing.
    EDITABLE = ("title", "preamble", "closing", "cc", "case", "clarification", "period_start",
                "period_days", "corrects", "issuing_unit", "issuer")

    class Meta:
        verbose_name = _("公告")
        verbose_name_plural = _("公告")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["numbering", "kind", "year", "sequence"],
                                    name="notice_number_once_per_sequence"),
            models.CheckConstraint(
                condition=Q(state="draft") | (
                    Q(sequence__isnull=False) & Q(year__isnull=False) & ~Q(sha256="")
                    & Q(verification_code__isnull=False) & Q(issued_on__isnull=False)),
                name="notice_published_is_complete"),
            models.CheckConstraint(condition=Q(period_days__gte=1) & Q(period_days__lte=30),
                                   name="notice_period_days_range"),
        ]
        indexes = [models.Index(fields=["issuing_unit", "state"], name="notice_unit_state_idx")]

    def __str__(self) -> str:
        return self.document_number or f"{self.get_kind_display()}（{_('草稿')}）{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("notices:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class NoticeCadre(models.Model):
    """One proposed cadre on a 任前公示, in the order printed. The person's particulars (name,
    gender, birth, education, current post and since when) are read from the record when
    printed and frozen in Notice.content at publishing."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="entries")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT,
                              related_name="+")
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    proposed_post = models.CharField(_("拟任职务"), max_length=200)
    note = models.CharField(_("备注"), max_length=300, blank=True, default="")
    # 破格提拔: its reason is printed beside the cadre (e.g. 任职年限破格).
    exceptional_reason = models.CharField(_("破格提拔理由"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("公示对象")
        verbose_name_plural = _("公示对象")
        ordering = ["notice_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["notice", "cadre"],
                                               name="notice_cadre_once")]

    def __str__(self) -> str:
        return f"{self.cadre_id} → {self.proposed_post}"


class NoticeSequence(models.Model):
    """The last document number taken for a kind and year. Publishing locks this row, takes
    last + 1 and commits with the notice: gapless, never twice."""

    scope = models.CharField(max_length=30, blank=True, default="")  # Notice.numbering
    kind = models.CharField(max_length=20, choices=Notice.Kind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "kind", "year"],
                                               name="notice_sequence_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class NoticePdf(models.Model):
    """The published PDF's bytes, stored in the publishing transaction (a notice is published
    with its file or not at all). Kept apart so that lists never read it."""

    notice = models.OneToOneField(Notice, primary_key=True, on_delete=models.PROTECT,
                                  related_name="pdf")
    data = models.BinaryField()
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.notice_id} ({self.size} B)"
