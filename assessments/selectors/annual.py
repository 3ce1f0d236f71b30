"""Reads of quarterly and annual grades: lists, the 优秀 quota of a unit's year, the gates that
bite on a cadre's annual grade, the grid of a unit's year.

`rule_errors` is what every write path (the API, the grid, the import, the admin) asks before
it saves: set-based, a fixed number of queries however many rows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnnualRow:
    """One annual grade to save: the cadre (already resolved and in the actor's scope), the
    year, the grade (AnnualAssessment.Grade) and the comment (评语)."""

    cadre: object
    year: int
    grade: str
    comment: str = ""


@dataclass(frozen=True)
class QuarterlyRow:
    cadre: object
    year: int
    quarter: int
    grade: str


def rule_errors(rows: list[AnnualRow]) -> dict[int, dict[str, list[str]]]:
    """The rules that refuse some of rows (the gates, the 优秀 cap), as {row index: {field:
    [messages]}}; empty when all may be saved together. Each message names its rule and source.

    TODO(annual-rules): the gates and the cap; this placeholder refuses nothing."""
    return {}
