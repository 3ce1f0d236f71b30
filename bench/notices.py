"""One notice (issue 10): publishing a one-page 任前公示 through the service (notice_publish:
lock, content, number, HTML, QR code, PDF, signature when configured, hash, store, audit)
against the floor, WeasyPrint rendering the same HTML directly (HTML(string=…).write_pdf(),
nothing reused), in the same run, interleaved; median of N. Target: ≤ 1.3× the floor.

    PYTHONPATH=. .venv/bin/python bench/notices.py [--runs 15] [--database-url …]

The bench database is dropped and migrated afresh at each run."""

import argparse
import datetime as dt
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ensure_database, print_table, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dandang_bench_notice_one"


def fresh_database(url: str) -> None:
    """The bench database dropped and made again: each run starts from the migrations (the
    factories' sequences would collide with a previous run's rows)."""
    import dj_database_url
    import psycopg2

    cfg = dj_database_url.parse(url)
    conn = psycopg2.connect(dbname="postgres", user=cfg["USER"], password=cfg["PASSWORD"] or None,
                            host=cfg["HOST"] or None, port=cfg["PORT"] or None)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}"')
    conn.close()
    ensure_database(url)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    fresh_database(args.database_url)
    setup_django(args.database_url)

    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from notices import signing
    from notices.models import Notice
    from notices.services import notice_create, notice_publish
    from notices.services.render import render_html
    from tests.factories import AppointmentFactory, CadreFactory, UnitFactory, UserFactory

    district = UnitFactory(name="历下区", kind="party_committee")
    street = UnitFactory(name="解放路街道", parent=district, kind="subdistrict")
    staff = UserFactory(units=[district])
    today = timezone.localdate()
    start = today + dt.timedelta(days=1)

    def draft():
        cadre = CadreFactory(unit=street, name="謝允崗")
        AppointmentFactory(cadre=cadre, unit=street, title="社会事务科科长",
                           start_date=dt.date(2016, 2, 1))
        return notice_create(
            actor=staff, kind=Notice.Kind.PRE_APPOINTMENT, issuing_unit=district,
            period_start=start, cc="市纪委监委",
            entries=[{"cadre": cadre, "proposed_post": "解放路街道社区服务中心主任",
                      "exceptional_reason": "任职年限破格"}])

    def floor(notice):
        from weasyprint import HTML

        html = render_html(notice.content, document_number=notice.document_number,
                           issued_on=notice.issued_on,
                           verification_code=notice.verification_code)
        started = time.perf_counter()
        HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
        return (time.perf_counter() - started) * 1000

    def run(label):
        service, direct, pages = [], [], set()
        for i in range(args.runs + 2):
            notice = draft()
            started = time.perf_counter()
            published = notice_publish(actor=staff, notice=notice)
            took = (time.perf_counter() - started) * 1000
            data = bytes(published.pdf.data)
            assert hashlib.sha256(data).hexdigest() == published.sha256
            pages.add(data.count(b"/Type /Page\n") or data.count(b"/Type /Page"))
            floor_ms = floor(published)
            if i >= 2:  # the first two warm up fonts, templates and connections
                service.append(took)
                direct.append(floor_ms)
        s, f = statistics.median(service), statistics.median(direct)
        return (label, f"{f:.0f} ms", f"{s:.0f} ms", f"{s / f:.2f}×",
                "≤ 1.3×", published.signed)

    rows = [run("unsigned")]
    with tempfile.TemporaryDirectory() as tmp:
        path = signing.make_self_signed(Path(tmp) / "bench.p12", common_name="中共某市委组织部",
                                        passphrase="bench")
        settings.DANDANG["NOTICE_SIGNING_P12"] = str(path)
        settings.DANDANG["NOTICE_SIGNING_PASSPHRASE"] = "bench"
        rows.append(run("signed (PAdES, RSA 2048)"))
        settings.DANDANG["NOTICE_SIGNING_P12"] = ""
    print(f"One-page 任前公示, median of {args.runs} (after 2 warm-up runs), interleaved:")
    print_table(("certificate", "floor: WeasyPrint alone", "notice_publish", "ratio", "target",
                 "signed"), rows)


if __name__ == "__main__":
    main()
