"""The ledger in the browser: a unit's year (scoped, best first, totals, chart data, export), a
cadre's ledger where every figure opens to its why (a rule with its parameters in words, a
record with its page), pending proposals marked and not counted, the 红黑榜, the 重新计算
button and the tally's progress, each page in a fixed number of queries.

Ledger rows are written here directly: the tally (services.ledger) is another engineer's."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from core import jobs
from core.models import Job, Role
from incentives.models import AccumulationRule, LedgerRow, Measure, RuleProposal
from incentives.services.ledger import TALLY_JOB
from incentives.services.records import record_create
from tests.factories import CadreFactory, UnitFactory, UserFactory

YEAR = 2025


@pytest.fixture
def measures(db):
    make = Measure.objects.create
    return {
        "commend": make(code="t-commend", name="嘉奖", direction="positive", kind="spiritual", points=5),
        "merit3": make(code="t-merit3", name="记三等功", direction="positive", kind="spiritual",
                       points=10),
        "admonish": make(code="t-admonish", name="诫勉谈话", direction="negative",
                         kind="organizational", points=4),
        "dismiss": make(code="t-dismiss", name="辞退", direction="negative", kind="organizational",
                        points=30),
    }


@pytest.fixture
def rules(measures):
    make = AccumulationRule.objects.create
    return {
        "streak": make(code="t-excellent-3", kind="streak", params={"grade": "excellent", "years": 3},
                       measure=measures["merit3"], label="连续三年优秀，记三等功"),
        "incompetent-2": make(code="t-incompetent-2", kind="streak",
                              params={"grade": "incompetent", "years": 2},
                              measure=measures["dismiss"], label="连续两年不称职，辞退",
                              needs_confirmation=True),
    }


def row(cadre, *, year=YEAR, net=0, positive=None, negative=None, entries=(), unit=None):
    return LedgerRow.objects.create(
        cadre=cadre, year=year, unit=unit or cadre.unit, net=net,
        positive=positive if positive is not None else max(net, 0),
        negative=negative if negative is not None else min(net, 0),
        entries=list(entries), tallied_at=timezone.now())


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


# A unit's year ---------------------------------------------------------------------------------


def test_the_ledger_of_a_unit_is_its_subtree_best_first_and_nothing_outside(staff_client, tree):
    best = CadreFactory(unit=tree["street"], name="张优秀")
    worst = CadreFactory(unit=tree["district"], name="李较差")
    row(best, net=15)
    row(worst, net=-8)
    row(CadreFactory(unit=tree["other"], name="王外县"), net=99)
    row(best, year=YEAR - 1, net=40)

    response = staff_client.get(reverse("incentives:ledger"),
                                {"unit": tree["district"].pk, "year": YEAR})

    assert response.status_code == 200
    body = response.content.decode()
    assert "王外县" not in body
    assert body.index("张优秀") < body.index("李较差")
    assert response.context["totals"] == {"positive": 15, "negative": -8, "net": 7}
    assert response.context["chart"]["total"] == 2
    assert [b["count"] for b in response.context["chart"]["bars"]] == [1, 1]
    assert 'data-ledger-chart="ledger-distribution"' in body


def test_a_unit_outside_the_scope_is_refused_by_the_form(staff_client, tree):
    response = staff_client.get(reverse("incentives:ledger"), {"unit": tree["other"].pk, "year": YEAR})
    assert response.status_code == 400
    assert "请选择您管辖范围内的单位" in response.content.decode()


def test_without_a_choice_the_ledger_opens_on_the_top_unit_and_newest_year(staff_client, tree):
    row(CadreFactory(unit=tree["street"]), year=2023, net=5)
    response = staff_client.get(reverse("incentives:ledger"))
    assert response.status_code == 200
    assert response.context["unit"] == tree["district"]
    assert response.context["year"] == 2023


def _page_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["ledger", "honor"])
def test_ledger_and_honor_board_answer_in_the_same_queries_for_5_or_50_rows(
        staff_client, tree, page):
    tree["district"].category = "comprehensive"
    tree["district"].save(update_fields=["category"])
    url = (reverse("incentives:ledger") + f"?unit={tree['district'].pk}&year={YEAR}" if page == "ledger"
           else reverse("incentives:honor-board") + f"?year={YEAR}&category=comprehensive")
    for i in range(5):
        row(CadreFactory(unit=tree["district"]), net=i - 2)
    few = _page_queries(staff_client, url)
    for i in range(45):
        row(CadreFactory(unit=tree["street"]), net=i - 20)
    many = _page_queries(staff_client, url)
    assert few == many


def test_the_export_holds_the_same_rows_best_first_and_the_totals(staff_client, tree):
    from openpyxl import load_workbook

    row(CadreFactory(unit=tree["street"], name="张优秀"), net=15,
        entries=[{"kind": "rule", "code": "x", "label": "连续三年优秀，记三等功", "points": 15,
                  "source": ""}])
    row(CadreFactory(unit=tree["district"], name="=HYPERLINK(1)"), net=-8)
    row(CadreFactory(unit=tree["other"], name="王外县"), net=99)

    response = staff_client.get(reverse("incentives:ledger-export"),
                                {"unit": tree["district"].pk, "year": YEAR})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:7] == ("排名", "干部", "单位", "现任职务", "正向分", "反向分", "净分")
    assert [v[1] for v in values[2:4]] == ["张优秀", "=HYPERLINK(1)"]
    assert sheet["B4"].data_type == "s"  # a name is never a formula
    assert "连续三年优秀，记三等功 +15" in values[2][7]
    assert values[-1][0] == "合计" and values[-1][4:7] == (15, -8, 7)
    assert all("王外县" not in str(v) for line in values for v in line)


def test_the_export_of_a_unit_outside_the_scope_is_refused(staff_client, tree):
    response = staff_client.get(reverse("incentives:ledger-export"),
                                {"unit": tree["other"].pk, "year": YEAR})
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "管辖范围" in response.content.decode()


# A cadre's why ----------------------------------------------------------------------------------


def test_a_cadre_outside_the_scope_is_404(staff_client, tree):
    stranger = CadreFactory(unit=tree["other"])
    row(stranger, net=5)
    assert staff_client.get(reverse("incentives:ledger-cadre", args=[stranger.pk])).status_code == 404


def test_a_rule_entry_opens_to_its_rule_and_parameters_in_words(staff_client, tree, rules):
    cadre = CadreFactory(unit=tree["street"])
    row(cadre, net=10, entries=[{"kind": "rule", "code": "t-excellent-3", "label": "连续三年优秀，记三等功",
                                 "points": 10, "source": "2023、2024、2025 年度优秀"}])

    body = staff_client.get(reverse("incentives:ledger-cadre", args=[cadre.pk])).content.decode()

    assert "连续三年优秀，记三等功" in body
    assert "连续 3 个自然年度考核等次为“优秀”" in body
    assert "记三等功" in body and "t-excellent-3 v1" in body
    assert "2023、2024、2025 年度优秀" in body
    assert '<details>' in body


def test_a_record_entry_opens_to_its_record(staff_client, staff_user, tree, measures):
    cadre = CadreFactory(unit=tree["street"])
    record = record_create(actor=staff_user, measure=measures["commend"], cadre=cadre,
                           date=dt.date(YEAR, 6, 1), reason="防汛抢险表现突出",
                           document_number="历组〔2025〕3号")
    row(cadre, net=5, entries=[{"kind": "record", "code": "t-commend", "label": "嘉奖",
                                "points": 5, "source": record.pk}])

    response = staff_client.get(reverse("incentives:ledger-cadre", args=[cadre.pk]))

    body = response.content.decode()
    why = response.context["years"][0].whys[0]
    assert why.record == record
    assert "防汛抢险表现突出" in body and "历组〔2025〕3号" in body and "2025-06-01" in body
    # Linked to the record's page, or the cadre's records, once the records pages exist.
    from incentives.views.ledger import optional_url

    if optional_url("incentives:record-list") or optional_url("incentives:record-detail", 1):
        assert why.url and why.url in body


def test_pending_proposals_are_marked_and_count_nothing(staff_client, tree, rules):
    cadre = CadreFactory(unit=tree["street"])
    RuleProposal.objects.create(rule=rules["incompetent-2"], cadre=cadre, year=YEAR)
    RuleProposal.objects.create(rule=rules["incompetent-2"], cadre=cadre, year=YEAR - 1)
    row(cadre, net=-4, entries=[
        {"kind": "record", "code": "t-admonish", "label": "诫勉谈话", "points": -4, "source": ""},
        {"kind": "rule", "code": "t-incompetent-2", "label": "连续两年不称职，辞退", "points": -30,
         "source": "", "pending": True},
    ])

    response = staff_client.get(reverse("incentives:ledger-cadre", args=[cadre.pk]))

    years = response.context["years"]
    assert [y.year for y in years] == [YEAR, YEAR - 1]
    this_year = years[0]
    assert [w.label for w in this_year.pending] == ["连续两年不称职，辞退"]
    assert this_year.pending[0].proposal.year == YEAR
    assert sum(w.points for w in this_year.counted) == this_year.row.net == -4
    # The proposal the tally has not written yet shows too, pending, in its own year.
    assert years[1].row is None and years[1].pending[0].rule == rules["incompetent-2"]
    body = response.content.decode()
    assert body.count("待确认</span>") == 2
    assert "-30 分，不计分" in body


def test_a_cadre_page_answers_in_the_same_queries_for_few_or_many_years(
        staff_client, staff_user, tree, rules, measures):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(cadre):
        with CaptureQueriesContext(connection) as captured:
            staff_client.get(reverse("incentives:ledger-cadre", args=[cadre.pk]))
        return len(captured)

    def fill(cadre, years):
        for year in years:
            record = record_create(actor=staff_user, measure=measures["commend"], cadre=cadre,
                                   date=dt.date(year, 3, 1), reason="表现突出")
            row(cadre, year=year, net=15, entries=[
                {"kind": "record", "code": "t-commend", "label": "嘉奖", "points": 5, "source": record.pk},
                {"kind": "rule", "code": "t-excellent-3", "label": "连续三年优秀，记三等功", "points": 10,
                 "source": ""}])
            RuleProposal.objects.create(rule=rules["incompetent-2"], cadre=cadre, year=year)

    few, many = CadreFactory(unit=tree["street"]), CadreFactory(unit=tree["street"])
    fill(few, [2024])
    fill(many, range(2015, 2026))
    assert count(few) == count(many)


# The 红黑榜 -------------------------------------------------------------------------------------


def test_the_honor_board_shows_the_top_and_bottom_of_a_category_linked_to_their_ledgers(
        staff_client, tree):
    econ = UnitFactory(parent=tree["district"], category="economic", name="区发改局")
    top = CadreFactory(unit=econ, name="红榜人")
    bottom = CadreFactory(unit=econ, name="黑榜人")
    row(top, net=20)
    row(bottom, net=-12)
    row(CadreFactory(unit=tree["street"], name="别类人"), net=50)  # another category

    response = staff_client.get(reverse("incentives:honor-board"), {"year": YEAR, "category": "economic"})

    body = response.content.decode()
    assert response.status_code == 200
    assert [r.cadre for r in response.context["top"]] == [top]
    assert [r.cadre for r in response.context["bottom"]] == [bottom]
    assert reverse("incentives:ledger-cadre", args=[top.pk]) + f"#year-{YEAR}" in body
    assert "别类人" not in body


def test_the_hub_links_every_incentives_page(staff_client, tree):
    body = staff_client.get(reverse("incentives:index")).content.decode()
    for name in ("incentives:ledger", "incentives:honor-board", "incentives:proposal-list"):
        assert reverse(name) in body


# 重新计算 and the tally's progress --------------------------------------------------------------


@pytest.fixture
def tally_handler(monkeypatch):
    """A stand-in for the tally (the real one is services.ledger's): it only reports progress."""
    def tally(job, progress):
        progress(1.0)
        return {"rows": 0}

    jobs._handler(TALLY_JOB)  # let autodiscovery run first, so it does not replace ours
    monkeypatch.setitem(jobs._handlers, TALLY_JOB, (tally, (Role.STAFF, Role.ADMIN)))
    return tally


def test_recompute_starts_a_tally_and_the_ledger_shows_its_progress(
        staff_client, tree, tally_handler):
    response = staff_client.post(reverse("incentives:ledger-recompute"),
                                 {"unit": tree["district"].pk, "year": YEAR})

    job = Job.objects.get(kind=TALLY_JOB)
    assert response.status_code == 302
    assert f"job={job.pk}" in response["Location"]
    # The unit (its cadres and those below it are read when the tally runs), nobody else's.
    assert job.params == {"cadre_ids": None, "unit": tree["district"].pk, "year": YEAR}
    page = staff_client.get(response["Location"])
    body = page.content.decode()
    assert page.context["tally"].job == job and page.context["tally"].running
    assert 'id="job-status"' in body and reverse("job-detail", args=[job.pk]) in body
    assert "已开始重新计算" in body
    # A second press while it runs finds the same job.
    staff_client.post(reverse("incentives:ledger-recompute"), {"unit": tree["district"].pk, "year": YEAR})
    assert Job.objects.filter(kind=TALLY_JOB).count() == 1


def test_a_tally_run_by_someone_else_shows_as_running_without_its_job(client, tree, tally_handler,
                                                                       admin_user):
    from incentives.services.ledger import recompute_start

    recompute_start(actor=admin_user, year=YEAR)
    other = UserFactory(roles=[Role.STAFF], units=[tree["district"]])
    client.force_login(other)
    page = client.get(reverse("incentives:ledger"), {"unit": tree["district"].pk, "year": YEAR})
    assert page.context["tally"].job is None and page.context["tally"].running
    assert "台账正在重新计算" in page.content.decode()


def test_only_staff_in_scope_may_recompute(client, tree, tally_handler):
    cadre_user = UserFactory(roles=[Role.CADRE], units=[tree["district"]])
    client.force_login(cadre_user)
    response = client.post(reverse("incentives:ledger-recompute"),
                           {"unit": tree["district"].pk, "year": YEAR})
    assert response.status_code == 403
    page = client.get(reverse("incentives:ledger"), {"unit": tree["district"].pk, "year": YEAR})
    assert 'id="ledger-recompute"' not in page.content.decode()
    assert not Job.objects.filter(kind=TALLY_JOB).exists()


def test_a_finished_tally_shows_done_with_a_refresh(staff_client, tree, tally_handler,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("incentives:ledger-recompute"),
                                     {"unit": tree["district"].pk, "year": YEAR})
    job = Job.objects.get(kind=TALLY_JOB)
    assert job.state == Job.State.DONE
    body = staff_client.get(response["Location"]).content.decode()
    assert "刷新台账" in body and "100%" in body



def test_after_a_real_tally_the_why_names_the_rule_its_parameters_the_record_and_the_proposal(
        staff_client, staff_user, tree):
    """The tally's own entries (not rows written by hand): "rule" the version applied, "record"
    the record, "proposal" the pending proposal; the page resolves each and links the record."""
    from assessments.models import AnnualAssessment
    from incentives.services.ledger import tally

    cadre = CadreFactory(unit=tree["street"], name="赵台账")
    for year, grade in ((2022, "excellent"), (2023, "excellent"), (2024, "excellent"),
                        (2025, "incompetent")):
        AnnualAssessment.objects.create(cadre=cadre, unit=cadre.unit, year=year, grade=grade,
                                        created_by=staff_user)
    record = record_create(actor=staff_user, measure=Measure.objects.get(code="public_praise"),
                           cadre=cadre, date=dt.date(2024, 6, 1), reason="抗洪抢险表现突出")
    tally(cadre_ids=[cadre.pk])

    streak = AccumulationRule.objects.get(code="excellent_three_years", is_current=True)
    proposal = RuleProposal.objects.get(cadre=cadre, year=2025)
    entries = {e["code"]: e for e in LedgerRow.objects.get(cadre=cadre, year=2024).entries}
    assert entries["excellent_three_years"]["rule"] == streak.pk
    assert entries["public_praise"]["record"] == record.pk
    assert entries["public_praise"]["source"] == f"record:{record.pk}"  # API.md, unchanged
    [pending] = LedgerRow.objects.get(cadre=cadre, year=2025).entries
    assert pending["pending"] is True and pending["proposal"] == proposal.pk

    response = staff_client.get(reverse("incentives:ledger-cadre", args=[cadre.pk]))
    body = response.content.decode()
    years = {y.year: y for y in response.context["years"]}
    whys = {w.code: w for w in years[2024].whys}
    assert whys["excellent_three_years"].rule == streak
    assert "连续 3 个自然年度考核等次为“优秀”" in body and "excellent_three_years v1" in body
    assert whys["public_praise"].record == record and "抗洪抢险表现突出" in body
    link = reverse("incentives:record-detail", args=[record.pk])
    assert whys["public_praise"].url == link and f'href="{link}"' in body
    assert years[2025].pending[0].proposal == proposal
    assert f"#proposal-{proposal.pk}" in body


def test_everyone_s_ledger_is_recomputed_by_administrators_only(staff_user, admin_user, tally_handler):
    from django.core.exceptions import PermissionDenied

    from incentives.services.ledger import recompute_start

    with pytest.raises(PermissionDenied):
        recompute_start(actor=staff_user, year=YEAR)
    assert not Job.objects.filter(kind=TALLY_JOB).exists()
    assert recompute_start(actor=admin_user, year=YEAR).params["cadre_ids"] is None
