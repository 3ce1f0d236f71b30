"""Helpers of the ledger tests: sources entered as rows, the ledger read back."""

import datetime as dt

from assessments.models import AnnualAssessment, TeamAssessment
from discipline.models import Sanction
from fault_tolerance.models import Case
from incentives.models import IncentiveRecord, LedgerRow, Measure


def grades(cadre, user, **by_year):
    """grades(cadre, user, y2021="excellent", ...)."""
    for key, grade in by_year.items():
        AnnualAssessment.objects.create(cadre=cadre, unit=cadre.unit, year=int(key[1:]),
                                        grade=grade, created_by=user)


def team_grade(unit, user, year, grade):
    return TeamAssessment.objects.create(unit=unit, year=year, grade=grade, category=unit.category,
                                         jurisdiction=unit.parent, created_by=user)


def record(cadre, user, code, date, case=None):
    return IncentiveRecord.objects.create(cadre=cadre, measure=Measure.objects.get(code=code),
                                          date=date, reason="测试", case=case, created_by=user)


def sanction(cadre, user, kind, decided_on):
    return Sanction.objects.create(cadre=cadre, kind=kind, decided_on=decided_on, created_by=user)


def exempting_case(cadre, user, jurisdiction, state=Case.State.DECIDED, outcome="exempted"):
    case = Case.objects.create(title="改革试点", occurred_on=dt.date(2024, 3, 1), field="reform",
                               source="audit", jurisdiction=jurisdiction, state=state,
                               outcome=outcome, created_by=user)
    case.subject_cadres.add(cadre)
    return case


def row(cadre, year):
    return LedgerRow.objects.filter(cadre=cadre, year=year).first()


def codes(cadre, year, *, counted_only=False):
    r = row(cadre, year)
    if r is None:
        return []
    return [e["code"] for e in r.entries
            if not counted_only or e["points"] != 0]


def snapshot():
    return sorted((r.cadre_id, r.year, r.positive, r.negative, r.net, str(r.entries),
                   r.rules_version, r.tallied_at.isoformat())
                  for r in LedgerRow.objects.all())
