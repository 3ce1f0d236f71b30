"""平时考核 and 年度考核: a cadre's quarterly grades, their annual grade, and the 优秀 rates that
cap a unit's year (《公务员考核规定》, 2020)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["YEAR_VALIDATORS", "QuarterlyAssessment", "AnnualAssessment", "ExcellenceRate", "AnnualReview"]

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class QuarterlyAssessment(models.Model):
    """平时考核: one grade per cadre and quarter."""

    class Grade(models.TextChoices):
        GOOD = "good", _("好")
        FAIRLY_GOOD = "fairly_good", _("较好")
        AVERAGE = "average", _("一般")
        POOR = "poor", _("较差")

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT,
        related_name="quarterly_assessments",
    )
    # The unit the cadre was in when graded: a later transfer does not move the grade.
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("考核单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDITED = ("cadre", "unit", "year", "quarter", "grade")

    class Meta:
        verbose_name = _("平时考核")
        verbose_name_plural = _("平时考核")
        ordering = ["-year", "-quarter", "cadre_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "year", "quarter"], name="quarterly_one_per_cadre_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="quarterly_quarter_1_to_4"
            ),
        ]
        indexes = [models.Index(fields=["unit", "year"], name="quarterly_unit_year_idx")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.year}Q{self.quarter} {self.get_grade_display()}"


class AnnualAssessment(models.Model):
    """年度考核: one grade per cadre and year."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        COMPETENT = "competent", _("称职")
        BASICALLY_COMPETENT = "basically_competent", _("基本称职")
        INCOMPETENT = "incompetent", _("不称职")
        NOT_GRADED = "not_graded", _("不定等次")

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT,
        related_name="annual_assessments",
    )
    # The unit the cadre was in when graded: the 优秀 cap is counted per unit and year over this.
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("考核单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    grade = models.CharField(_("等次"), max_length=20, choices=Grade.choices)
    # 不定等次 during a 记过 or heavier sanction carries a comment only (评语).
    comment = models.TextField(_("评语"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDITED = ("cadre", "unit", "year", "grade", "comment")

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["-year", "cadre_id"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="annual_one_per_cadre_year"),
        ]
        indexes = [models.Index(fields=["unit", "year", "grade"], name="annual_unit_year_grade_idx")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.year} {self.get_grade_display()}"


class ExcellenceRate(models.Model):
    """The 优秀 rate of a unit or of a unit category, overriding DANDANG["EXCELLENT_RATE"]
    (Ningbo: 20% for township civil servants). A unit's own rate wins over its category's."""

    unit = models.OneToOneField(
        "core.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    category = models.CharField(_("考核类别"), max_length=30, blank=True, default="")
    rate = models.DecimalField(
        _("优秀比例"), max_digits=4, decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 到 1 之间的小数，如 0.20 表示 20%。"),
    )
    basis = models.CharField(_("依据"), max_length=200, blank=True, default="")

    AUDITED = ("unit", "category", "rate", "basis")

    class Meta:
        verbose_name = _("优秀比例")
        verbose_name_plural = _("优秀比例")
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(category=""))
                | (Q(unit__isnull=True) & ~Q(category="")),
                name="excellence_rate_unit_xor_category",
            ),
            models.UniqueConstraint(
                fields=["category"], condition=~Q(category=""), name="excellence_rate_one_per_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit or self.category} {self.rate}"


class AnnualReview(models.Model):
    """复核 and 申诉 of a 不称职 annual grade (《公务员法》第九十五条, 《公务员申诉规定》): the cadre
    may ask the body that graded them for a review (复核) within 30 days of learning the grade;
    against the review's result they may appeal (申诉) within 15 days of receiving it."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("已申请复核")
        REVIEWED = "reviewed", _("已作出复核决定")
        APPEALED = "appealed", _("已提出申诉")
        CLOSED = "closed", _("申诉已处理")

    class Action(models.TextChoices):
        REQUEST = "request", _("申请复核")
        DECIDE = "decide", _("作出复核决定")
        APPEAL = "appeal", _("提出申诉")
        DECIDE_APPEAL = "decide_appeal", _("作出申诉处理决定")

    class Result(models.TextChoices):
        UPHELD = "upheld", _("维持原等次")
        CHANGED = "changed", _("变更等次")

    # 公务员法 第九十五条: 复核 within thirty days of learning the decision; 申诉 within fifteen
    # days of receiving the review's decision.
    REQUEST_DAYS = 30
    APPEAL_DAYS = 15

    assessment = models.OneToOneField(
        AnnualAssessment, verbose_name=_("年度考核"), on_delete=models.PROTECT, related_name="review"
    )
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.REQUESTED)
    learned_on = models.DateField(_("知道考核结果日期"))
    requested_on = models.DateField(_("申请复核日期"))
    reason = models.TextField(_("复核理由"), blank=True, default="")
    decided_on = models.DateField(_("复核决定日期"), null=True, blank=True)
    result = models.CharField(_("复核结果"), max_length=10, choices=Result.choices, blank=True, default="")
    result_note = models.TextField(_("复核意见"), blank=True, default="")
    appealed_on = models.DateField(_("申诉日期"), null=True, blank=True)
    appeal_reason = models.TextField(_("申诉理由"), blank=True, default="")
    appeal_decided_on = models.DateField(_("申诉处理日期"), null=True, blank=True)
    appeal_result = models.CharField(
        _("申诉处理结果"), max_length=10, choices=Result.choices, blank=True, default=""
    )
    appeal_note = models.TextField(_("申诉处理意见"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDITED = ("assessment", "state", "learned_on", "requested_on", "reason", "decided_on", "result",
               "result_note", "appealed_on", "appeal_reason", "appeal_decided_on", "appeal_result",
               "appeal_note")

    class Meta:
        verbose_name = _("考核结果复核申诉")
        verbose_name_plural = _("考核结果复核申诉")
        ordering = ["-requested_on", "-id"]

    def __str__(self) -> str:
        return f"{self.assessment} {self.get_state_display()}"
