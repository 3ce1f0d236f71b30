"""奖惩记录: a measure applied to a cadre or to a team (a unit), with its source."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["IncentiveRecord"]


class IncentiveRecord(models.Model):
    """A measure applied to a cadre or a team (exactly one), on a date, for a reason, from a
    source. A negative record resting on a tolerance case (`case`) never counts against a
    subject the case exempted (fault_tolerance: Case.protects_q)."""

    class Source(models.TextChoices):
        HAND = "hand", _("手工录入")
        ASSESSMENT = "assessment", _("考核结果")
        CASE = "case", _("容错认定")
        TIMELY_REWARD = "timely_reward", _("及时奖励")
        RULE = "rule", _("累加规则")
        UNFIT = "unfit", _("不适宜担任现职")

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="incentive_records")
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("班子（单位）"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="incentive_records")
    measure = models.ForeignKey(
        "incentives.Measure", verbose_name=_("措施"), on_delete=models.PROTECT, related_name="records")
    date = models.DateField(_("日期"))
    reason = models.TextField(_("事由"))
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.HAND)
    # What the source was, in words or as an object: a tolerance case, an assessment's proposal,
    # a timely reward (source_id is the id of the source's own row where it has one).
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    case = models.ForeignKey(
        "fault_tolerance.Case", verbose_name=_("所涉容错事项"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="incentive_records")
    document_number = models.CharField(_("文号"), max_length=60, blank=True, default="")
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    # 不适宜担任现职: the situation a card or an adjustment rests on (models.unfit).
    situation = models.ForeignKey(
        "incentives.UnfitSituation", verbose_name=_("不适宜担任现职情形"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="records")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED = ("cadre", "unit", "measure", "date", "reason", "source", "source_id", "case",
               "document_number", "amount", "situation")

    class Meta:
        verbose_name = _("奖惩记录")
        verbose_name_plural = _("奖惩记录")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(cadre__isnull=False) & Q(unit__isnull=True))
                | (Q(cadre__isnull=True) & Q(unit__isnull=False)),
                name="incentive_record_cadre_xor_unit"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="incentive_record_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["cadre", "date"], name="incentive_record_cadre_idx"),
            models.Index(fields=["unit", "date"], name="incentive_record_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre or self.unit} {self.measure} {self.date}"
