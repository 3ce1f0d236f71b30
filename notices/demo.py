"""Demo data of notices (cadres.demo.register): published through the services, after every
source they draw on (fault_tolerance 40, incentives' records 70):

- Jinan's 任前公示 of 謝允崗 (任职年限破格), issued by 济南市 and published by staff_jinan, its
  disclosure period starting on the next working day;
- the tolerance decision notice of the decided Ningbo case (staff_ningbo);
- a clarification notice for Heshan's clarification (staff_heshan);
- a commendation of Heshan's timely rewards (staff_heshan).

Signed with the demo's self-signed certificate when notices.signing makes one (and no real
certificate is configured). Their /verify/<code>/ pages work at once. Idempotent: loaded once
(the marker is the commendation's title). Nothing here is PostgreSQL-only: `make run` is SQLite."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from cadres.demo import XIE_ID_NUMBER, DemoContext, register

MARKER = "关于对鹤山市及时奖励对象给予通报表扬的通报"
XIE_PROPOSED_POST = "历城区华山街道党工委副书记、办事处主任"


def _loaded() -> bool:
    from .models import Notice

    return Notice.objects.filter(title=MARKER).exists()


@contextlib.contextmanager
def _demo_signing():
    """Sign with the demo certificate while loading, when there is one and no real one."""
    from . import signing

    path = signing.ensure_demo_certificate()
    conf = settings.DANDANG
    if not path or conf.get("NOTICE_SIGNING_P12"):
        yield
        return
    saved = conf.get("NOTICE_SIGNING_PASSPHRASE", "")
    conf["NOTICE_SIGNING_P12"] = str(path)
    conf["NOTICE_SIGNING_PASSPHRASE"] = signing.DEMO_PASSPHRASE
    try:
        yield
    finally:
        conf["NOTICE_SIGNING_P12"], conf["NOTICE_SIGNING_PASSPHRASE"] = "", saved


def _next_working_day(day: dt.date) -> dt.date:
    from core.workdays import is_workday

    for _ in range(30):
        day += dt.timedelta(days=1)
        if is_workday(day):
            return day
    return day


def _publish(actor, notice, done: list, left: list) -> None:
    from .services import notice_publish

    try:
        published = notice_publish(actor=actor, notice=notice)
    except ValidationError as exc:
        # A period the calendar cannot count yet (late December before next year's schedule
        # is entered): the draft stays, and the summary says why.
        left.append(f"{notice.title}（{' '.join(exc.messages)}）")
    else:
        done.append(published.document_number)


@register(name="notices", order=95, is_loaded=_loaded)
def load_notices(ctx: DemoContext) -> str:
    from cadres.models import Cadre
    from core.models import User
    from core.workdays import CalendarNotCovered
    from discipline.models import Clarification
    from fault_tolerance.demo import NINGBO_TITLE
    from fault_tolerance.models import Case
    from incentives.models import IncentiveRecord, Measure
    from incentives.permissions import record_visible_q

    from .models import Notice
    from .services import notice_create

    done: list[str] = []
    left: list[str] = []
    staff_jinan = User.objects.get(username="staff_jinan")
    staff_heshan = User.objects.get(username="staff_heshan")
    staff_ningbo = User.objects.get(username="staff_ningbo")
    # Each city's 组织部 issues under its own name and 代字 (济组公〔2026〕1号).
    from .models import IssuingBody

    for code, name, stem in (("JN", "中共济南市委组织部", "济组"), ("NB", "中共宁波市委组织部", "甬组"),
                             ("JM-HS", "中共鹤山市委组织部", "鹤组")):
        IssuingBody.objects.get_or_create(unit=ctx.unit(code), defaults={"name": name, "code": stem})
    with _demo_signing():
        xie = Cadre.objects.get(id_number=XIE_ID_NUMBER)
        try:
            start = _next_working_day(timezone.localdate())
        except CalendarNotCovered:
            start = timezone.localdate() + dt.timedelta(days=1)
        notice = notice_create(
            actor=staff_jinan, kind=Notice.Kind.PRE_APPOINTMENT, issuing_unit=ctx.unit("JN"),
            title="济南市委组织部干部任前公示", period_start=start,
            preamble="根据《党政领导干部选拔任用工作条例》有关规定，经市委研究，"
                     "现将拟提拔任职干部情况予以公示。",
            entries=[{"cadre": xie, "proposed_post": XIE_PROPOSED_POST,
                      "exceptional_reason": "任职年限破格"}])
        _publish(staff_jinan, notice, done, left)

        case = (Case.objects.filter(title__endswith=NINGBO_TITLE, state__in=Case.DECIDED_STATES)
                .exclude(outcome="").order_by("pk").first())
        if case is not None:
            notice = notice_create(
                actor=staff_ningbo, kind=Notice.Kind.TOLERANCE_DECISION,
                issuing_unit=ctx.unit("NB"), case=case,
                preamble="经集体审议，现将容错免责认定结果通知如下。")
            _publish(staff_ningbo, notice, done, left)

        heshan = ctx.unit("JM-HS")
        clarification = (Clarification.objects.filter(cadre__unit__path__startswith=heshan.path)
                         .order_by("pk").first())
        if clarification is not None:
            notice = notice_create(
                actor=staff_heshan, kind=Notice.Kind.CLARIFICATION, issuing_unit=heshan,
                clarification=clarification)
            _publish(staff_heshan, notice, done, left)

        records = list(IncentiveRecord.objects.filter(
            record_visible_q(staff_heshan), measure__direction=Measure.Direction.POSITIVE)
            .select_related("measure").order_by("date", "pk")[:5])
        if records:
            notice = notice_create(
                actor=staff_heshan, kind=Notice.Kind.COMMENDATION, issuing_unit=heshan,
                title=MARKER, records=records,
                preamble="为激励广大干部担当作为，经研究，决定对以下集体和个人予以通报表扬。")
            _publish(staff_heshan, notice, done, left)
    summary = f"{len(done)} 份公告已发布（{'、'.join(done)}）"
    if left:
        summary += f"；留作草稿：{'；'.join(left)}"
    return summary
