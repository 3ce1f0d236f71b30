"""Case history in words, registered with core.history by the app's ready().

The services record, beside the models' fields, actions of their own (CaseHistoryAction)
and keys of their own ("vote:<username>", "votes", "panel_round_<n>", "attachments") and JSON fields (criteria, deadline notes) whose raw
form means nothing to a reader. core.history asks describe_*_change first; None means "show
it as a plain field". Who may read which entry is fault_tolerance.permissions'."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import LOOKS, Case, Outcome

NONE = "—"

# What a case's history records: the workflow's actions and the services' own.
CaseHistoryAction = models.TextChoices("CaseHistoryAction", [
    *[(action.name, (action.value, action.label)) for action in Case.Action],
    ("ATTACHMENT", ("attachment", gettext_lazy("补充证据材料"))),
    ("PANEL", ("panel", gettext_lazy("确定审议组"))),
    ("DEADLINES", ("deadlines", gettext_lazy("重新计算期限"))),
])


def _outcome(value) -> str:
    return str(dict(Outcome.choices).get(value, value)) if value else NONE


def _usernames(old, new) -> tuple[str, str]:
    """Two lists of user ids as names, looked up in one query."""
    from core.models import User

    old, new = old or [], new or []
    ids = {i for i in [*old, *new] if isinstance(i, int)}
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "username")) if ids else {}

    def show(values):
        return "、".join(names.get(i, _("（已删除的用户）")) for i in values) or NONE

    return show(old), show(new)


def _votes(record) -> str:
    if not isinstance(record, list) or not record:
        return NONE
    return "；".join(f"{v.get('username') or v.get('voter')}：{_outcome(v.get('choice'))}"
                    for v in record if isinstance(v, dict))


def _attachment(value) -> str:
    if not isinstance(value, dict):
        return NONE
    facts = [str(value.get("kind") or "").upper(), filesizeformat(value["size"]) if value.get("size") else ""]
    facts = "，".join(f for f in facts if f)
    return f"{value.get('name', '')}（{facts}）" if facts else str(value.get("name", NONE))


def _look_name(key: str) -> str:
    # "从政策法律上看：符合改革方向与政策法律" → "从政策法律上看"
    return str(LOOKS[key]).split("：")[0]


def _criteria(value) -> str:
    if not isinstance(value, dict) or not value:
        return NONE
    failed = [_look_name(key) for key in LOOKS if value.get(key) is not True]
    parts = [_("五个看全部符合") if not failed else _("五个看不符合：%(looks)s") % {"looks": "、".join(failed)}]
    distinctions = value.get("distinctions") or []
    if distinctions:
        parts.append(_("适用三个区分开来第%(numbers)s项") % {"numbers": "、".join(str(n) for n in distinctions)})
    notes = value.get("notes") or {}
    if notes:
        parts.append(_("说明 %(n)d 条") % {"n": len(notes)})
    return "；".join(parts)


def _deadline_notes(value) -> str:
    if not isinstance(value, dict) or not value:
        return NONE
    def words(note) -> str:  # [2027]: counted provisionally on that year's statutory holidays
        return _("预计（%(years)s年安排未录入）") % {"years": "、".join(map(str, note))} if isinstance(note, list) else note

    return "；".join(f"{_field_label(key)}：{words(note)}" for key, note in value.items())


def _field_label(name: str) -> str:
    try:
        return str(Case._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a key since renamed is shown as recorded
        return name


def describe_case_change(name: str, old, new) -> tuple[str, str, str] | None:
    """(label, old, new) in words for a key a case service records, or None for a plain field."""
    if name.startswith("vote:"):
        return _("表决意见（%(voter)s）") % {"voter": name[len("vote:"):]}, _outcome(old), _outcome(new)
    if name == "votes":
        return _("表决情况"), _votes(old), _votes(new)
    if name.startswith("panel_round_"):
        label = _("审议组（首次审议）") if name == "panel_round_1" else _("审议组（申诉复核）")
        return (label, *_usernames(old, new))
    if name == "attachments":
        return _("证据材料"), _attachment(old), _attachment(new)
    if name == "criteria":
        return _field_label("criteria"), _criteria(old), _criteria(new)
    if name == "deadline_notes":
        return _field_label("deadline_notes"), _deadline_notes(old), _deadline_notes(new)
    return None
