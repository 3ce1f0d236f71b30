"""不适宜担任现职: the catalog of situations in which a cadre is unfit for the post, in four
groups (Zhangdian's 58 situations, Heshan's 15 typical behaviours such as 佛系, 躺平, 摆烂), and
the measures recorded with one: the yellow and red card warnings (红、黄牌警告) and the
adjustments 调离岗位 / 改任非领导职务 / 免职 / 降职. Such a record carries its situation
(IncentiveRecord.situation)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["UnfitSituation", "CARD_CODES", "ADJUSTMENT_CODES", "UNFIT_MEASURE_CODES"]

# The measure codes (models.catalog.Measure.code) a situation goes with. A card always names its
# situation; an adjustment does when it is recorded as 不适宜担任现职 (source `unfit`).
CARD_CODES = ("yellow_card", "red_card")
ADJUSTMENT_CODES = ("post_adjustment", "non_leading", "removal", "demotion")
UNFIT_MEASURE_CODES = CARD_CODES + ADJUSTMENT_CODES


class UnfitSituation(models.Model):
    """One situation of the catalog: a code, its group and its wording. Administrators edit the
    catalog; a situation already recorded is deactivated, never deleted."""

    class Group(models.TextChoices):
        POLITICAL = "political", _("政治上不守纪律和规矩")
        DUTY = "duty", _("工作上不能有效履职尽责")
        STYLE = "style", _("作风上不能实干担当")
        INTEGRITY = "integrity", _("为政上不清不廉")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    group = models.CharField(_("类别"), max_length=12, choices=Group.choices)
    name = models.CharField(_("情形"), max_length=120)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    AUDITED = ("code", "group", "name", "is_active", "order")

    class Meta:
        verbose_name = _("不适宜担任现职情形")
        verbose_name_plural = _("不适宜担任现职情形")
        ordering = ["group", "order", "code"]

    def __str__(self) -> str:
        return self.name
