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
    # That unit's path (core.Unit.path) when tallied, so a subtree's rows are one index range
    # (year, unit_path): written by the tally, re-pathed set-wise when a unit moves
    # (incentives.receivers.repath_ledger on cadres.signals.unit_moved).
    unit_path = models.CharField(_("单位路径"), max_length=255, default="", editable=False)
    positive = models.IntegerField(_("正向分"), default=0)
    negative = models.IntegerField(_("反向分"), default=0)
    net = models.IntegerField(_("净分"), default=0)
    entries = models.JSONField(_("明细"), default=list)
    # A digest of the entries as the tally staged them (PostgreSQL: a hash of each entry,
    # combined; SQLite: md5 of their text): the next tally compares rows by it.
    entries_digest = models.CharField(_("明细摘要"), max_length=32, default="", editable=False)
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
            # The API's order within a year (-net, cadre_id): its first page reads 50 entries.
            models.Index(fields=["year", "-net", "cadre"], name="ledger_year_net_cadre_idx"),
            # A unit's subtree in a year: a prefix range of unit_path.
            models.Index(fields=["year", "unit_path"], name="ledger_year_unit_path_idx",
                         opclasses=["int2_ops", "varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.year} {self.net:+d}"

    def save(self, *args, **kwargs):
        # The tally writes unit_path in SQL; a row saved one at a time (the demo, fixtures)
        # takes its unit's path here.
        if self.unit_id and not self.unit_path:
            from core.models import Unit

            self.unit_path = Unit.objects.filter(pk=self.unit_id).values_list(
                "path", flat=True).first() or ""
        super().save(*args, **kwargs)
