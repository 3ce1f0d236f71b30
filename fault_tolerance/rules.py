"""The decision rules, as pure functions (no database): what the criteria allow and how the
panel's votes make a decision. Services and forms both call these."""

from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import DISTINCTIONS, LOOKS, Outcome, Policy

NOTE_KEYS = frozenset([*LOOKS, *(f"distinction_{n}" for n in DISTINCTIONS)])


def clean_criteria(raw) -> tuple[dict, list[str]]:
    """Check the shape of `criteria` from a proposal: the five looks as booleans, the
    distinctions that apply (1 to 3), notes per look or distinction, situation codes.
    Returns (criteria to store, situation codes); raises ValidationError on `criteria`."""
    if not isinstance(raw, dict):
        raise ValidationError({"criteria": _("认定标准须为对象，包含“五个看”各项的判断。")})
    errors = []
    missing = [key for key in LOOKS if not isinstance(raw.get(key), bool)]
    if missing:
        errors.append(_("“五个看”每一项都须明确判断（是/否）：%(keys)s。") % {"keys": "、".join(missing)})
    distinctions = raw.get("distinctions", [])
    # The type first: a list or object in the list cannot even be looked up (TypeError).
    if not isinstance(distinctions, list) or any(
            type(d) is not int or d not in DISTINCTIONS for d in distinctions):
        errors.append(_("“三个区分开来”只能填写 1、2、3 中适用的项。"))
        distinctions = []
    notes = raw.get("notes", {})
    if not isinstance(notes, dict) or set(notes) - NOTE_KEYS or any(not isinstance(v, str) for v in notes.values()):
        errors.append(_("说明（notes）只能对“五个看”各项或 distinction_1 至 distinction_3 填写文字。"))
        notes = {}
    situations = raw.get("situations", [])
    if not isinstance(situations, list) or any(not isinstance(c, str) for c in situations):
        errors.append(_("对照情形须为情形编号列表。"))
        situations = []
    unknown = set(raw) - {*LOOKS, "distinctions", "notes", "situations"}
    if unknown:
        errors.append(_("认定标准中有无法识别的项：%(keys)s。") % {"keys": "、".join(sorted(unknown))})
    if errors:
        raise ValidationError({"criteria": errors})
    criteria = {key: raw[key] for key in LOOKS}
    criteria["distinctions"] = sorted(set(distinctions))
    criteria["notes"] = {k: v.strip() for k, v in notes.items() if v.strip()}
    return criteria, sorted(set(situations))


def outcome_refusal(outcome: str, *, looks_failed: Iterable[str], never_tolerated: Iterable[str]) -> str | None:
    """Why outcome is not allowed by the criteria, or None when it is.

    A never-tolerated situation forces 不予容错; a failing look rules out 免责."""
    never = list(never_tolerated)
    if never and outcome != Outcome.NOT_TOLERATED:
        return _("已勾选不予容错情形（%(codes)s），只能认定为“不予容错”。") % {"codes": "、".join(never)}
    failed = list(looks_failed)
    if failed and outcome == Outcome.EXEMPTED:
        labels = "；".join(str(LOOKS[k]) for k in failed)
        return _("“五个看”须全部符合方可免责，以下各项不符合：%(looks)s。") % {"looks": labels}
    return None


def tally(choices: Iterable[str], *, quorum: int, majority: str = "simple", panel_size: int = 0) -> str:
    """The outcome the votes cast chose under the jurisdiction's majority rule (Policy.Majority:
    more than half the votes cast, two thirds of them, or more than half the whole panel).
    Raises ValidationError when fewer than quorum voted, on a tie, or when no outcome
    reaches the majority."""
    counts = Counter(choices)
    cast = sum(counts.values())
    if cast < quorum:
        raise ValidationError(_("已表决 %(cast)s 人，未达到法定人数 %(quorum)s 人，不能作出认定。")
                              % {"cast": cast, "quorum": quorum})
    ranked = counts.most_common()
    top, top_count = ranked[0]
    if len(ranked) > 1 and ranked[1][1] == top_count:
        raise ValidationError(_("表决出现平票（%(detail)s），请继续表决或调整意见后再作认定。")
                              % {"detail": _describe(counts)})
    reached = {
        "two_thirds": top_count * 3 >= cast * 2,
        "panel": top_count * 2 > max(panel_size, cast),
    }.get(majority, top_count * 2 > cast)
    if not reached:
        raise ValidationError(_("没有任何意见达到多数（%(rule)s；%(detail)s），请继续表决后再作认定。")
                              % {"rule": _majority_label(majority), "detail": _describe(counts)})
    return top


def _majority_label(majority: str) -> str:
    return str(dict(Policy.Majority.choices).get(majority, majority))


def _describe(counts: Counter) -> str:
    labels = dict(Outcome.choices)
    return "，".join(f"{labels[o]} {n} 票" for o, n in counts.most_common())
