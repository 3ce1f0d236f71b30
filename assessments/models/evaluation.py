"""换届后评估 (post-election evaluation) and the 干部推荐参考名单 (reserve list).

A round (EvaluationRound) is opened for a unit after an election; each evaluation in it is of a
team (a unit's 班子) or of a cadre, never both, scored on six dimensions 0–100. The total is not
stored: it is the weighted mean of the six under DANDANG["EVALUATION_WEIGHTS"]
(selectors/evaluation.py computes it in SQL, so a change of weights re-ranks every round alike).
Every dimension reads "higher is better": 问题 (problems) scores 100 when no problem was found
and less the more and graver the problems, so the six add up in one direction.

Confirmed cadres from a round's shortlist join the reserve list (ReserveListEntry), as do
cadres named from a frontline project (models/frontline.py)."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .annual import YEAR_VALIDATORS

__all__ = [
    "EVALUATION_DIMENSIONS", "evaluation_weights", "check_evaluation_weights", "EvaluationRound",
    "PostElectionEvaluation", "ReserveListEntry",
]

# The six dimensions in the order of DANDANG["EVALUATION_WEIGHTS"].
EVALUATION_DIMENSIONS = ("political", "operation", "professional", "structure", "performance", "problems")

SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def evaluation_weights() -> tuple[Decimal, ...]:
    """DANDANG["EVALUATION_WEIGHTS"] checked: six non-negative numbers with a positive sum.
    Raises ImproperlyConfigured otherwise (also reported by `manage.py check`)."""
    raw = settings.DANDANG.get("EVALUATION_WEIGHTS", [1] * len(EVALUATION_DIMENSIONS))
    try:
        weights = tuple(Decimal(str(w)) for w in raw)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ImproperlyConfigured("DANDANG['EVALUATION_WEIGHTS'] must be six numbers") from exc
    if len(weights) != len(EVALUATION_DIMENSIONS):
        raise ImproperlyConfigured(
            f"DANDANG['EVALUATION_WEIGHTS'] needs {len(EVALUATION_DIMENSIONS)} weights "
            f"({', '.join(EVALUATION_DIMENSIONS)}), got {len(weights)}"
        )
    if any(not w.is_finite() or w < 0 for w in weights) or sum(weights) <= 0:
        raise ImproperlyConfigured(
            "DANDANG['EVALUATION_WEIGHTS'] must be non-negative with a positive sum"
        )
    return weights


@checks.register(checks.Tags.compatibility)
def check_evaluation_weights(app_configs=None, **kwargs):
    try:
        evaluation_weights()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="assessments.E001")]
    return []


def _score(label):
    return models.DecimalField(label, max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS)


class EvaluationRound(models.Model):
    """换届后评估轮次: the evaluations of one unit's bodies and cadres after an election."""

    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=120)
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    held_on = models.DateField(_("评估日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED = ("unit", "name", "year", "held_on")

    class Meta:
        verbose_name = _("换届后评估轮次")
        verbose_name_plural = _("换届后评估轮次")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "name"], name="evaluation_round_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:evaluation-round-detail", args=[self.pk])


class PostElectionEvaluation(models.Model):
    """换届后评估: one team's or one cadre's six scores in a round."""

    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("评估轮次"), on_delete=models.PROTECT, related_name="evaluations"
    )
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("班子（单位）"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="post_election_evaluations",
    )
    political = _score(_("政治"))
    operation = _score(_("运行"))
    professional = _score(_("专业"))
    structure = _score(_("结构"))
    performance = _score(_("实绩"))
    problems = _score(_("问题"))
    # The shortlist (出彩型): who confirmed this cadre onto it, and when; empty until then.
    shortlisted_at = models.DateTimeField(_("入选时间"), null=True, blank=True)
    shortlisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED = ("round", "unit", "cadre", *EVALUATION_DIMENSIONS)

    class Meta:
        verbose_name = _("换届后评估")
        verbose_name_plural = _("换届后评估")
        ordering = ["round_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(cadre__isnull=True))
                | (Q(unit__isnull=True) & Q(cadre__isnull=False)),
                name="evaluation_unit_xor_cadre",
            ),
            models.UniqueConstraint(
                fields=["round", "cadre"], condition=Q(cadre__isnull=False),
                name="evaluation_one_per_round_cadre",
            ),
            models.UniqueConstraint(
                fields=["round", "unit"], condition=Q(unit__isnull=False),
                name="evaluation_one_per_round_unit",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 0, f"{name}__lte": 100}),
                    name=f"evaluation_{name}_0_100",
                )
                for name in EVALUATION_DIMENSIONS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.subject_name}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:evaluation-detail", args=[self.pk])

    @property
    def subject_name(self) -> str:
        return self.cadre.name if self.cadre_id else self.unit.name

    @property
    def scores(self) -> list:
        return [getattr(self, name) for name in EVALUATION_DIMENSIONS]


class ReserveListEntry(models.Model):
    """干部推荐参考名单: a cadre put forward from an evaluation shortlist or a frontline project.
    One entry per cadre and source object, so confirming twice adds nothing."""

    class Source(models.TextChoices):
        EVALUATION = "evaluation", _("换届后评估出彩型")
        FRONTLINE = "frontline", _("一线考察")

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="reserve_list_entries"
    )
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    evaluation = models.ForeignKey(
        PostElectionEvaluation, verbose_name=_("换届后评估"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="reserve_entries",
    )
    project = models.ForeignKey(
        "assessments.FrontlineProject", verbose_name=_("重点工程"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="reserve_entries",
    )
    listed_on = models.DateField(_("列入日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("列入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED = ("cadre", "source", "evaluation", "project", "listed_on", "note")

    class Meta:
        verbose_name = _("干部推荐参考名单")
        verbose_name_plural = _("干部推荐参考名单")
        ordering = ["-listed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(source="evaluation") & Q(evaluation__isnull=False) & Q(project__isnull=True))
                | (Q(source="frontline") & Q(evaluation__isnull=True) & Q(project__isnull=False)),
                name="reserve_entry_source_object",
            ),
            models.UniqueConstraint(
                fields=["cadre", "evaluation"], condition=Q(evaluation__isnull=False),
                name="reserve_entry_once_per_evaluation",
            ),
            models.UniqueConstraint(
                fields=["cadre", "project"], condition=Q(project__isnull=False),
                name="reserve_entry_once_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_source_display()} {self.listed_on}"

    @property
    def source_object(self):
        return self.evaluation if self.source == self.Source.EVALUATION else self.project
