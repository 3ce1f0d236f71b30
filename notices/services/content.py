"""What a notice says, by kind: the sources read into plain data (`content`), checked for
completeness. A draft's preview renders it afresh; publishing freezes it in Notice.content, and
the PDF is rendered from that. The text is Chinese whatever the reader's language: a public
notice is printed once, in the issuing body's language."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from core.workdays import CalendarNotCovered, nth_working_day
from fault_tolerance.selectors import policy_for

from ..models import Notice

Content = dict


def gb_date(day: dt.date | None) -> str:
    """A date as GB/T 9704-2012 writes it: Arabic numerals, the year in full, no leading zero
    (2026年11月23日)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def year_month(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月" if day else ""


def issuer(name: str = "", unit=None) -> dict:
    """The issuing body (the notice's own `issuer`, else the IssuingBody over its issuing unit,
    else the configured one), the 印发机关 and where objections go (settings, DANDANG)."""
    from .numbering import issuing_body_for

    conf = settings.DANDANG
    found = issuing_body_for(unit) if not (name or "").strip() else None
    body = (name or "").strip() or (found.name if found else "") or conf["ISSUING_BODY"]
    return {"body": body, "printer": conf["NOTICE_PRINTER"] or body,
            "objections": dict(conf["NOTICE_OBJECTIONS"])}


def _post(unit_name: str, title: str) -> str:
    """A post as printed: the unit, then the title, unless the title already names the unit
    (华山街道办事处主任, not 华山街道华山街道办事处主任)."""
    title = (title or "").strip()
    return title if title.startswith(unit_name) else f"{unit_name}{title}"


def _current_appointments(cadre_ids: list[int]) -> dict:
    """{cadre id: their current post} for all the listed cadres in one query: the main one
    first, then the latest begun."""
    from cadres.models import Appointment

    found: dict = {}
    for appointment in (Appointment.objects.filter(cadre_id__in=cadre_ids, end_date__isnull=True)
                        .select_related("unit").order_by("cadre_id", "-is_main", "-start_date",
                                                         "-id")):
        found.setdefault(appointment.cadre_id, appointment)
    return found


def _pre_appointment(notice: Notice, *, today: dt.date, errors: dict) -> dict:
    people = []
    entries = list(notice.entries.select_related("cadre__unit").order_by("position", "id"))
    currents = _current_appointments([entry.cadre_id for entry in entries])
    for entry in entries:
        cadre = entry.cadre
        current = currents.get(cadre.pk)
        people.append({
            "cadre": cadre.pk, "name": cadre.name, "gender": cadre.get_gender_display(),
            "birth": year_month(cadre.birth_date),
            "education": cadre.get_education_display() if cadre.education else "",
            "current_post": (_post(current.unit.name, current.title) if current
                             else _post(cadre.unit.name, cadre.position_title)),
            "since": year_month(current.start_date) if current else "",
            "proposed_post": entry.proposed_post, "note": entry.note,
            "exceptional_reason": entry.exceptional_reason,
        })
    if not people:
        errors["entries"] = _("任前公示至少要有一名公示对象。")
    period = {"start": "", "end": "", "days": notice.period_days}
    if notice.period_start is None:
        errors["period_start"] = _("请填写公示开始日期。")
    elif notice.period_start < today:
        errors["period_start"] = _("公示开始日期不能早于发布日期。")
    else:
        try:
            end = nth_working_day(notice.period_start, notice.period_days)
        except CalendarNotCovered as exc:
            errors["period_start"] = _(
                "公示期跨入%(year)s年，该年的节假日安排尚未录入；请管理员先录入国务院办公厅的放假通知，"
                "公告上的日期必须准确。") % {"year": exc.year}
        else:
            period = {"start": gb_date(notice.period_start), "end": gb_date(end),
                      "days": notice.period_days, "end_iso": end.isoformat()}
    return {"people": people, "period": period}


def _tolerance_decision(notice: Notice, *, errors: dict, **_kw) -> dict:
    case = notice.case
    if case is None:
        errors["case"] = _("请选择已作出认定的容错事项。")
        return {}
    if case.state not in case.DECIDED_STATES or not case.outcome:
        errors["case"] = _("该容错事项尚未作出认定，不能发布认定结果。")
        return {}
    decision = case.decisions.order_by("-round").first()
    return {
        # case_title, not title: the notice's own title is content["title"].
        "case": case.pk, "case_title": case.title, "field": case.get_field_display(),
        "occurred_on": gb_date(case.occurred_on),
        "subjects": [{"cadre": c.pk, "name": c.name, "unit": c.unit.name, "post": c.position_title}
                     for c in case.subject_cadres.select_related("unit").order_by("name", "id")],
        "units": [u.name for u in case.subject_units.order_by("path")],
        "outcome": case.outcome, "outcome_label": case.get_outcome_display(),
        "decided_on": gb_date(decision.decided_at.date() if decision else case.decided_on),
        "round": case.round,
        # The appeal window of the case's policy (calendar days from notice); a decision on
        # appeal is final (one appeal only, DOMAIN.md).
        "appeal_days": policy_for(case.jurisdiction).appeal_days if case.round == 1 else None,
    }


def _clarification(notice: Notice, *, errors: dict, **_kw) -> dict:
    item = notice.clarification
    if item is None:
        errors["clarification"] = _("请选择澄清正名事项。")
        return {}
    cadre = item.cadre
    return {"clarification": item.pk, "cadre": cadre.pk, "name": cadre.name,
            "unit": cadre.unit.name, "post": cadre.position_title,
            "report_summary": item.report_summary, "finding": item.finding,
            "clarified_on": gb_date(item.clarified_on)}


def _commendation(notice: Notice, *, errors: dict, **_kw) -> dict:
    people, teams = [], []
    records = (notice.records.select_related("cadre__unit", "unit", "measure")
               .order_by("date", "id")) if notice.pk else []
    for record in records:
        if record.measure.direction != record.measure.Direction.POSITIVE:
            errors["records"] = _("通报表扬只能列入正向激励记录。")
        row = {"record": record.pk, "measure": record.measure.name, "reason": record.reason,
               "date": gb_date(record.date), "document_number": record.document_number}
        if record.cadre_id:
            people.append({**row, "cadre": record.cadre_id, "name": record.cadre.name,
                           "unit": record.cadre.unit.name, "post": record.cadre.position_title})
        else:
            teams.append({**row, "unit_id": record.unit_id, "name": record.unit.name})
    if not people and not teams:
        errors.setdefault("records", _("通报表扬至少要列入一条奖励记录。"))
    return {"people": people, "teams": teams}


BUILDERS = {
    Notice.Kind.PRE_APPOINTMENT: _pre_appointment,
    Notice.Kind.TOLERANCE_DECISION: _tolerance_decision,
    Notice.Kind.CLARIFICATION: _clarification,
    Notice.Kind.COMMENDATION: _commendation,
}


def build_content(notice: Notice, *, today: dt.date, strict: bool = True) -> Content:
    """The notice's printed content as of today. strict: raise ValidationError naming every
    missing or wrong part (publishing); otherwise return what there is (a draft's preview)."""
    errors: dict[str, str] = {}
    with translation.override(settings.LANGUAGE_CODE):
        if not notice.title.strip():
            errors["title"] = _("请填写标题。")
        body = BUILDERS[notice.kind](notice, today=today, errors=errors)
        content = {
            "kind": notice.kind, "kind_label": notice.get_kind_display(), "title": notice.title,
            "preamble": notice.preamble, "closing": notice.closing, "cc": notice.cc,
            "issuer": issuer(notice.issuer, notice.issuing_unit), **body,
        }
    if strict and errors:
        raise ValidationError(errors)
    return content


def subject_ids(notice: Notice, content: Content) -> set[int]:
    """The cadres a notice names, read from its content."""
    ids = {p["cadre"] for p in content.get("people", []) if p.get("cadre")}
    ids |= {s["cadre"] for s in content.get("subjects", [])}
    if content.get("cadre"):
        ids.add(content["cadre"])
    return ids
