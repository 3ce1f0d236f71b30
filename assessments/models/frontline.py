"""一线考察 (frontline inspection): cadres attached to a key project (重点工程) are followed by
the 四个一 cadence, each a dated record: a daily report (日报告), a weekly check (周检查), a
monthly circular (月通报) and a quarterly review (季评议). Outcomes: the 红旗标兵 tag and entry
to the reserve list (models/evaluation.py, ReserveListEntry, source frontline).

Which cadences are overdue is computed, never stored (selectors/frontline.py)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

__all__ = ["Cadence", "FrontlineProject", "FrontlineAssignment", "FrontlineRecord"]


class Cadence(models.TextChoices):
    """The 四个一, shortest first."""

    DAILY = "daily", _("日报告")
    WEEKLY = "weekly", _("周检查")
    MONTHLY = "monthly", _("月通报")
    QUARTERLY = "quarterly", _("季评议")


class FrontlineProject(models.Model):
    """重点工程: a key project in a unit, open from start_date to end_date (empty: still running)."""

    name = models.CharField(_("工程名称"), max_length=120)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("开工日期"))
    end_date = models.DateField(_("完工日期"), null=True, blank=True)
    description = models.TextField(_("简介"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED = ("name", "unit", "start_date", "end_date", "description")

    class Meta:
        verbose_name = _("重点工程")
        verbose_name_plural = _("重点工程")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="frontline_project_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assessments:frontline-project-detail", args=[self.pk])


class FrontlineAssignment(models.Model):
    """A cadre attached to a project from a date (一线考察对象)."""

    project = models.ForeignKey(
        FrontlineProject, verbose_name=_("重点工程"), on_delete=models.CASCADE, related_name="assignments"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="frontline_assignments"
    )
    attached_on = models.DateField(_("参加日期"))

    AUDITED = ("project", "cadre", "attached_on")

    class Meta:
        verbose_name = _("一线考察对象")
        verbose_name_plural = _("一线考察对象")
        ordering = ["project_id", "attached_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "cadre"], name="frontline_assignment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.cadre}"


class FrontlineRecord(models.Model):
    """One dated 四个一 record of a cadre on a project; one per cadre, cadence and date."""

    project = models.ForeignKey(
        FrontlineProject, verbose_name=_("重点工程"), on_delete=models.PROTECT, related_name="records"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="frontline_records"
    )
    cadence = models.CharField(_("类别"), max_length=10, choices=Cadence.choices)
    date = models.DateField(_("日期"))
    content = models.TextField(_("内容"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED = ("project", "cadre", "cadence", "date", "content")

    class Meta:
        verbose_name = _("一线考察记录")
        verbose_name_plural = _("一线考察记录")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "cadre", "cadence", "date"], name="frontline_record_once_a_day"
            ),
        ]
        indexes = [models.Index(fields=["project", "cadence", "date"], name="frontline_record_due_idx")]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_cadence_display()} {self.date}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:frontline-project-detail", args=[self.project_id])
