"""A cadre's timeline: each app registers a provider of its dated entries.

A provider is `provider(cadre, user, limit) -> list[entry]`: the newest `limit` entries about
the cadre **that user may open** (the app's permissions.py decides, as it does for the app's
own lists), each `{"date", "kind", "title", "detail", "object_id"}` and, where the user can
open the object, `"url"`. Providers answer with a bounded query count whatever the history,
so a cadre with thirty years of annual grades and ledger rows does not flood the page.
"""

from collections.abc import Callable

# Entries one timeline shows at most: the newest, in date order. The API pages within them.
TIMELINE_LIMIT = 200

_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    """Add provider(cadre, user, limit) to every cadre's timeline; returns it (a decorator)."""
    _providers.append(provider)
    return provider


def _key(entry: dict):
    return (entry["date"], entry["kind"], entry.get("object_id") or 0)


def cadre_timeline(*, cadre, user, limit: int = TIMELINE_LIMIT) -> list[dict]:
    """The newest `limit` entries of every app about the cadre that user may open, oldest first."""
    entries = [entry for provider in _providers for entry in provider(cadre, user, limit)]
    return sorted(entries, key=_key)[-limit:]
