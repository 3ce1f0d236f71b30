"""The State Council's holiday notice, pasted by an administrator: read, previewed, saved."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.holiday_notice import calendar_year_from_notice, notice_parse
from core.models import AuditEntry, CalendarYear, HolidayDay
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = dt.date

NOTICE_2025 = """国务院办公厅关于2025年部分节假日安排的通知
国办发明电〔2024〕12号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
根据《国务院关于修改〈全国年节及纪念日放假办法〉的决定》，为便于各地区、各部门及早合理安排节假日旅游、交通运输、生产经营等有关工作，经国务院批准，现将2025年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。

节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2024年11月11日
"""

NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知
经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。
"""

# Older wording: 星期, single days with 补休, a day alone with 放假, no line breaks.
NOTICE_2015 = (
    "国务院办公厅关于2015年部分节假日安排的通知"
    "一、元旦：1月1日至3日放假调休，共3天。1月4日（星期日）上班。"
    "二、春节：2月18日至24日放假调休，共7天。2月15日（星期日）、2月28日（星期六）上班。"
    "三、清明节：4月5日放假，4月6日（星期一）补休。"
    "四、劳动节：5月1日放假，与周末连休。"
    "五、端午节：6月20日放假，6月22日（星期一）补休。"
    "六、中秋节：9月27日放假。"
    "七、国庆节：10月1日至7日放假调休，共7天。10月10日（星期六）上班。"
    # Added by a later notice that year, in the same wording.
    "八、中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日：9月3日至5日放假调休，共3天。9月6日（星期日）上班。"
)

# The New Year break starts in the year before (and 劳动节 as amended in March 2019).
NOTICE_2019 = """国务院办公厅关于2019年部分节假日安排的通知
一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。
二、春节：2月4日至10日放假调休，共7天。2月2日（星期六）、2月3日（星期日）上班。
三、清明节：4月5日放假，与周末连休。
四、劳动节：5月1日至4日放假调休，共4天。4月28日（星期日）、5月5日（星期日）上班。
五、端午节：6月7日放假，与周末连休。
六、中秋节：9月13日放假，与周末连休。
七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
"""


def _departures(days) -> set[tuple[dt.date, bool]]:
    """The days whose status departs from the Monday-to-Friday rule (a weekend listed as part
    of a break, "与周末连休", changes nothing)."""
    return {(day, is_workday) for day, is_workday in days if is_workday != (day.weekday() < 5)}


def _seeded(year: int) -> set[tuple[dt.date, bool]]:
    """The days off and make-up days the project already holds for year (from chinesecalendar)."""
    return _departures(
        HolidayDay.objects.filter(calendar_year__year=year).values_list("date", "is_workday")
    )


@pytest.mark.parametrize(
    ("text", "year"),
    [(NOTICE_2025, 2025), (NOTICE_2026, 2026), (NOTICE_2015, 2015), (NOTICE_2019, 2019)],
)
def test_a_notice_reads_as_the_calendar_held_for_its_year(text, year):
    notice = notice_parse(text)
    assert notice.year == year
    read = _departures(
        (day, is_workday) for day, is_workday, _name in notice.days() if day.year == year
    )
    assert read == _seeded(year)


def test_the_2026_notice_in_detail():
    notice = notice_parse(NOTICE_2026)
    spring = notice.holidays[1]
    assert spring.name == "春节"
    assert spring.days_off == [D(2026, 2, d) for d in range(15, 24)]
    assert spring.workdays == [D(2026, 2, 14), D(2026, 2, 28)]
    assert [h.name for h in notice.holidays] == [
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
    ]


def test_days_in_the_neighbouring_year_are_set_apart():
    notice = notice_parse(NOTICE_2019)
    assert notice.days_outside_year() == [
        (D(2018, 12, 29), True, "元旦"),
        (D(2018, 12, 30), False, "元旦"),
        (D(2018, 12, 31), False, "元旦"),
    ]


def test_the_year_comes_from_the_form_when_the_title_is_not_pasted():
    body = NOTICE_2026.split("\n", 1)[1]
    assert notice_parse(body, year=2026).year == 2026
    with pytest.raises(ValidationError, match="未能从文本中读出年度"):
        notice_parse(body)
    with pytest.raises(ValidationError, match="与所填年度2027年不符"):
        notice_parse(NOTICE_2026, year=2027)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "未能从文本中读出年度"),
        ("国务院办公厅关于2027年部分节假日安排的通知\n今年不放假。", "未能从文本中读出节假日安排"),
        (
            "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日至3日放假调休，共4天。",
            "共4天",
        ),
        ("国务院办公厅关于2027年部分节假日安排的通知\n一、春节：2月30日放假。", "2月30日 不存在"),
        (
            "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：放假调休，共3天。",
            "读出的放假日期为0天",
        ),
        ("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：另行通知。", "没有读出放假日期"),
        (
            "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日至3日放假，共3天。1月2日上班。",
            "既是放假日又是上班日",
        ),
        (
            "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日至3日放假，共3天。1月9日另行通知。",
            "未能理解",
        ),
    ],
)
def test_broken_text_gets_a_clear_message(text, message):
    with pytest.raises(ValidationError) as exc:
        notice_parse(text)
    assert message in exc.value.messages[0]


def test_saving_a_notice_enters_the_year_and_replaces_its_days(django_capture_on_commit_callbacks):
    from core.workdays import add_working_days

    admin = UserFactory(username="root", roles=["admin"], is_staff=True, is_superuser=True)
    text = NOTICE_2026.replace("2026", "2027")  # a made-up 2027 with 2026's wording
    text = text.replace(
        "2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）", "2月5日至13日"
    )
    text = text.replace(
        "2月14日（周六）、2月28日（周六）上班", "2月14日（周日）、2月20日（周六）上班"
    )
    notice = notice_parse(text)
    with django_capture_on_commit_callbacks(execute=True):
        year = calendar_year_from_notice(notice=notice, source="国办发明电〔2026〕", actor=admin)
    assert year.complete and year.days.filter(date=D(2027, 1, 4), is_workday=True).exists()
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    entry = AuditEntry.objects.filter(object_id=year.pk, content_type__model="calendaryear").get()
    assert entry.action == "create" and "2027-01-01 休 元旦" in entry.changes["days"][1]
    # Saved again unchanged: nothing new in the history; the days are not doubled.
    calendar_year_from_notice(notice=notice, source="国办发明电〔2026〕", actor=admin)
    assert (
        AuditEntry.objects.filter(object_id=year.pk, content_type__model="calendaryear").count()
        == 1
    )
    assert year.days.count() == len(notice.days())


def test_the_admin_page_previews_then_saves_and_refuses_broken_text(client):
    admin = UserFactory(username="root", roles=["admin"], is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = "/admin/core/calendaryear/notice/"
    assert client.get(url).status_code == 200
    text = NOTICE_2026.replace("2026", "2027").replace(
        "2月15日（农历腊月二十八、周日）至23日", "2月5日至13日"
    )
    text = text.replace("2月14日（周六）、2月28日（周六）上班", "2月20日（周六）上班")
    page = client.post(url, {"text": text, "source": "国务院办公厅通知", "preview": "1"})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="notice-preview"' in body and "2月5日" in body and 'name="save"' in body
    assert not CalendarYear.objects.filter(year=2027).exists()
    response = client.post(url, {"text": text, "source": "国务院办公厅通知", "save": "1"})
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).complete
    broken = client.post(
        url,
        {"text": "一、元旦：1月1日至3日放假，共4天。", "year": "2028", "save": "1", "source": "x"},
    )
    assert broken.status_code == 400 and "共4天" in broken.content.decode()
    assert not CalendarYear.objects.filter(year=2028).exists()


def test_only_administrators_reach_the_notice_page(client):
    staff = UserFactory(username="staff9", roles=["staff"])
    client.force_login(staff)
    response = client.get("/admin/core/calendaryear/notice/")
    assert response.status_code in (302, 403)
