"""激励措施目录: the measures a record applies, each with its direction, kind and points."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Measure"]


class Measure(models.Model):
    """A reward or sanction measure. Points are a magnitude (0 to 100); the direction gives the
    sign in the ledger. Administrators edit the catalog (audited); a measure in use is never
    deleted, only made inactive."""

    class Direction(models.TextChoices):
        POSITIVE = "positive", _("正向激励")
        NEGATIVE = "negative", _("反向约束")

    class Kind(models.TextChoices):
        POLITICAL = "political", _("政治上关注")
        SPIRITUAL = "spiritual", _("精神上鼓舞")
        ECONOMIC = "economic", _("经济上奖励")
        LIFE = "life", _("生活上关心")
        ORGANIZATIONAL = "organizational", _("组织调整")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    points = models.PositiveSmallIntegerField(
        _("分值"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    description = models.TextField(_("说明"), blank=True, default="")
    is_active = models.BooleanField(_("启用"), default=True)

    AUDITED = ("code", "name", "direction", "kind", "points", "description", "is_active")

    class Meta:
        verbose_name = _("激励措施")
        verbose_name_plural = _("激励措施目录")
        ordering = ["direction", "kind", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def signed_points(self) -> int:
        return self.points if self.direction == self.Direction.POSITIVE else -self.points
