"""Links from an object to what apps above it made of it (a case's notices, a cadre's
notices, an incentive record's commendation): an app registers a provider for the models it
links from, and the object's page asks `related_links`, so the lower app never imports the
higher one.

A provider takes (objs, user) — the objects of one model, all read already — and returns
{obj.pk: [{"label", "url", "kind"}, …]} with only what that user may open (it asks its own
permissions.py). Asked for many objects at once, a provider answers in a fixed number of
queries."""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import models

Provider = Callable[[list, object], dict]
_providers: dict[str, list[Provider]] = defaultdict(list)


def _label(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def register(model: type[models.Model] | str, provider: Provider) -> Provider:
    """Register provider for objects of model (a class or "app_label.model")."""
    key = model.lower() if isinstance(model, str) else _label(model)
    if provider not in _providers[key]:
        _providers[key].append(provider)
    return provider


def related_links_many(objs: Iterable[models.Model], user) -> dict[int, list[dict]]:
    """{pk: links} for objects of one model."""
    objs = list(objs)
    if not objs:
        return {}
    found: dict[int, list[dict]] = defaultdict(list)
    for provider in _providers.get(_label(objs[0]), []):
        for pk, links in provider(objs, user).items():
            found[pk].extend(links)
    return dict(found)


def related_links(obj: models.Model, user) -> list[dict]:
    """The links from one object that user may open."""
    return related_links_many([obj], user).get(obj.pk, [])
