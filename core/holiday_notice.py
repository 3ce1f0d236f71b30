"""The State Council's yearly holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知), read
from its pasted text into days off and make-up working days, and saved as a calendar year.

The notice's wording has varied over the years; what holds is: each holiday is one numbered
line ("一、元旦：…"), its sentences either give days off (放假, 补休, 调休, 连休) as a single day,
a range within a month ("4月4日（周六）至6日（周一）") or across months or years ("2018年12月30日至
2019年1月1日"), often closed by "共N天", or list make-up working days ending in 上班 ("1月26日
（周日）、2月8日（周六）上班"). Notes in brackets (weekday, lunar date) are dropped."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_record
from .models import CalendarYear, HolidayDay

_NUMERALS = "一二三四五六七八九十"
_TITLE_YEAR = re.compile(r"关于\s*(\d{4})\s*年\s*部分节假日安排")
_ITEM = re.compile(
    rf"(?:^|(?<=[。\n])|(?<=通知))\s*[{_NUMERALS}]{{1,3}}\s*[、.．]\s*(?P<name>[^：:\n]{{1,40}}?)\s*[：:]"
)
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_DATE = re.compile(r"(?:(?P<y>\d{4})\s*年)?\s*(?:(?P<m>\d{1,2})\s*月)?\s*(?P<d>\d{1,2})\s*日")
_RANGE = re.compile(
    rf"(?P<a>{_DATE.pattern.replace('?P<', '?P<a')})\s*(?:至|到|—|-|～|~)\s*"
    rf"(?P<b>{_DATE.pattern.replace('?P<', '?P<b')})"
)
_TOTAL = re.compile(r"共\s*(\d{1,2})\s*天")
_OFF_WORDS = ("放假", "补休", "调休", "连休", "休息")


@dataclass
class NoticeHoliday:
    """One numbered line of the notice: its name, days off and make-up working days."""

    name: str
    days_off: list[dt.date] = field(default_factory=list)
    workdays: list[dt.date] = field(default_factory=list)


@dataclass
class Notice:
    year: int
    holidays: list[NoticeHoliday]

    def days(self) -> list[tuple[dt.date, bool, str]]:
        """(date, is_workday, name) for every day the notice names, by date."""
        rows = [(d, False, h.name) for h in self.holidays for d in h.days_off]
        rows += [(d, True, h.name) for h in self.holidays for d in h.workdays]
        return sorted(rows)

    def days_outside_year(self) -> list[tuple[dt.date, bool, str]]:
        """Days the notice names in a neighbouring year (a New Year break that starts on
        30 December): they belong to that year's calendar and are not saved with this one."""
        return [row for row in self.days() if row[0].year != self.year]


def _date(year: int, month: int, day: int, where: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("“%(where)s”中的日期 %(month)s月%(day)s日 不存在。")
            % {"where": where, "month": month, "day": day}
        ) from None


def _dates_in(text: str, year: int, where: str) -> list[dt.date]:
    """Every day text names: ranges expanded; a day without its month or year takes the one
    before it ("4月28日、29日", "9月28日至10月8日", "12月30日至1月1日" crossing the year)."""
    days: list[dt.date] = []
    year_now, month_now = year, None
    pos = 0
    while True:
        rng = _RANGE.search(text, pos)
        one = _DATE.search(text, pos)
        if one is None:
            return days
        if rng is not None and rng.start() == one.start():
            y1 = int(rng["ay"]) if rng["ay"] else year_now
            m1 = int(rng["am"]) if rng["am"] else month_now
            if m1 is None:
                raise ValidationError(_("“%(where)s”中的日期缺少月份。") % {"where": where})
            start = _date(y1, m1, int(rng["ad"]), where)
            m2 = int(rng["bm"]) if rng["bm"] else m1
            y2 = int(rng["by"]) if rng["by"] else y1
            end = _date(y2, m2, int(rng["bd"]), where)
            if end < start and not rng["by"]:
                end = _date(y2 + 1, m2, int(rng["bd"]), where)
            if not start <= end <= start + dt.timedelta(days=31):
                raise ValidationError(_("“%(where)s”中的日期范围不合理。") % {"where": where})
            days += [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
            year_now, month_now, pos = end.year, end.month, rng.end()
        else:
            y = int(one["y"]) if one["y"] else year_now
            m = int(one["m"]) if one["m"] else month_now
            if m is None:
                raise ValidationError(_("“%(where)s”中的日期缺少月份。") % {"where": where})
            day = _date(y, m, int(one["d"]), where)
            days.append(day)
            year_now, month_now, pos = day.year, day.month, one.end()


def _read_item(name: str, body: str, year: int) -> NoticeHoliday:
    holiday = NoticeHoliday(name=name)
    where = f"{name}：{body.strip()}"[:60]
    text = _BRACKETS.sub("", body)
    for sentence in re.split(r"[。；;\n]", text):
        for clause in re.split(r"[，,]", sentence):
            if not _DATE.search(clause):
                continue
            if "上班" in clause:
                holiday.workdays += _dates_in(clause, year, where)
            elif any(word in clause for word in _OFF_WORDS):
                holiday.days_off += _dates_in(clause, year, where)
            else:
                raise ValidationError(
                    _("未能理解“%(where)s”中的“%(clause)s”：应为放假或上班的日期。")
                    % {"where": where, "clause": clause.strip()}
                )
        total = _TOTAL.search(sentence) or re.search(r"放假\s*(\d{1,2})\s*天", sentence)
        if total and len(set(holiday.days_off)) != int(total.group(1)):
            raise ValidationError(
                _("“%(where)s”写明共%(n)s天，但读出的放假日期为%(found)s天，请核对原文。")
                % {"where": where, "n": total.group(1), "found": len(set(holiday.days_off))}
            )
    if not holiday.days_off:
        raise ValidationError(_("“%(where)s”中没有读出放假日期。") % {"where": where})
    holiday.days_off = sorted(set(holiday.days_off))
    holiday.workdays = sorted(set(holiday.workdays))
    return holiday


def notice_parse(text: str, *, year: int | None = None) -> Notice:
    """Read a pasted notice; the year comes from its title, or from `year` when the title is
    not pasted. Raises ValidationError, in Chinese, for text that cannot be read whole."""
    text = (text or "").replace("\r\n", "\n").replace("\u3000", " ")
    title = _TITLE_YEAR.search(text)
    if title:
        if year is not None and int(title.group(1)) != year:
            raise ValidationError(
                _("通知标题写的是%(title)s年，与所填年度%(year)s年不符。")
                % {"title": title.group(1), "year": year}
            )
        year = int(title.group(1))
    if year is None:
        raise ValidationError(_("未能从文本中读出年度：请粘贴含标题的通知全文，或填写年度。"))
    items = list(_ITEM.finditer(text))
    if not items:
        raise ValidationError(
            _(
                "未能从文本中读出节假日安排：通知中的每个节日应为一行，如“一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。”"
            )
        )
    holidays = []
    for item, following in zip(items, [*items[1:], None], strict=True):
        body = text[item.end() : following.start() if following else len(text)]
        # The closing paragraph ("节假日期间，各地区、各部门要…") is not part of the last item.
        body = re.split(r"\n\s*\n|节假日期间", body)[0]
        holidays.append(_read_item(item["name"].strip(), body, year))
    notice = Notice(year=year, holidays=holidays)
    seen: dict[dt.date, bool] = {}
    for day, is_workday, _name in notice.days():
        if seen.get(day, is_workday) != is_workday:
            raise ValidationError(
                _("%(day)s 既是放假日又是上班日，请核对原文。") % {"day": day.isoformat()}
            )
        seen[day] = is_workday
    if not any(day.year == year for day in seen):
        raise ValidationError(_("通知中没有%(year)s年的日期。") % {"year": year})
    return notice


@transaction.atomic
def calendar_year_from_notice(*, notice: Notice, source: str, actor) -> CalendarYear:
    """Save the notice's year, complete, replacing the days entered for it before; deadlines
    counted provisionally are recounted on commit (workdays.calendar_changed)."""
    from .workdays import calendar_changed

    calendar_year, created = CalendarYear.objects.select_for_update().get_or_create(
        year=notice.year, defaults={"complete": True, "source": source[:200]}
    )
    before_days = [
        f"{d.date.isoformat()} {'上班' if d.is_workday else '休'} {d.name}".strip()
        for d in calendar_year.days.order_by("date")
    ]
    before = {"complete": calendar_year.complete, "source": calendar_year.source}
    rows = [
        (day, is_workday, name)
        for day, is_workday, name in notice.days()
        if day.year == notice.year
    ]
    taken = set(
        HolidayDay.objects.filter(date__in=[d for d, _w, _n in rows])
        .exclude(calendar_year=calendar_year)
        .values_list("date", flat=True)
    )
    if taken:
        raise ValidationError(
            _("以下日期已录入在其他年度中：%(days)s。")
            % {"days": "、".join(d.isoformat() for d in sorted(taken))}
        )
    calendar_year.days.all().delete()
    HolidayDay.objects.bulk_create(
        [
            HolidayDay(calendar_year=calendar_year, date=day, is_workday=is_workday, name=name[:40])
            for day, is_workday, name in rows
        ]
    )
    calendar_year.complete, calendar_year.source = True, source[:200]
    calendar_year.save(update_fields=["complete", "source"])
    after_days = [f"{d.isoformat()} {'上班' if w else '休'} {n}".strip() for d, w, n in rows]
    changes = {}
    if created:
        changes = {"complete": [None, True], "source": [None, calendar_year.source]}
    else:
        changes = {
            k: [v, getattr(calendar_year, k)]
            for k, v in before.items()
            if v != getattr(calendar_year, k)
        }
    if before_days != after_days:
        changes["days"] = [before_days, after_days]
    if changes:
        audit_record(
            obj=calendar_year,
            actor=actor,
            action="create" if created else "update",
            changes=changes,
        )
    transaction.on_commit(lambda: calendar_changed.send(sender=CalendarYear))
    return calendar_year
