"""民主测评: a round of democratic appraisal of a unit's cadres and team, its one-time ballot
codes and the ballots cast with them.

Unlinkability (DOMAIN.md: "nothing links a ballot to a code after it is cast"):
- a code is stored only as a keyed hash (HMAC-SHA256 under SECRET_KEY, services/appraisal.py)
  and a `used` flag: no time it was used;
- a ballot has no reference to its code, no timestamp, and a random primary key (uuid4), so
  neither its id nor any ordering of ballots follows the order codes were used in;
- casting writes no audit entry (an entry carries a time); the round's counter is audited
  once, when the round is sealed (services.appraisal_seal);
- what the database itself keeps beside the columns (PostgreSQL's xmin: the transaction that
  wrote a row; the physical order of rows) would tie a ballot to its code's update while the
  round is open; sealing rewrites every ballot and code of the round in one transaction in a
  shuffled order, which gives them all the same xmin and a new physical order.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .annual import YEAR_VALIDATORS

__all__ = ["AppraisalRound", "AppraisalCode", "AppraisalBallot", "AppraisalMark", "Rating"]


class Rating(models.TextChoices):
    """A voter's rating of a cadre or of the team."""

    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    AVERAGE = "average", _("一般")
    POOR = "poor", _("差")


class AppraisalRound(models.Model):
    """民主测评: one round for a unit; the cadres rated are fixed when it is opened."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("年度民主测评")
        POST_ELECTION = "post_election", _("换届后民主测评")

    class HistoryAction(models.TextChoices):
        OPEN = "open", _("发起测评")
        SEAL = "seal", _("封存计票")

    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    kind = models.CharField(_("测评类型"), max_length=20, choices=Kind.choices)
    closes_at = models.DateTimeField(_("截止时间"))
    voters = models.PositiveIntegerField(_("测评票数"))
    cadres = models.ManyToManyField(
        "cadres.Cadre", verbose_name=_("测评干部"), related_name="+", blank=True
    )
    # Counted by the conditional update that casts a ballot: turnout without counting rows.
    ballots_cast = models.PositiveIntegerField(_("已投票数"), default=0)
    sealed = models.BooleanField(_("已封存"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED = ("unit", "year", "kind", "closes_at", "voters", "cadres")

    class Meta:
        verbose_name = _("民主测评")
        verbose_name_plural = _("民主测评")
        ordering = ["-closes_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(voters__gte=1), name="appraisal_round_voters_min"),
        ]
        indexes = [models.Index(fields=["unit", "year"], name="appraisal_unit_year_idx")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:appraisal-detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return timezone.now() >= self.closes_at

    @property
    def turnout(self) -> float:
        return self.ballots_cast / self.voters if self.voters else 0.0


class AppraisalCode(models.Model):
    """A one-time ballot code, kept only as its keyed hash: whoever reads this table cannot
    vote with it. `used` and nothing else records that it has voted."""

    round = models.ForeignKey(
        AppraisalRound, verbose_name=_("民主测评"), on_delete=models.CASCADE, related_name="+"
    )
    code_hash = models.CharField(_("测评码摘要"), max_length=64, unique=True)
    used = models.BooleanField(_("已使用"), default=False)

    class Meta:
        verbose_name = _("测评码")
        verbose_name_plural = _("测评码")

    def __str__(self) -> str:
        return f"{self.round_id}:{self.code_hash[:8]}"


class AppraisalBallot(models.Model):
    """One ballot: the team's rating here, each cadre's in AppraisalMark. No code, no time, a
    random id (see the module's docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        AppraisalRound, verbose_name=_("民主测评"), on_delete=models.CASCADE, related_name="ballots"
    )
    team = models.CharField(_("班子评价"), max_length=12, choices=Rating.choices)

    class Meta:
        verbose_name = _("测评票")
        verbose_name_plural = _("测评票")

    def __str__(self) -> str:
        return str(self.id)


class AppraisalMark(models.Model):
    """A ballot's rating of one cadre."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(AppraisalBallot, on_delete=models.CASCADE, related_name="marks")
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices)

    class Meta:
        verbose_name = _("测评评价")
        verbose_name_plural = _("测评评价")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "cadre"], name="appraisal_mark_one_per_cadre"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.rating}"
