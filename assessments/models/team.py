"""班子年度考核: a unit's leadership team graded 好 / 较好 / 一般 / 差 (with an optional score),
ranked among the units of its category, and Heshan's 末位倒逼: the bottom of a category each
year triggers a measure for the unit's principal leaders (谈话提醒, then 诫勉谈话, then 岗位调整
while it stays at the bottom), proposed here and confirmed or dismissed by staff.

The ranking group. A unit is ranked among the units of the same category (core.Unit.category)
assessed by the same jurisdiction in the same year: the jurisdiction is the unit's parent
(鹤山市 ranks its towns and departments; Jinan's streets are not ranked with Heshan's towns,
though they share the category). Both are copied onto the grade when it is entered, as
AnnualAssessment copies the unit: a later move of the unit does not move its past ranks.

`rank`, `bottom_streak` and `escalation` are derived (services.team.team_recompute), never
entered: see selectors.team for the rules."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .annual import YEAR_VALIDATORS

__all__ = ["TeamAssessment", "TeamMeasureProposal"]


class TeamAssessment(models.Model):
    """班子年度考核: one grade per unit and year."""

    class Grade(models.TextChoices):
        GOOD = "good", _("好")
        FAIRLY_GOOD = "fairly_good", _("较好")
        AVERAGE = "average", _("一般")
        POOR = "poor", _("差")

    class Escalation(models.TextChoices):
        """The measure the bottom of a category triggers, by consecutive years at the bottom."""

        TALK_REMINDER = "talk_reminder", _("谈话提醒")  # first year at the bottom
        ADMONISHMENT = "admonishment", _("诫勉谈话")  # second consecutive year
        POST_ADJUSTMENT = "post_adjustment", _("岗位调整")  # third and every later year

    class HistoryAction(models.TextChoices):
        RECOMPUTE = "recompute", _("重新计算排名")

    # Better grades first: the ranking's first key.
    GRADE_ORDER = {"good": 0, "fairly_good": 1, "average": 2, "poor": 3}

    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="team_assessments",
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices)
    score = models.DecimalField(
        _("得分"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    # The ranking group, copied from the unit when graded (see the module's docstring).
    category = models.CharField(_("考核类别"), max_length=30, editable=False)
    jurisdiction = models.ForeignKey(
        "core.Unit",
        verbose_name=_("考核主体"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Derived by services.team.team_recompute.
    rank = models.PositiveSmallIntegerField(_("排名"), null=True, blank=True, editable=False)
    bottom_streak = models.PositiveSmallIntegerField(_("连续末位年数"), default=0, editable=False)
    escalation = models.CharField(
        _("末位措施"),
        max_length=20,
        choices=Escalation.choices,
        blank=True,
        default="",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDITED = ("unit", "year", "grade", "score", "category", "jurisdiction")

    class Meta:
        verbose_name = _("班子年度考核")
        verbose_name_plural = _("班子年度考核")
        ordering = ["-year", "category", "rank", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="team_one_per_unit_year"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="team_score_0_to_100",
            ),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "category", "year"], name="team_group_year_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.get_grade_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("assessments:team-ranking") + (f"?category={self.category}&year={self.year}")


class TeamMeasureProposal(models.Model):
    """A measure (谈话提醒 / 诫勉谈话 / 岗位调整) proposed for one principal leader of a unit
    whose team sits at the bottom of its category. Staff confirm or dismiss it; a confirmed one
    becomes an incentive record: assessments sends signals.team_measure_confirmed and the
    incentives app (the layer above) records it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")  # proposed by the recompute, awaiting staff
        CONFIRMED = "confirmed", _("已确认")  # confirmed by staff: becomes an incentive record
        DISMISSED = "dismissed", _("不予采纳")  # dismissed by staff, with a reason
        WITHDRAWN = "withdrawn", _("已撤回")  # a regrade removed its basis before anyone decided

    class HistoryAction(models.TextChoices):
        CONFIRM = "confirm", _("确认")
        DISMISS = "dismiss", _("不予采纳")
        WITHDRAW = "withdraw", _("撤回（依据已不存在）")
        REOPEN = "reopen", _("恢复待确认")
        BASIS_LOST = "basis_lost", _("标记：依据已不存在")
        BASIS_RESTORED = "basis_restored", _("标记解除：依据恢复")

    # The only moves staff make; the recompute's own moves (withdraw, reopen) are in services.
    TRANSITIONS = {
        (Status.PENDING, "confirm"): Status.CONFIRMED,
        (Status.PENDING, "dismiss"): Status.DISMISSED,
    }

    assessment = models.ForeignKey(
        TeamAssessment,
        verbose_name=_("班子考核"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("主要负责人"),
        on_delete=models.PROTECT,
        related_name="team_measure_proposals",
    )
    measure = models.CharField(_("措施"), max_length=20, choices=TeamAssessment.Escalation.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    # A confirmed proposal whose basis a regrade removed: flagged for staff, never deleted.
    basis_lost = models.BooleanField(_("依据已不存在"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    dismiss_reason = models.TextField(_("不予采纳理由"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED = ("assessment", "cadre", "measure", "status", "basis_lost", "dismiss_reason")

    class Meta:
        verbose_name = _("末位措施建议")
        verbose_name_plural = _("末位措施建议")
        ordering = ["-assessment__year", "assessment__unit_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "cadre", "measure"], name="team_proposal_once"
            ),
        ]
        indexes = [models.Index(fields=["status"], name="team_proposal_status_idx")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_measure_display()}（{self.assessment.unit} {self.assessment.year}）"
