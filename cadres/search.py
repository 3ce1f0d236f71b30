"""Name search that finds 谢允岗 and 謝允崗 alike, and stays fast at a province's size.

Each cadre keeps its name in one spelling (`name_search`: OpenCC's traditional-to-simplified
conversion, lower-cased) and every 1- to 3-character piece of it (`name_grams`). On PostgreSQL a
GIN index over the pieces answers `name_grams @> '["王"]'` without reading the table: a trigram
index cannot serve the one- and two-character terms people type most. A longer term must contain
all its 3-character pieces and, to be exact, the whole term. SQLite, for small installations,
falls back to a LIKE on `name_search`.

A whole ID number is matched exactly (the unique index), so pasting one finds its cadre."""

import re
from functools import lru_cache

from django.db import connections
from django.db.models import Q

from . import idnumber

GRAM_MAX = 3
_ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")


@lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """One spelling for a name or a search term: simplified, lower-cased, trimmed."""
    return _converter().convert((text or "").strip()).lower()


def grams(normalized: str) -> list[str]:
    """Every 1..3-character substring, each once, in a stable order."""
    seen = dict.fromkeys(
        normalized[i : i + n]
        for n in range(1, GRAM_MAX + 1)
        for i in range(len(normalized) - n + 1)
    )
    return list(seen)


def search_fields(name: str) -> dict:
    """The derived columns for a cadre named `name` (Cadre.save and bulk loads use this)."""
    normalized = normalize(name)
    return {"name_search": normalized, "name_grams": grams(normalized)}


def id_number_term(term: str) -> str | None:
    """The whole ID number a search term is, typed as people type it (full-width digits from a
    Chinese IME, spaces between groups, a small x), else None."""
    normalized = idnumber.normalize(term)
    return normalized if _ID_NUMBER.match(normalized) else None


def is_id_number(term: str) -> bool:
    return id_number_term(term) is not None


def single_char(term: str) -> str | None:
    """The one character a search term comes to once normalized, else None."""
    term = (term or "").strip()
    normalized = normalize(term)
    return normalized if len(normalized) == 1 and not is_id_number(term) else None


def name_q(term: str, *, using: str = "default", common: bool = False) -> Q:
    """The filter for a search term: a whole ID number exactly, else the name in any spelling.

    `common` says the term is known to match many names (cadres.selectors counts them first):
    then the GIN index would hand PostgreSQL every match to sort for one page, while walking the
    list in its own order with a LIKE finds the page's 50 in a few hundred rows."""
    term = term.strip()
    number = id_number_term(term)
    if number:
        return Q(id_number=number)
    normalized = normalize(term)
    if common or connections[using].vendor != "postgresql":
        return Q(name_search__contains=normalized)
    if len(normalized) <= GRAM_MAX:
        return Q(name_grams__contains=[normalized])
    pieces = [normalized[i : i + GRAM_MAX] for i in range(len(normalized) - GRAM_MAX + 1)]
    return Q(name_grams__contains=list(dict.fromkeys(pieces)), name_search__contains=normalized)
