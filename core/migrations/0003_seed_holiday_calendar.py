"""Seed the holiday calendar from the chinesecalendar package, for every year it covers.

Later years are entered by an administrator in the admin once the State Council publishes
them; until then working-day counts that reach such a year say so instead of guessing."""

from django.db import migrations

# chinesecalendar names its holidays in English; the calendar shows the official names.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def seed(apps, schema_editor):
    import chinese_calendar
    from chinese_calendar import constants

    CalendarYear = apps.get_model("core", "CalendarYear")
    HolidayDay = apps.get_model("core", "HolidayDay")
    days = [(d, False, n) for d, n in constants.holidays.items()]
    days += [(d, True, n) for d, n in constants.workdays.items()]
    years = sorted({d.year for d, _, _ in days})
    source = f"chinesecalendar {getattr(chinese_calendar, '__version__', '')}".strip()
    year_rows = {
        y: CalendarYear.objects.get_or_create(year=y, defaults={"complete": True, "source": source})[0]
        for y in years
    }
    existing = set(HolidayDay.objects.values_list("date", flat=True))
    HolidayDay.objects.bulk_create([
        HolidayDay(calendar_year=year_rows[d.year], date=d, is_workday=is_workday,
                   name=HOLIDAY_NAMES.get(name, name))
        for d, is_workday, name in sorted(days) if d not in existing
    ])


def unseed(apps, schema_editor):
    apps.get_model("core", "CalendarYear").objects.filter(source__startswith="chinesecalendar").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar_notifications")]
    operations = [migrations.RunPython(seed, unseed)]
