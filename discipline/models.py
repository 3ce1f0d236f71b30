"""纪律与澄清: sanctions (处分) with their effect periods (公务员法 §64), the re-use of a
disciplined cadre (重新使用), clarifications of untrue reports (澄清正名) and the dishonesty
list (失信黑名单). Moved out of fault_tolerance, which sits above this app; the tables keep
their fault_tolerance_* names and every row."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cadres import idnumber


class Clarification(models.Model):
    """澄清正名: a report against a cadre found untrue, closed with a clarification."""

    class Manner(models.TextChoices):
        WRITTEN = "written", _("书面")
        MEETING = "meeting", _("会议")
        IN_PERSON = "in_person", _("当面")
        CIRCULAR = "circular", _("通报")

    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("干部"),
        on_delete=models.PROTECT,
        related_name="clarifications",
    )
    report_summary = models.TextField(_("举报内容摘要"))
    finding = models.TextField(_("核查结论"))
    manner = models.CharField(_("澄清方式"), max_length=10, choices=Manner.choices)
    clarified_on = models.DateField(_("澄清日期"))
    follow_up_on = models.DateField(_("回访日期"), null=True, blank=True)
    malicious = models.BooleanField(_("诬告陷害"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED = (
        "cadre",
        "report_summary",
        "finding",
        "manner",
        "clarified_on",
        "follow_up_on",
        "malicious",
    )

    class Meta:
        db_table = "fault_tolerance_clarification"  # moved from fault_tolerance with its rows
        verbose_name = _("澄清正名")
        verbose_name_plural = _("澄清正名")
        ordering = ["-clarified_on", "-id"]

    def __str__(self) -> str:
        return f"{self.cadre} {self.clarified_on}"

    def get_absolute_url(self) -> str:
        return reverse("discipline:clarification-detail", args=[self.pk])


class DishonestyEntry(models.Model):
    """失信黑名单: a person found to have made a malicious false accusation. Administrators only."""

    name = models.CharField(_("姓名"), max_length=60)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, default="")
    detail = models.TextField(_("情况说明"), blank=True, default="")
    clarification = models.OneToOneField(
        Clarification,
        verbose_name=_("澄清记录"),
        on_delete=models.PROTECT,
        related_name="dishonesty_entry",
    )
    listed_on = models.DateField(_("列入日期"))

    AUDITED = ("name", "id_number", "detail", "clarification", "listed_on")
    AUDIT_MASKED = {"id_number": idnumber.mask}

    class Meta:
        db_table = "fault_tolerance_dishonestyentry"  # moved from fault_tolerance with its rows
        verbose_name = _("失信黑名单")
        verbose_name_plural = _("失信黑名单")
        ordering = ["-listed_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Sanction(models.Model):
    """处分: a disciplinary sanction, with its effect period from 公务员法 §64."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("警告")
        DEMERIT = "demerit", _("记过")
        MAJOR_DEMERIT = "major_demerit", _("记大过")
        DEMOTION = "demotion", _("降级")
        DISMISSAL = "dismissal_from_post", _("撤职")
        EXPULSION = "expulsion", _("开除")
        ADMONISHMENT = "admonishment", _("诫勉")

    # 公务员法 第六十四条: 警告六个月；记过十二个月；记大过十八个月；降级、撤职二十四个月。
    # 诫勉 is not a 处分 but bars promotion for six months (《关于对党员领导干部进行诫勉的规定》).
    # 开除 ends the post for good: no effect period runs out, and no re-use follows it.
    EFFECT_MONTHS = {
        Kind.WARNING: 6,
        Kind.DEMERIT: 12,
        Kind.MAJOR_DEMERIT: 18,
        Kind.DEMOTION: 24,
        Kind.DISMISSAL: 24,
        Kind.ADMONISHMENT: 6,
    }

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="sanctions"
    )
    kind = models.CharField(_("处分种类"), max_length=20, choices=Kind.choices)
    decided_on = models.DateField(_("处分决定日期"))
    document_number = models.CharField(_("处分文号"), max_length=60, blank=True, default="")
    reason = models.TextField(_("处分事由"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED = ("cadre", "kind", "decided_on", "document_number", "reason")

    class Meta:
        db_table = "fault_tolerance_sanction"  # moved from fault_tolerance with its rows
        verbose_name = _("处分")
        verbose_name_plural = _("处分")
        ordering = ["cadre_id", "-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_kind_display()} {self.decided_on}"

    def get_absolute_url(self) -> str:
        return (
            reverse("discipline:cadre-sanctions", args=[self.cadre_id])
            + f"#sanction-{self.pk}"
        )

    @property
    def effect_ends_on(self) -> dt.date | None:
        """The last day of the effect period: N months from the decision, the day before the
        same day of the month N months later (a period from 1 May ends on 30 April). None for
        开除, whose effect never ends."""
        months = self.EFFECT_MONTHS.get(self.kind)
        if months is None:
            return None
        return add_months(self.decided_on, months) - dt.timedelta(days=1)

    def in_effect_on(self, day: dt.date) -> bool:
        end = self.effect_ends_on
        return end is None or day <= end


class Reuse(models.Model):
    """重新使用: a re-use appointment and the sanction it follows."""

    sanction = models.ForeignKey(
        Sanction, verbose_name=_("处分"), on_delete=models.PROTECT, related_name="reuses"
    )
    appointment = models.OneToOneField(
        "cadres.Appointment",
        verbose_name=_("任职记录"),
        on_delete=models.CASCADE,
        related_name="reuse",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "fault_tolerance_reuse"  # moved from fault_tolerance with its rows
        verbose_name = _("重新使用")
        verbose_name_plural = _("重新使用")

    def __str__(self) -> str:
        return f"{self.appointment} ← {self.sanction}"


def add_months(day: dt.date, months: int) -> dt.date:
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
