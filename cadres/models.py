"""Cadres and their appointments. Units (the tree scoping is about) live in core.models;
Unit is imported here so that `cadres.models.Unit` keeps working for the code above."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Unit

from . import idnumber
from .search import search_fields

__all__ = ["Appointment", "Cadre", "PostLevel", "Unit"]


class PostLevel(models.TextChoices):
    DEPARTMENT_CHIEF = "department_chief", _("正厅级")
    DEPARTMENT_DEPUTY = "department_deputy", _("副厅级")
    DIVISION_CHIEF = "division_chief", _("正处级")
    DIVISION_DEPUTY = "division_deputy", _("副处级")
    SECTION_CHIEF = "section_chief", _("正科级")
    SECTION_DEPUTY = "section_deputy", _("副科级")
    STAFF = "staff", _("科员")
    CLERK = "clerk", _("办事员")


class Cadre(models.Model):
    """干部: a cadre's record. The ID number is stored whole and shown masked."""

    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Status(models.TextChoices):
        ACTIVE = "active", _("在职")
        TRANSFERRED = "transferred", _("调离")
        RETIRED = "retired", _("退休")
        REMOVED = "removed", _("免职")

    class PoliticalStatus(models.TextChoices):
        CPC_MEMBER = "cpc_member", _("中共党员")
        CPC_PROBATIONARY = "cpc_probationary", _("中共预备党员")
        CYL_MEMBER = "cyl_member", _("共青团员")
        DEMOCRATIC_PARTY = "democratic_party", _("民主党派")
        MASSES = "masses", _("群众")

    class Education(models.TextChoices):
        DOCTORATE = "doctorate", _("博士研究生")
        MASTER = "master", _("硕士研究生")
        BACHELOR = "bachelor", _("大学本科")
        COLLEGE = "college", _("大学专科")
        SECONDARY = "secondary", _("中专及以下")

    class Tag(models.TextChoices):
        STANDOUT = "standout", _("出彩型")
        RED_FLAG = "red_flag", _("红旗标兵")

    name = models.CharField(_("姓名"), max_length=60, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族", blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    political_status = models.CharField(
        _("政治面貌"), max_length=20, choices=PoliticalStatus.choices, blank=True, default=""
    )
    education = models.CharField(
        _("学历"), max_length=20, choices=Education.choices, blank=True, default=""
    )
    unit = models.ForeignKey(Unit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="cadres")
    position_title = models.CharField(_("现任职务"), max_length=120, blank=True, default="")
    post_level = models.CharField(_("职务层次"), max_length=30, choices=PostLevel.choices)
    rank = models.CharField(_("职级"), max_length=40, blank=True, default="")
    rank_since = models.DateField(_("任现职级时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    is_reserve = models.BooleanField(_("后备干部"), default=False)
    is_representative = models.BooleanField(_("两代表一委员"), default=False)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    # The cadre's own login (the 干部本人 role). Held here, not on the user: core sits below
    # cadres and knows nothing of cadre records. `user.cadre` is the way back.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("本人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Derived from `name` on every save (cadres.search): one spelling, and its 1-3 character
    # pieces under a GIN index on PostgreSQL (migration 0003), so that 王 and 謝允崗 are fast.
    name_search = models.TextField(default="", editable=False)
    name_grams = models.JSONField(default=list, editable=False)

    AUDITED = (
        "name", "gender", "birth_date", "ethnicity", "id_number", "political_status", "education",
        "unit", "position_title", "post_level", "rank", "rank_since", "status", "is_reserve",
        "is_representative", "tags",
    )
    AUDIT_MASKED = {"id_number": idnumber.mask}

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ["unit_id", "name", "id"]
        indexes = [
            models.Index(fields=["unit", "name", "id"], name="cadre_unit_name_idx"),
            models.Index(fields=["post_level"], name="cadre_post_level_idx"),
            models.Index(fields=["status"], name="cadre_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "name" in update_fields:
            for field, value in search_fields(self.name).items():
                setattr(self, field, value)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "name_search", "name_grams"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cadres:cadre-detail", args=[self.pk])

    @property
    def id_number_masked(self) -> str:
        return idnumber.mask(self.id_number)


class Appointment(models.Model):
    """任职记录: a post a cadre held or holds."""

    class Kind(models.TextChoices):
        PROMOTION = "promotion", _("提拔")
        LATERAL = "lateral", _("平级交流")
        EXCEPTIONAL_PROMOTION = "exceptional_promotion", _("破格提拔")
        DEMOTION = "demotion", _("降职")
        REMOVAL = "removal", _("免职")
        NON_LEADING = "non_leading", _("改任非领导职务")
        REUSE = "reuse", _("重新使用")

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="appointments")
    unit = models.ForeignKey(Unit, verbose_name=_("任职单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("职务"), max_length=120)
    post_level = models.CharField(_("职务层次"), max_length=30, choices=PostLevel.choices)
    kind = models.CharField(_("任职类型"), max_length=30, choices=Kind.choices)
    is_main = models.BooleanField(_("主要职务"), default=True)
    start_date = models.DateField(_("任职开始"))
    end_date = models.DateField(_("任职结束"), null=True, blank=True)
    document_number = models.CharField(_("任职文号"), max_length=60, blank=True, default="")
    exceptional_reason = models.CharField(_("破格理由"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED = (
        "cadre", "unit", "title", "post_level", "kind", "is_main", "start_date", "end_date",
        "document_number", "exceptional_reason",
    )

    class Meta:
        verbose_name = _("任职记录")
        verbose_name_plural = _("任职记录")
        ordering = ["cadre_id", "start_date", "id"]
        # The appointment list shows the newest first: without this it sorts the whole table.
        indexes = [models.Index(fields=["-start_date", "-id"], name="appointment_newest_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                name="appointment_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind="exceptional_promotion") | ~Q(exceptional_reason=""),
                name="appointment_exceptional_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.title}"
