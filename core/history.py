"""History: an object's audit entries as a person may read them, in words.

Core keeps the entries (core.audit) and knows no app's words. Each app registers the models
it audits, in its AppConfig.ready():

    history.register(Case, actions=Case.HistoryAction, describe=describe_case_change,
                     redact=permissions.case_history_redaction)

- `actions`: the app's action names as a TextChoices enum (value → label); core adds its own
  `create`, `update` and `delete`;
- `describe(name, old, new)`: (label, old, new) in words for a key the app's services record
  beyond the model's fields, or None to show it as a plain field;
- `redact(user, obj)`: a `Redaction` saying which entries and which keys of their changes
  this user may not read (vote secrecy, say). It is a Q plus a key predicate rather than a
  filter over Python rows, so that `history/` still pages in the database.

The HTML history panel (core.templatetags.dandang.history_entries), the API's `history/`
(core.api.HistoryMixin) and any app's own timeline of an object read through `visible_entries`,
so the same user gets the same answer everywhere.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import pgettext_lazy

from .audit import object_history
from .models import AuditEntry


class CoreAction(models.TextChoices):
    """What core.audit's generic helpers record."""

    CREATE = "create", pgettext_lazy("history action", "创建")
    UPDATE = "update", pgettext_lazy("history action", "修改")
    DELETE = "delete", pgettext_lazy("history action", "删除")


@dataclass(frozen=True)
class Redaction:
    """What a user may not read of an object's history: the entries `exclude` matches are left
    out; of the others, the change keys `hide_key` answers True for are dropped, and the actor
    of an entry whose action is in `anonymous_actions` is shown as `anonymous_actor`."""

    exclude: Q | None = None
    hide_key: Callable[[str], bool] | None = None
    anonymous_actions: frozenset = frozenset()
    anonymous_actor: str = ""

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        return entries.exclude(self.exclude) if self.exclude is not None else entries

    def show(self, entry: AuditEntry) -> AuditEntry:
        """The entry as this user may read it (changed in place, never saved)."""
        if self.hide_key is not None:
            entry.changes = {k: v for k, v in (entry.changes or {}).items() if not self.hide_key(k)}
        if entry.action in self.anonymous_actions:
            entry.actor_username = str(self.anonymous_actor)
            entry.actor_id = None  # nor named by actor_names
        return entry


NOTHING_HIDDEN = Redaction()

Describe = Callable[[str, object, object], tuple[str, str, str] | None]
Redact = Callable[[object, models.Model], Redaction]


@dataclass(frozen=True)
class HistorySpec:
    actions: dict = field(default_factory=dict)
    describe: Describe | None = None
    redact: Redact | None = None


_registry: dict[type[models.Model], HistorySpec] = {}


def register(model: type[models.Model], *, actions: type[models.Choices] | None = None,
             describe: Describe | None = None, redact: Redact | None = None) -> None:
    """Say how model's history reads (see the module's docstring). Registering twice replaces."""
    _registry[model] = HistorySpec(
        actions=dict(actions.choices) if actions is not None else {}, describe=describe, redact=redact
    )


def spec_for(model: type[models.Model]) -> HistorySpec:
    return _registry.get(model, HistorySpec())


def action_label(model: type[models.Model], action: str) -> str:
    """The action in words: the app's own label, else core's, else the name as recorded."""
    labels = spec_for(model).actions
    if action in labels:
        return str(labels[action])
    if action in CoreAction.values:
        return str(CoreAction(action).label)
    return action


def redaction(user, obj: models.Model) -> Redaction:
    """What user may not read of obj's history (nothing hidden when the app registered no rule)."""
    redact = spec_for(type(obj)).redact
    return redact(user, obj) if redact is not None else NOTHING_HIDDEN


def actor_names(entries) -> dict[int, str]:
    """{user id: the name pages show} for the entries' actors, in one query: the real name,
    the login name where none is recorded (an entry whose actor was hidden has no actor id,
    and shows what Redaction.show left in actor_username)."""
    from django.contrib.auth import get_user_model

    ids = {e.actor_id for e in entries if e.actor_id}
    if not ids:
        return {}
    return {u.pk: u.display_name for u in get_user_model().objects.filter(pk__in=ids)}


def visible_entries(*, obj: models.Model, user) -> tuple[QuerySet[AuditEntry], Redaction]:
    """obj's entries that user may read, newest first, and the redaction to apply to each
    entry (Redaction.show) before showing it."""
    rule = redaction(user, obj)
    return rule.apply(object_history(obj=obj)), rule
