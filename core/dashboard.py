"""The home page's figures: each app registers a provider for the numbers it owns, so core's
home page shows them without importing the app."""

from collections.abc import Callable

_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    """provider(user) -> {name: number}, counted within the user's scope."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def dashboard_stats(*, user) -> dict:
    """Every app's figures for the user, merged."""
    stats: dict = {}
    for provider in _providers:
        stats.update(provider(user))
    return stats
