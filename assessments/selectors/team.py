"""Reads of team grades (班子年度考核) and their measure proposals, and the pure rules of the
ranking and of 末位倒逼 that services.team.team_recompute applies.

The rules, each once:

- Rank (`rank_group`): within a group (jurisdiction, category, year), by grade (好 before 较好
  before 一般 before 差), then by score, higher first; within a grade a unit without a score
  ranks after every unit with one. Units with the same grade and score (or both without one)
  share a rank, and the next rank skips (1, 2, 2, 4: competition ranking).
- Bottom (`bottom_units`): the units ranked at or below the N-th from last (N =
  DANDANG["TEAM_BOTTOM_N"], default 1); a tie across that line takes every tied unit. A group
  of N units or fewer has no bottom (every unit would be "last": nobody is ranked below
  anybody), and neither has a group whose units all share rank 1.
- Escalation (`escalation_for`): consecutive years at the bottom, this one included: 1 谈话提醒,
  2 诫勉谈话, 3 or more 岗位调整. A year off the bottom, or a year without a grade, resets it.
- Principal leaders (`principal_leaders`, 主要负责人): the unit's active cadres at the highest
  post level held by any active cadre of the unit (a town's 党委书记 and 镇长, a bureau's 局长,
  a centre's 主任). The data model has no "principal" flag; titles vary (党工委书记、办事处主任,
  党委书记、董事长), while the post level of a unit's heads is recorded for every cadre. A unit
  without active cadres has no one to propose a measure for (the ranking page says so)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cadres.models import Cadre, PostLevel
from core.filters import filtered

from .. import permissions
from ..filters import TeamAssessmentFilter, TeamMeasureProposalFilter
from ..models import TeamAssessment, TeamMeasureProposal

Escalation = TeamAssessment.Escalation
LEVEL_ORDER = {level: index for index, level in enumerate(PostLevel.values)}  # top first


@dataclass(frozen=True)
class TeamRow:
    """One team grade to save: the unit (resolved; scope is the service's check), the year, the
    grade (TeamAssessment.Grade) and the score (a Decimal 0–100, or None)."""

    unit: object
    year: int
    grade: str
    score: object = None


# The rules ---------------------------------------------------------------------------------


def bottom_n() -> int:
    return max(1, int(settings.DANDANG.get("TEAM_BOTTOM_N", 1)))


def rank_key(grade: str, score) -> tuple:
    """Smaller is better: grade first, then score (higher first), no score after any score."""
    return (TeamAssessment.GRADE_ORDER[grade], score is None, -(score or 0))


def rank_group(items: Iterable) -> dict:
    """{item: rank} for the items of one group, each with .grade and .score."""
    ordered = sorted(items, key=lambda a: rank_key(a.grade, a.score))
    ranks, previous, rank = {}, None, 0
    for position, item in enumerate(ordered, start=1):
        key = rank_key(item.grade, item.score)
        if key != previous:
            rank, previous = position, key
        ranks[item] = rank
    return ranks


def bottom_units(ranks: dict, n: int | None = None) -> set:
    """The items of a ranked group ({item: rank}) at its bottom (see the module's docstring)."""
    n = bottom_n() if n is None else n
    if len(ranks) <= n:
        return set()
    line = sorted(ranks.values())[len(ranks) - n]
    if line == 1:
        return set()
    return {item for item, rank in ranks.items() if rank >= line}


def escalation_for(streak: int) -> str:
    if streak <= 0:
        return ""
    if streak == 1:
        return Escalation.TALK_REMINDER
    if streak == 2:
        return Escalation.ADMONISHMENT
    return Escalation.POST_ADJUSTMENT


def principal_leaders(unit_ids: Iterable[int]) -> dict[int, list[Cadre]]:
    """{unit id: its principal leaders (see the module's docstring)}, in one query."""
    by_unit: dict[int, list[Cadre]] = defaultdict(list)
    for cadre in Cadre.objects.filter(
        unit_id__in=list(unit_ids), status=Cadre.Status.ACTIVE
    ).order_by("unit_id", "id"):
        by_unit[cadre.unit_id].append(cadre)
    leaders = {}
    for unit_id, cadres in by_unit.items():
        top = min(LEVEL_ORDER.get(c.post_level, len(LEVEL_ORDER)) for c in cadres)
        leaders[unit_id] = [
            c for c in cadres if LEVEL_ORDER.get(c.post_level, len(LEVEL_ORDER)) == top
        ]
    return leaders


# Reads -------------------------------------------------------------------------------------


def team_assessment_list(*, user, filters: dict | None = None) -> QuerySet[TeamAssessment]:
    """Team grades of the units the user may see; raises ValidationError on a bad filter."""
    qs = TeamAssessment.objects.filter(
        permissions.unit_record_visible_q(user, "unit")
    ).select_related("unit", "jurisdiction")
    return filtered(TeamAssessmentFilter, filters, qs).order_by(
        "-year", "category", "jurisdiction_id", "rank", "unit__name", "id"
    )


def team_assessment_get(*, user, pk) -> TeamAssessment:
    try:
        return team_assessment_list(user=user).get(pk=pk)
    except (TeamAssessment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def team_ranking(*, user, category: str, year: int) -> list[dict]:
    """The ranking tables of a category's year the user may see, one per jurisdiction:
    [{"jurisdiction", "size" (units ranked in the group), "rows" ([TeamAssessment] in rank
    order, each with `pending`, `confirmed` and `flagged` proposal counts)}], in a fixed number
    of queries. `size` counts the whole group, so a rank reads "3 / 12" even where the user sees
    only part of it."""
    rows = list(
        team_assessment_list(user=user, filters={"category": category, "year": year})
        .annotate(
            pending=Count(
                "proposals", filter=Q(proposals__status=TeamMeasureProposal.Status.PENDING)
            ),
            confirmed=Count(
                "proposals", filter=Q(proposals__status=TeamMeasureProposal.Status.CONFIRMED)
            ),
            flagged=Count("proposals", filter=Q(proposals__basis_lost=True)),
        )
        .order_by("jurisdiction__path", "rank", "unit__name", "id")
    )
    sizes = dict(
        TeamAssessment.objects.filter(
            category=category, year=year, jurisdiction_id__in={r.jurisdiction_id for r in rows}
        )
        .values_list("jurisdiction_id")
        .annotate(n=Count("id"))
        .values_list("jurisdiction_id", "n")
    )
    if any(r.jurisdiction_id is None for r in rows):
        sizes[None] = TeamAssessment.objects.filter(
            category=category, year=year, jurisdiction__isnull=True
        ).count()
    tables: list[dict] = []
    for row in rows:
        if not tables or tables[-1]["jurisdiction"] != row.jurisdiction:
            tables.append(
                {
                    "jurisdiction": row.jurisdiction,
                    "size": sizes.get(row.jurisdiction_id, 0),
                    "rows": [],
                }
            )
        tables[-1]["rows"].append(row)
    return tables


def team_proposal_list(*, user, filters: dict | None = None) -> QuerySet[TeamMeasureProposal]:
    """Measure proposals about the units the user may see; raises ValidationError on a bad filter."""
    qs = TeamMeasureProposal.objects.filter(
        permissions.team_proposal_visible_q(user)
    ).select_related("assessment__unit", "cadre", "decided_by")
    return filtered(TeamMeasureProposalFilter, filters, qs).order_by(
        "-assessment__year", "assessment__unit__name", "id"
    )


def team_proposal_get(*, user, pk) -> TeamMeasureProposal:
    try:
        return team_proposal_list(user=user).get(pk=pk)
    except (TeamMeasureProposal.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def pending_proposal_count(*, user) -> int:
    return team_proposal_list(user=user).filter(status=TeamMeasureProposal.Status.PENDING).count()
