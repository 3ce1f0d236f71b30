"""Exact cadre counts that do not grow with the table (PostgreSQL).

The list's `count` must be exact (API.md), and COUNT(*) reads one index entry per cadre: 10 ms
at 100,000 cadres, 40 ms at 1,000,000. Most lists are a scope or a unit subtree with no other
filter, and for those the answer is a sum over the units in it of a per-unit count that triggers
keep in `cadres_unit_cadre_count` (migration 0003): a sum over units, not a scan of cadres.
Any other filter (status, level, a name) falls back to COUNT(*)."""

from django.db import connections

COUNT_TABLE = "cadres_unit_cadre_count"
GRAM_COUNT_TABLE = "cadres_unit_gram_count"  # per unit and name character (migration 0004)


def available(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


def cadres_in_units(units=None, *, char: str | None = None, using: str = "default") -> int:
    """How many cadres the units hold (`units` a queryset of units, or None for all), or with
    `char`, how many of them have that character in their normalized name (cadres.search)."""
    connection = connections[using]
    conditions, params = [], []
    if char is not None:
        conditions.append("gram = %s")
        params.append(char)
    if units is not None:
        inner, inner_params = units.values("pk").query.sql_with_params()
        conditions.append(f"unit_id IN ({inner})")
        params.extend(inner_params)
    table = COUNT_TABLE if char is None else GRAM_COUNT_TABLE
    sql = f"SELECT COALESCE(SUM(cadres), 0) FROM {table}"
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])
