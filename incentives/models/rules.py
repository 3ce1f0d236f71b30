"""累加规则: accumulation rules as versioned data, and the proposals of the rules that need a
person's decision (辞退, 降级: a proposal, never a final act)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["AccumulationRule", "RuleProposal"]


class AccumulationRule(models.Model):
    """One version of a rule: a kind with parameters, the measure it applies, its readable label
    (e.g. 连续三年优秀，记三等功) and whether a person must confirm it. Administrators change the
    parameters, which makes a new version (the old ones stay, for the ledgers tallied on them);
    exactly one version of a code is current."""

    class Kind(models.TextChoices):
        GRADE_IN_YEAR = "grade_in_year", _("年度考核等次")
        STREAK = "streak", _("连续年度等次")
        TEAM_GRADE = "team_grade", _("班子考核等次")
        BOTTOM_ESCALATION = "bottom_escalation", _("末位升级")
        SANCTION_BLOCK = "sanction_block", _("处分期内不得正向激励")

    code = models.SlugField(_("代码"), max_length=40)
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_current = models.BooleanField(_("现行版本"), default=True)
    kind = models.CharField(_("规则类型"), max_length=20, choices=Kind.choices)
    # e.g. {"grade": "excellent"}, {"grade": "excellent", "years": 3}, {"grade": "good"},
    # {"escalation": "admonishment"}, {"kinds": ["demerit", ...]}: checked per kind.
    params = models.JSONField(_("参数"), default=dict, blank=True)
    measure = models.ForeignKey(
        "incentives.Measure", verbose_name=_("措施"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="rules")
    label = models.CharField(_("说明"), max_length=120)
    needs_confirmation = models.BooleanField(_("须人工确认"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED = ("code", "version", "is_current", "kind", "params", "measure", "label",
               "needs_confirmation")

    class Meta:
        verbose_name = _("累加规则")
        verbose_name_plural = _("累加规则")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="rule_code_version_unique"),
            models.UniqueConstraint(fields=["code"], condition=Q(is_current=True),
                                    name="rule_one_current_version"),
        ]

    def __str__(self) -> str:
        return f"{self.label} (v{self.version})"


class RuleProposal(models.Model):
    """What a rule that needs a decision proposes for a cadre (or a team) and year: pending in
    the ledger until staff confirm it (an incentive record is made) or dismiss it (with a
    reason)."""

    class State(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        DISMISSED = "dismissed", _("不予采纳")

    rule = models.ForeignKey(AccumulationRule, verbose_name=_("规则"), on_delete=models.PROTECT,
                             related_name="proposals")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT,
                              related_name="rule_proposals")
    year = models.PositiveSmallIntegerField(_("年度"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    reason = models.TextField(_("不予采纳理由"), blank=True, default="")
    record = models.OneToOneField(
        "incentives.IncentiveRecord", verbose_name=_("奖惩记录"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="proposal")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED = ("rule", "cadre", "year", "state", "reason", "record")

    class Meta:
        verbose_name = _("规则建议")
        verbose_name_plural = _("规则建议")
        ordering = ["-year", "cadre_id", "rule_id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "cadre", "year"], name="rule_proposal_once"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.year} {self.rule.label}"
