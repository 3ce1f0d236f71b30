"""Reads of 换届后评估 and the 干部推荐参考名单: rounds, evaluations with their weighted totals,
the 出彩型 candidates of a round, the reserve list. All scoped through permissions.py.

The total is the weighted mean of the six scores under DANDANG["EVALUATION_WEIGHTS"] (in the
order of models.EVALUATION_DIMENSIONS), rounded to 0.01. It is computed, in SQL for lists and
rankings (`with_total`) and in Python for one object (`weighted_total`), by one rule."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, F, QuerySet, Value
from django.db.models.functions import Round
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core.filters import filtered

from .. import permissions
from ..filters import EvaluationFilter, ReserveListFilter
from ..models import (
    EVALUATION_DIMENSIONS,
    EvaluationRound,
    PostElectionEvaluation,
    ReserveListEntry,
    check_evaluation_weights,  # noqa: F401  (re-exported: the setting's check)
    evaluation_weights,
)

CENT = Decimal("0.01")
# Without a parameter, the candidates are the top 10% of a round's cadre evaluations.
DEFAULT_TOP_PERCENT = Decimal(10)


def weighted_total(scores) -> Decimal | None:
    """The total of an evaluation (or any object or mapping with the six scores)."""
    weights = evaluation_weights()
    get = scores.get if isinstance(scores, dict) else (lambda name: getattr(scores, name, None))
    values = [get(name) for name in EVALUATION_DIMENSIONS]
    if any(v is None for v in values):
        return None
    total = sum(w * Decimal(str(v)) for w, v in zip(weights, values, strict=True)) / sum(weights)
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def total_expression(prefix: str = ""):
    """weighted_total as SQL (PostgreSQL's round() on numeric rounds halves away from zero,
    as ROUND_HALF_UP does for these non-negative scores)."""
    weights = evaluation_weights()
    decimal = DecimalField(max_digits=12, decimal_places=6)
    expr = None
    for weight, name in zip(weights, EVALUATION_DIMENSIONS, strict=True):
        term = Value(weight, output_field=decimal) * F(f"{prefix}{name}")
        expr = term if expr is None else expr + term
    return Round(expr / Value(sum(weights), output_field=decimal), 2,
                 output_field=DecimalField(max_digits=7, decimal_places=2))


# Rounds -----------------------------------------------------------------------------------


def evaluation_round_list(*, user) -> QuerySet[EvaluationRound]:
    return (EvaluationRound.objects.filter(permissions.evaluation_round_visible_q(user))
            .select_related("unit").order_by("-year", "-id"))


def evaluation_round_get(*, user, pk) -> EvaluationRound:
    try:
        return evaluation_round_list(user=user).get(pk=pk)
    except (EvaluationRound.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# Evaluations -------------------------------------------------------------------------------


def evaluation_list(*, user, filters: dict | None = None) -> QuerySet[PostElectionEvaluation]:
    """Evaluations the user may see, each annotated with `total`; raises ValidationError on a
    bad filter."""
    qs = (
        PostElectionEvaluation.objects.filter(permissions.evaluation_visible_q(user))
        .select_related("round", "round__unit", "unit", "cadre", "cadre__unit", "shortlisted_by")
        .annotate(total=total_expression())
    )
    return filtered(EvaluationFilter, filters, qs).order_by("round_id", F("total").desc(), "id")


def evaluation_get(*, user, pk) -> PostElectionEvaluation:
    try:
        return evaluation_list(user=user).get(pk=pk)
    except (PostElectionEvaluation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def round_evaluations(*, user, evaluation_round) -> QuerySet[PostElectionEvaluation]:
    """A round's evaluations the user may see, best total first (teams and cadres)."""
    return evaluation_list(user=user).filter(round=evaluation_round).order_by(
        F("cadre_id").asc(nulls_first=True), F("total").desc(), "id"
    )


def evaluation_candidates(
    *, user, evaluation_round, top_percent=None, threshold=None
) -> list[PostElectionEvaluation]:
    """The 出彩型 candidates of a round: its cadre evaluations in the top `top_percent` % by total
    (the count rounded up; ties at the cut-off all come in) and/or with a total at or above
    `threshold`; given both, a candidate meets both; given neither, the top 10%. Best first.
    Three queries at most. Raises ValidationError on a parameter out of range."""
    errors = {}
    if top_percent is not None and not (Decimal(0) < Decimal(str(top_percent)) <= Decimal(100)):
        errors["top_percent"] = _("比例须大于 0、不超过 100。")
    if threshold is not None and not (Decimal(0) <= Decimal(str(threshold)) <= Decimal(100)):
        errors["threshold"] = _("分数线须在 0 到 100 之间。")
    if errors:
        raise ValidationError(errors)
    if top_percent is None and threshold is None:
        top_percent = DEFAULT_TOP_PERCENT
    qs = evaluation_list(user=user).filter(round=evaluation_round, cadre__isnull=False).order_by(
        F("total").desc(), "id"
    )
    if threshold is not None:
        qs = qs.filter(total__gte=Decimal(str(threshold)))
    if top_percent is not None:
        ranked = evaluation_list(user=user).filter(round=evaluation_round, cadre__isnull=False)
        count = ranked.count()
        keep = math.ceil(count * Decimal(str(top_percent)) / 100)
        if keep == 0:
            return []
        cutoff = ranked.order_by(F("total").desc(), "id").values_list("total", flat=True)[keep - 1]
        qs = qs.filter(total__gte=cutoff)
    return list(qs)


# The reserve list ----------------------------------------------------------------------------


def reserve_list(*, user, filters: dict | None = None) -> QuerySet[ReserveListEntry]:
    """干部推荐参考名单 entries about the cadres the user may see, newest first; raises
    ValidationError on a bad filter."""
    qs = ReserveListEntry.objects.filter(permissions.reserve_entry_visible_q(user)).select_related(
        "cadre", "cadre__unit", "evaluation__round", "project", "created_by"
    )
    return filtered(ReserveListFilter, filters, qs).order_by("-listed_on", "-id")


RESERVE_EXPORT_HEADER = (gettext_lazy("姓名"), gettext_lazy("单位"), gettext_lazy("现任职务"),
                         gettext_lazy("来源"), gettext_lazy("来源说明"), gettext_lazy("列入日期"),
                         gettext_lazy("列入人"))
RESERVE_EXPORT_MAX = 20000


def reserve_list_workbook(entries) -> bytes:
    """The reserve list as an .xlsx (one row an entry, the header first); at most
    RESERVE_EXPORT_MAX rows. ID numbers are never exported."""
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    # Excel refuses a sheet name over 31 characters (the page title's English has 35).
    sheet = book.create_sheet(pgettext("sheet name", "干部推荐参考名单")[:31])
    sheet.append([str(h) for h in RESERVE_EXPORT_HEADER])
    for entry in entries[:RESERVE_EXPORT_MAX]:
        who = entry.created_by
        sheet.append([
            entry.cadre.name, entry.cadre.unit.name, entry.cadre.position_title,
            str(entry.get_source_display()), entry.note, entry.listed_on,
            (getattr(who, "name", "") or who.get_username()) if who else "",
        ])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
