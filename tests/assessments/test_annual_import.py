"""The Excel import and export of annual grades: every bad row named at once with the sheet's
row number, nothing saved unless every row passes, one audit entry per import, a fixed number
of queries whatever the number of rows, and an export that imports again."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve
from openpyxl import Workbook, load_workbook

from assessments.api.annual import AnnualImportViewSet
from assessments.models import AnnualAssessment, AnnualImport, ExcellenceRate
from assessments.selectors.annual import AnnualRow
from assessments.services.annual import annual_save
from assessments.services.annual_excel import ImportRefused, annual_import
from cadres.idnumber import mask
from core.models import AuditEntry, Job, Role
from tests.factories import CadreFactory, UserFactory

URL = "/api/v1/annual-assessments/import/"
HEADER = ["身份证号", "姓名", "年度", "等次", "评语"]


def xlsx(rows, header=HEADER, merge=None) -> bytes:
    book = Workbook()
    sheet = book.active
    if header:
        sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name="年度考核.xlsx"):
    return SimpleUploadedFile(name, content)


def post(client, content, **extra):
    return client.post(URL, {"file": upload(content), **extra}, format="multipart")


@pytest.fixture
def cadres(tree):
    return [CadreFactory(unit=tree["street"], name=f"张{i}") for i in range(3)]


@pytest.fixture
def staff_api(as_user, staff_user):
    return as_user(staff_user)


def test_the_paths_route_before_the_detail_route():
    assert resolve(URL).func.cls is AnnualImportViewSet


def test_a_good_sheet_is_saved_and_audited_once(staff_api, cadres):
    sheet = xlsx([(c.id_number, c.name, 2025, "称职", "") for c in cadres])
    answer = post(staff_api, sheet)
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"created": 3, "updated": 0}
    assert AnnualAssessment.objects.filter(year=2025, grade="competent").count() == 3
    record = AnnualImport.objects.get()
    assert record.state == AnnualImport.State.DONE and record.created == 3
    entries = AuditEntry.objects.filter(action="import")
    assert entries.count() == 1
    assert entries.get().changes["counts"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert not AuditEntry.objects.filter(action="create", object_type__contains="annual").exists()
    # Again, with one grade changed: an update, still one entry per import.
    sheet = xlsx([(cadres[0].id_number, cadres[0].name, 2025, "基本称职", "有待提高")]
                 + [(c.id_number, c.name, 2025, "称职", "") for c in cadres[1:]])
    assert post(staff_api, sheet).json() == {"created": 0, "updated": 1}
    assert AuditEntry.objects.filter(action="import").count() == 2


def test_every_bad_row_is_named_at_once_and_nothing_is_saved(staff_api, cadres, tree):
    outside = CadreFactory(unit=tree["other"], name="李四")
    sheet = xlsx([
        (cadres[0].id_number, cadres[0].name, 2025, "称职", ""),  # row 2: good
        (cadres[1].id_number, cadres[1].name, 2025, "良好", ""),  # row 3: wrong grade
        ("11010519800517001X", "王五", 2025, "称职", ""),  # row 4: bad check digit or unknown
        (outside.id_number, "李四", 2025, "称职", ""),  # row 5: outside scope = unknown
        (cadres[2].id_number, "别人", 2025, "称职", ""),  # row 6: name does not match
        (cadres[0].id_number, cadres[0].name, 2025, "优秀", ""),  # row 7: duplicate of row 2
        (cadres[2].id_number, cadres[2].name, "去年", "称职", ""),  # row 8: bad year
    ])
    answer = post(staff_api, sheet)
    assert answer.status_code == 400, answer.content
    rows = {r["row"]: " ".join(r["errors"]) for r in answer.json()["rows"]}
    assert set(rows) == {3, 4, 5, 6, 7, 8}
    assert "等次“良好”无效" in rows[3]
    assert "不存在或不在您的管辖范围内" in rows[5]
    assert outside.id_number not in answer.content.decode()
    assert mask(outside.id_number) in rows[5]
    assert "姓名“别人”与身份证号" in rows[6]
    assert "与第 2 行重复" in rows[7]
    assert "年度" in rows[8]
    assert not AnnualAssessment.objects.exists()
    assert not AnnualImport.objects.exists()
    assert not AuditEntry.objects.filter(action="import").exists()


def test_an_unknown_id_number_is_masked_in_the_answer(staff_api, cadres):
    unknown = CadreFactory.build().id_number  # valid, never saved
    answer = post(staff_api, xlsx([(unknown, "某人", 2025, "称职", "")]))
    assert answer.status_code == 400
    assert answer.json() == {"rows": [{"row": 2, "errors": [
        f"身份证号 {mask(unknown)} 对应的干部不存在或不在您的管辖范围内。"]}]}
    assert unknown not in answer.content.decode()


def test_merged_cells_are_named_with_their_row(staff_api, cadres):
    sheet = xlsx([(c.id_number, c.name, 2025, "称职", "") for c in cadres], merge="C3:C4")
    answer = post(staff_api, sheet)
    assert answer.status_code == 400
    rows = answer.json()["rows"]
    assert rows[0]["row"] == 3 and "合并单元格" in rows[0]["errors"][-1]
    assert not AnnualAssessment.objects.exists()


@pytest.mark.parametrize("content, words", [
    (xlsx([]), "没有数据"),
    (xlsx([], header=None), "表头缺少"),
    (xlsx([("x", "y", 2025, "称职")], header=["编号", "名字", "年份", "结果"]), "表头缺少"),
    (b"%PDF-1.4\n%%EOF\n", "不是 Excel"),
    (b"just some text, not a workbook", "不是 Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
    (b"PK\x03\x04 not really a zip", "不是 Excel"),
    (b"", "文件为空"),
])
def test_a_file_that_is_not_a_sheet_of_grades_is_a_clear_400(staff_api, tree, content, words):
    answer = post(staff_api, content)
    assert answer.status_code == 400, answer.content
    assert words in " ".join(answer.json()["file"])


def test_a_word_file_renamed_to_xlsx_is_refused(staff_api, tree):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "wordprocessingml.document.main")
        archive.writestr("word/document.xml", "<w/>")
    answer = post(staff_api, out.getvalue())
    assert answer.status_code == 400
    assert "不是 Excel" in answer.json()["file"][0]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(staff_api, tree):
    """A sheet of a few hundred KiB whose parts would unpack to over 200 MB: refused by the
    sizes its directory declares, and nothing is read."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "spreadsheetml.sheet.main")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (201 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024
    answer = post(staff_api, out.getvalue())
    assert answer.status_code == 400, answer.content
    assert "解压后过大" in answer.json()["file"][0]
    assert not AnnualAssessment.objects.exists()


def test_a_12_mb_file_is_413(staff_api, tree):
    answer = post(staff_api, b"PK\x03\x04" + b"\0" * (12 * 1024 * 1024))
    assert answer.status_code == 413
    assert "MB" in answer.json()["detail"]


def test_a_dry_run_saves_nothing_and_says_what_it_would_do(staff_api, cadres):
    annual_save(actor=UserFactory(roles=[Role.ADMIN]), rows=[AnnualRow(cadres[0], 2025, "competent")])
    sheet = xlsx([(c.id_number, c.name, 2025, "基本称职", "") for c in cadres])
    answer = post(staff_api, sheet, dry_run="true")
    assert answer.json() == {"created": 2, "updated": 1}
    assert AnnualAssessment.objects.count() == 1
    assert AnnualAssessment.objects.get().grade == "competent"
    assert not AnnualImport.objects.exists()
    assert not AuditEntry.objects.filter(action="import").exists()


def test_a_reader_may_not_import(as_user, tree, cadres):
    reader = UserFactory(roles=[Role.REVIEWER], units=[tree["district"]])
    answer = post(as_user(reader), xlsx([(cadres[0].id_number, cadres[0].name, 2025, "称职", "")]))
    assert answer.status_code == 403
    assert not AnnualAssessment.objects.exists()


def _sheet_of(n, unit):
    people = CadreFactory.create_batch(n, unit=unit)
    return xlsx([(c.id_number, c.name, 2025, "称职", "") for c in people])


def test_the_query_count_does_not_grow_with_the_rows(tree, staff_user, django_assert_num_queries):
    small, large = _sheet_of(50, tree["street"]), _sheet_of(500, tree["street"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    annual_import(actor=staff_user, data=_sheet_of(1, tree["street"]))  # content types cached
    staff_user.refresh_from_db()
    with CaptureQueriesContext(connection) as first:
        annual_import(actor=staff_user, data=small, name="a.xlsx")
    staff_user.refresh_from_db()
    with django_assert_num_queries(len(first.captured_queries)):
        annual_import(actor=staff_user, data=large, name="b.xlsx")
    assert AnnualAssessment.objects.count() == 551


def test_a_large_sheet_runs_as_a_job(staff_api, staff_user, tree, settings,
                                     django_capture_on_commit_callbacks):
    settings.DANDANG = {**settings.DANDANG, "ANNUAL_IMPORT_JOB_ABOVE": 5}
    people = CadreFactory.create_batch(8, unit=tree["street"])
    sheet = xlsx([(c.id_number, c.name, 2025, "称职", "") for c in people])
    with django_capture_on_commit_callbacks(execute=True):  # Celery is eager: the job runs
        with_capture = post(staff_api, sheet)
    assert with_capture.status_code == 202, with_capture.content
    job = Job.objects.get(pk=with_capture.json()["job"])
    assert job.state == Job.State.DONE, job.result
    assert job.result == {"created": 8, "updated": 0, "unchanged": 0}
    assert AnnualAssessment.objects.count() == 8
    record = AnnualImport.objects.get()
    assert record.job_id == job.pk and record.state == AnnualImport.State.DONE
    assert not record.file  # the sheet (whole ID numbers) is not kept
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_a_large_sheet_with_a_bad_row_is_a_job_whose_result_names_it(
    staff_api, tree, settings, django_capture_on_commit_callbacks
):
    settings.DANDANG = {**settings.DANDANG, "ANNUAL_IMPORT_JOB_ABOVE": 5}
    people = CadreFactory.create_batch(8, unit=tree["street"])
    rows = [(c.id_number, c.name, 2025, "称职", "") for c in people]
    rows[3] = (people[3].id_number, people[3].name, 2025, "甲等", "")
    with django_capture_on_commit_callbacks(execute=True):
        answer = post(staff_api, xlsx(rows))
    job = Job.objects.get(pk=answer.json()["job"])
    assert job.result["rows"][0]["row"] == 5
    assert not AnnualAssessment.objects.exists()
    assert AnnualImport.objects.get().state == AnnualImport.State.FAILED


def test_the_template_has_the_header_and_explains_the_grades(staff_api):
    answer = staff_api.get("/api/v1/annual-assessments/import-template/")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    assert [c.value for c in book.worksheets[0][1]] == HEADER
    notes = " ".join(str(c.value) for row in book.worksheets[1].iter_rows() for c in row)
    for label in ("优秀", "称职", "基本称职", "不称职", "不定等次"):
        assert label in notes


def test_the_export_round_trips_into_the_import(as_user, tree, cadres):
    admin = UserFactory(roles=[Role.ADMIN, Role.STAFF])
    # One 优秀 place (3 × 40%): the unchanged 优秀 coming back does not count against it twice.
    ExcellenceRate.objects.create(unit=tree["street"], rate="0.40")
    annual_save(actor=admin, rows=[AnnualRow(cadres[0], 2025, "excellent", "好"),
                                   AnnualRow(cadres[1], 2025, "competent"),
                                   AnnualRow(cadres[2], 2025, "not_graded", "受处分期间")])
    api = as_user(admin)
    answer = api.get(f"/api/v1/annual-assessments/export/?unit={tree['street'].pk}&year=2025")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    again = post(api, answer.content)
    assert again.json() == {"created": 0, "updated": 0}
    assert AnnualImport.objects.get().unchanged == 3


def test_a_staff_export_masks_id_numbers_and_still_imports(staff_api, staff_user, tree, cadres):
    annual_save(actor=staff_user, rows=[AnnualRow(c, 2025, "competent") for c in cadres])
    answer = staff_api.get(f"/api/v1/annual-assessments/export/?unit={tree['street'].pk}&year=2025")
    book = load_workbook(io.BytesIO(answer.content))
    numbers = [r[0] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert numbers and all("*" in n for n in numbers)
    sheet = book.worksheets[0]
    sheet["D2"] = "基本称职"
    out = io.BytesIO()
    book.save(out)
    assert post(staff_api, out.getvalue()).json() == {"created": 0, "updated": 1}


def test_an_export_of_a_unit_outside_scope_is_404(staff_api, tree):
    answer = staff_api.get(f"/api/v1/annual-assessments/export/?unit={tree['other'].pk}&year=2025")
    assert answer.status_code == 404
    assert staff_api.get("/api/v1/annual-assessments/export/?unit=x&year=2025").status_code == 400


def test_the_service_refusal_carries_sheet_rows(staff_user, cadres):
    with pytest.raises(ImportRefused) as caught:
        annual_import(actor=staff_user, data=xlsx([
            (cadres[0].id_number, cadres[0].name, 2025, "称职", ""),
            (cadres[1].id_number, cadres[1].name, 1999, "称职", ""),
        ]))
    assert [r["row"] for r in caught.value.rows] == [3]


# The pages ----------------------------------------------------------------------------------


def test_the_page_previews_then_saves_on_confirmation(client, staff_user, cadres):
    client.force_login(staff_user)
    assert client.get("/assessments/annual/import/").status_code == 200
    sheet = xlsx([(c.id_number, c.name, 2025, "称职", "") for c in cadres])
    page = client.post("/assessments/annual/import/", {"file": upload(sheet)})
    assert page.status_code == 200
    body = page.content.decode()
    assert "将新增 3 条" in body and mask(cadres[0].id_number) in body
    assert cadres[0].id_number not in body
    assert not AnnualAssessment.objects.exists()  # a preview saves no grade
    record = AnnualImport.objects.get()
    done = client.post(f"/assessments/annual/import/{record.pk}/confirm/")
    assert done.status_code == 302
    assert AnnualAssessment.objects.count() == 3
    record.refresh_from_db()
    assert record.state == AnnualImport.State.DONE and not record.file
    # Confirmed once only.
    again = client.post(f"/assessments/annual/import/{record.pk}/confirm/")
    assert again.status_code == 400 and "已处理" in again.content.decode()


def test_the_page_shows_the_refused_rows_in_a_table(client, staff_user, cadres):
    client.force_login(staff_user)
    sheet = xlsx([(cadres[0].id_number, cadres[0].name, 2025, "甲等", "")])
    page = client.post("/assessments/annual/import/", {"file": upload(sheet)})
    assert page.status_code == 400
    body = page.content.decode()
    assert "第 2 行" in body and "等次“甲等”无效" in body
    assert not AnnualImport.objects.exists()


def test_the_page_refuses_a_file_that_is_not_excel_and_a_large_one(client, staff_user):
    client.force_login(staff_user)
    page = client.post("/assessments/annual/import/", {"file": upload(b"%PDF-1.4 x")})
    assert page.status_code == 400 and "不是 Excel" in page.content.decode()
    big = client.post("/assessments/annual/import/",
                      {"file": upload(b"PK\x03\x04" + b"\0" * (12 * 1024 * 1024))})
    assert big.status_code == 413


def test_a_large_sheet_on_the_page_goes_to_its_job(client, staff_user, tree, settings,
                                                  django_capture_on_commit_callbacks):
    settings.DANDANG = {**settings.DANDANG, "ANNUAL_IMPORT_JOB_ABOVE": 2}
    client.force_login(staff_user)
    page = client.post("/assessments/annual/import/", {"file": upload(_sheet_of(4, tree["street"]))})
    assert "共 4 行" in page.content.decode()
    record = AnnualImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/assessments/annual/import/{record.pk}/confirm/",
                              {"background": "1"})
    assert started.status_code == 302 and started.url.startswith("/jobs/")
    assert AnnualAssessment.objects.count() == 4


def _run_in_background(client, sheet, capture):
    client.post("/assessments/annual/import/", {"file": upload(sheet)})
    record = AnnualImport.objects.latest("pk")
    with capture(execute=True):
        started = client.post(f"/assessments/annual/import/{record.pk}/confirm/", {"background": "1"})
    return client.get(started.url).content.decode()


def test_a_background_import_reads_in_words_on_its_job_page(client, staff_user, tree, settings,
                                                           django_capture_on_commit_callbacks):
    # Found in a browser: the job page named the kind "assessments.annual_import" and showed the
    # refused rows as a Python list ([{'row': 7, 'errors': [...]}]) under the keys "rows" etc.
    settings.DANDANG = {**settings.DANDANG, "ANNUAL_IMPORT_JOB_ABOVE": 2}
    client.force_login(staff_user)
    people = CadreFactory.create_batch(3, unit=tree["street"])
    bad = xlsx([(c.id_number, c.name, 2025, "称职", "") for c in people]
               + [(people[0].id_number, people[0].name, 2025, "甲等", "")])
    body = _run_in_background(client, bad, django_capture_on_commit_callbacks)
    assert "导入年度考核结果" in body and "assessments.annual_import" not in body
    assert "第 5 行" in body and "等次“甲等”无效" in body and "整表未保存" in body
    assert "{&#x27;row&#x27;" not in body and "<dt class=\"mono\">rows</dt>" not in body
    assert not AnnualAssessment.objects.exists()

    good = xlsx([(c.id_number, c.name, 2025, "称职", "") for c in people])
    body = _run_in_background(client, good, django_capture_on_commit_callbacks)
    assert "已导入：新增 3 条，更新 0 条，未变 0 条。" in body
    assert AnnualAssessment.objects.count() == 3


def test_the_export_page_gives_the_sheet_of_a_unit_in_scope(client, staff_user, tree, cadres):
    client.force_login(staff_user)
    assert client.get("/assessments/annual/export/").status_code == 200
    answer = client.get(f"/assessments/annual/export/?unit={tree['street'].pk}&year=2025")
    assert answer.status_code == 200 and answer["Content-Type"] == XLSX
    outside = client.get(f"/assessments/annual/export/?unit={tree['other'].pk}&year=2025")
    assert outside.status_code == 400
    assert client.get("/assessments/annual/import/template/")["Content-Type"] == XLSX


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
