"""Reads: 民主测评 rounds the user may see, and a closed round's results."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import Http404

from .. import permissions
from ..models import AppraisalBallot, AppraisalMark, AppraisalRound, Rating


def appraisal_list(*, user, filters: dict | None = None) -> QuerySet[AppraisalRound]:
    """Rounds of the units the user may see, newest closing first."""
    qs = AppraisalRound.objects.filter(permissions.appraisal_visible_q(user)).select_related("unit")
    filters = filters or {}
    if filters.get("unit"):
        qs = qs.filter(unit=filters["unit"])
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    return qs


def appraisal_get(*, user, pk) -> AppraisalRound:
    """One round the user may see; Http404 otherwise (missing and out of scope alike)."""
    try:
        return appraisal_list(user=user).get(pk=pk)
    except (AppraisalRound.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def rating_scores() -> dict[str, int]:
    """The score of each rating (DANDANG["APPRAISAL_SCORES"]: 好, 较好, 一般, 差)."""
    return dict(zip(Rating.values, settings.DANDANG["APPRAISAL_SCORES"], strict=True))


@dataclass
class Tally:
    """Counts of each rating, the ballots counted and the weighted score (mean of the ratings'
    scores; None without ballots)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Rating.values, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def score(self) -> float | None:
        if not self.total:
            return None
        scores = rating_scores()
        return round(sum(scores[r] * n for r, n in self.counts.items()) / self.total, 2)

    def as_dict(self) -> dict:
        return {"counts": dict(self.counts), "ballots": self.total, "score": self.score}


@dataclass
class Results:
    round: AppraisalRound
    team: Tally
    cadres: list[tuple[object, Tally]]  # (cadre, tally) in the order of the round's cadres

    @property
    def turnout(self) -> float:
        return self.round.turnout


def appraisal_results(*, appraisal_round: AppraisalRound) -> Results:
    """Counts and scores per cadre and for the team, in three queries whatever the size."""
    team = Tally()
    for rating, n in (AppraisalBallot.objects.filter(round=appraisal_round)
                      .values_list("team").annotate(n=Count("pk")).values_list("team", "n")):
        team.counts[rating] = n
    per_cadre: dict[int, Tally] = {}
    for cadre_id, rating, n in (
        AppraisalMark.objects.filter(ballot__round=appraisal_round)
        .values("cadre_id", "rating").annotate(n=Count("pk")).values_list("cadre_id", "rating", "n")
    ):
        per_cadre.setdefault(cadre_id, Tally()).counts[rating] = n
    cadres = list(appraisal_round.cadres.order_by("name", "pk"))
    return Results(round=appraisal_round, team=team,
                   cadres=[(c, per_cadre.get(c.pk, Tally())) for c in cadres])
