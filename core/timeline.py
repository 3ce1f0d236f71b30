"""A cadre's timeline: each app registers a provider that returns its dated entries."""

from collections.abc import Callable

_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    """provider(cadre) -> list of {"date", "kind", "title", "detail", "object_id"}."""
    _providers.append(provider)
    return provider


def cadre_timeline(*, cadre) -> list[dict]:
    """Every app's entries about the cadre, oldest first."""
    entries = [entry for provider in _providers for entry in provider(cadre)]
    return sorted(entries, key=lambda e: (e["date"], e["kind"], e.get("object_id") or 0))
