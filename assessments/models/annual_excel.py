"""An Excel import of annual grades (年度考核结果导入): the record an import is audited on (one
run-level entry, core.audit.audit_run), and where a sheet waits between its preview and its
confirmation, or for the background job that saves a large one."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["AnnualImport"]


class AnnualImport(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待确认")  # uploaded and previewed, not saved
        RUNNING = "running", _("导入中")  # a background job saves it
        DONE = "done", _("已导入")
        FAILED = "failed", _("未导入")  # refused (row errors); nothing was saved

    # The sheet itself (it names cadres by whole ID number): kept only until it is saved or
    # refused, then deleted; name, size and SHA-256 stay.
    file = models.FileField(_("文件"), upload_to="assessments/imports/%Y/%m/", max_length=200,
                            blank=True, default="")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("年度考核导入")
        verbose_name_plural = _("年度考核导入")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_state_display()})"
