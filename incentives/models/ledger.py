"""激励台账: the tallied ledger, one row per cadre and year, each figure explained by its
entries. Written only by the tally (services.ledger), which replaces a scope's rows in one
transaction: readers see the old ledger or the new one, never a mix."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["LedgerRow"]


class LedgerRow(models.Model):
    """A cadre's year: positive, negative and net points, and `entries`, each naming the rule or
    record behind a figure (API.md): [{"kind": "rule" | "record", "code", "label", "points",
    "source"}] (+ "pending": true for a proposal not yet confirmed, which counts nothing)."""

    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("干部"), on_delete=models.CASCADE,
                              related_name="ledger_rows")
    year = models.PositiveSmallIntegerField(_("年度"))
    # The cadre's unit when tallied: a unit's rows are the sums over its subtree (unit__path).
    unit = models.ForeignKey("core.Unit", verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="+")
    positive = models.IntegerField(_("正向分"), default=0)
    negative = models.IntegerField(_("反向分"), default=0)
    net = models.IntegerField(_("净分"), default=0)
    entries = models.JSONField(_("明细"), default=list)
    rules_version = models.CharField(_("规则版本"), max_length=64, default="")
    tallied_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("激励台账")
        verbose_name_plural = _("激励台账")
        ordering = ["-year", "-net", "cadre_id"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="ledger_one_row_per_cadre_year"),
        ]
        indexes = [
            models.Index(fields=["year", "unit"], name="ledger_year_unit_idx"),
            models.Index(fields=["year", "net"], name="ledger_year_net_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.year} {self.net:+d}"
