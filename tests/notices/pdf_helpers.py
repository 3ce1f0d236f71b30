"""Helpers of the PDF tests: a published notice of each kind, and what poppler reads in it."""

import datetime as dt
import re
import subprocess
import tempfile
from pathlib import Path

from discipline.models import Clarification
from fault_tolerance.models import Case
from incentives.models import IncentiveRecord, Measure
from notices.models import Notice
from notices.services import notice_create, notice_publish
from tests.factories import AppointmentFactory, CadreFactory

MONDAY = dt.date(2026, 12, 7)  # period 8–14 December: Tue..Mon, five working days


def _poppler(tool: str, data: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notice.pdf"
        path.write_bytes(data)
        return subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
                              capture_output=True, text=True, check=True).stdout


def pdf_text(data: bytes) -> str:
    """The PDF's text (pdftotext), pages separated by form feeds."""
    return _poppler("pdftotext", data, "-raw")


def flat(text: str) -> str:
    """Text without whitespace: a sentence reads the same whichever line breaks it."""
    return re.sub(r"\s+", "", text)


def pdf_fonts(data: bytes) -> list[dict]:
    """pdffonts' rows: name, type, emb, sub."""
    rows = []
    for line in _poppler("pdffonts", data).splitlines()[2:]:
        cols = line.split()
        # name type... encoding emb sub uni object ID: the last five columns are fixed
        rows.append({"name": cols[0], "emb": cols[-5], "sub": cols[-4], "uni": cols[-3]})
    return rows


def pdf_pages(data: bytes) -> int:
    info = _poppler("pdfinfo", data)
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def publish_pre_appointment(staff_user, tree, cadres, *, exceptional=True, cc=""):
    for cadre in cadres:
        AppointmentFactory(cadre=cadre, unit=tree["street"], title="社会事务科科长",
                           start_date=dt.date(2016, 2, 1))
    entries = [{"cadre": c, "proposed_post": "解放路街道社区服务中心主任",
                "exceptional_reason": "任职年限破格" if exceptional and i == 0 else ""}
               for i, c in enumerate(cadres)]
    notice = notice_create(actor=staff_user, kind=Notice.Kind.PRE_APPOINTMENT,
                           issuing_unit=tree["district"], entries=entries,
                           period_start=dt.date(2026, 12, 8), cc=cc)
    return notice_publish(actor=staff_user, notice=notice)


def publish_tolerance(staff_user, tree, cadre):
    case = Case.objects.create(
        title="老旧小区改造试点资金拨付", occurred_on=dt.date(2026, 3, 1), field="reform",
        source="audit", jurisdiction=tree["district"], state=Case.State.DECIDED,
        outcome="exempted", decided_on=dt.date(2026, 11, 2), created_by=staff_user)
    case.subject_cadres.add(cadre)
    case.subject_units.add(tree["street"])
    notice = notice_create(actor=staff_user, kind=Notice.Kind.TOLERANCE_DECISION,
                           issuing_unit=tree["district"], case=case,
                           title="关于对謝允崗同志予以容错免责的通知")
    return notice_publish(actor=staff_user, notice=notice)


def publish_clarification(staff_user, tree, cadre):
    item = Clarification.objects.create(
        cadre=cadre, report_summary="违规发放补贴", finding="反映问题不属实。", manner="circular",
        clarified_on=dt.date(2026, 11, 20), created_by=staff_user)
    notice = notice_create(actor=staff_user, kind=Notice.Kind.CLARIFICATION,
                           issuing_unit=tree["district"], clarification=item)
    return notice_publish(actor=staff_user, notice=notice)


def publish_commendation(staff_user, tree, cadre):
    praise = Measure.objects.get(code="public_praise")
    person = IncentiveRecord.objects.create(
        cadre=cadre, measure=praise, date=dt.date(2026, 11, 1),
        reason="在防汛抢险中冲锋在前、连续奋战", created_by=staff_user)
    team = IncentiveRecord.objects.create(
        unit=tree["street"], measure=praise, date=dt.date(2026, 11, 1),
        reason="高质量完成片区改造任务。", created_by=staff_user)
    other = CadreFactory(unit=tree["street"], name="包昆")
    third = IncentiveRecord.objects.create(
        cadre=other, measure=praise, date=dt.date(2026, 11, 2), reason="基层治理成效突出",
        created_by=staff_user)
    notice = notice_create(actor=staff_user, kind=Notice.Kind.COMMENDATION,
                           issuing_unit=tree["district"], records=[person, team, third])
    return notice_publish(actor=staff_user, notice=notice)
