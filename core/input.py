"""Input no database may hold.

- The NUL character: PostgreSQL refuses it in text (SQLite takes it), so without this rule
  the same request is a 500 on one and stored on the other. Query strings and page forms are
  checked in core.middleware, API bodies in core.parsers; both ask here.
- An id beyond a bigint column: SQLite cannot even bind it (OverflowError, a 500)."""

from collections.abc import Mapping

from django.utils.translation import gettext as _

NUL = "\x00"
MAX_ID = 2**63 - 1


def as_id(value) -> int | None:
    """A client's object id as an int: a whole number from 1 to MAX_ID, else None."""
    text = str(value).strip()
    if not text.isdecimal():  # not isdigit(): "²" is a digit that int() refuses
        return None
    number = int(text) if len(text) <= 19 else MAX_ID + 1
    return number if 1 <= number <= MAX_ID else None


def nul_message() -> str:
    return _("含有空字符（NUL，U+0000），请删除后重试。")


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


def nul_fields(data) -> list[str]:
    """The top-level names in data (a dict, QueryDict or list) whose name or value, at any
    depth, holds a NUL; a list at the top is reported as `non_field_errors`."""
    if hasattr(data, "lists"):  # a QueryDict: every value of a repeated name
        data = dict(data.lists())
    if isinstance(data, Mapping):
        return [str(k).replace(NUL, "\\x00") for k, v in data.items() if _has_nul(k) or _has_nul(v)]
    return ["non_field_errors"] if _has_nul(data) else []


def nul_errors(data) -> dict[str, list[str]]:
    """{name: [message]} for each name nul_fields finds: DRF's shape for field errors."""
    return {name: [nul_message()] for name in nul_fields(data)}
