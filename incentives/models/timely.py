"""及时奖励: a nomination of a cadre or a team under one of the six conditions, approved by
someone other than its nominator, which then records the reward (an incentive record of source
`timely_reward`), or rejected with a reason."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

__all__ = ["TimelyReward"]


class TimelyReward(models.Model):
    class Condition(models.TextChoices):
        # Heshan's 公务员及时奖励实施办法: six conditions (DOMAIN.md; the 鹤山 report).
        MAJOR_PROJECT = "major_project", _("推动重大项目落地")
        ECONOMIC_CONTRIBUTION = "economic_contribution", _("为经济发展、产业振兴作出重大贡献")
        EMERGENCY = "emergency", _("在抢险救灾、应急处置等急难险重任务中表现突出")
        KEY_TASK = "key_task", _("圆满完成中心工作、重大专项任务")
        REFORM_INNOVATION = "reform_innovation", _("改革创新取得突破、经验被推广")
        HONOR = "honor", _("为本地区争得重大荣誉")

    class State(models.TextChoices):
        NOMINATED = "nominated", _("已提名")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    class HistoryAction(models.TextChoices):
        APPROVE = "approve", _("批准")
        REJECT = "reject", _("不予批准")

    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("干部"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="timely_rewards")
    unit = models.ForeignKey("core.Unit", verbose_name=_("集体（单位）"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="timely_rewards")
    condition = models.CharField(_("奖励情形"), max_length=24, choices=Condition.choices)
    reason = models.TextField(_("事迹"))
    measure = models.ForeignKey("incentives.Measure", verbose_name=_("奖励措施"),
                                on_delete=models.PROTECT, related_name="timely_rewards")
    date = models.DateField(_("提名日期"))
    document_number = models.CharField(_("文号"), max_length=60, blank=True, default="")
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2, null=True,
                                 blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices,
                             default=State.NOMINATED)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提名人"),
                                     on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    rejection_reason = models.TextField(_("不予批准理由"), blank=True, default="")
    record = models.OneToOneField("incentives.IncentiveRecord", verbose_name=_("奖惩记录"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="timely_reward")
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED = ("cadre", "unit", "condition", "reason", "measure", "date", "document_number",
               "amount", "state", "decided_by", "decided_on", "rejection_reason", "record")

    class Meta:
        verbose_name = _("及时奖励")
        verbose_name_plural = _("及时奖励")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(cadre__isnull=False) & Q(unit__isnull=True))
                | (Q(cadre__isnull=True) & Q(unit__isnull=False)),
                name="timely_reward_cadre_xor_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre or self.unit} {self.get_condition_display()}"

    def get_absolute_url(self) -> str:
        return reverse("incentives:timely-detail", args=[self.pk])

    @property
    def subject(self):
        return self.cadre or self.unit

    @property
    def subject_unit(self):
        return self.cadre.unit if self.cadre_id else self.unit
