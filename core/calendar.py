"""Vietnam's working days: weekends and public holidays (Tết, Hùng Kings' day, 30/4, 1/5,
2/9 and the Government's bridges and make-up Saturdays) from the maintained `holidays`
package, plus the days the Government announces that the package does not know yet,
from settings (TRACKER_EXTRA_DAYS_OFF, TRACKER_EXTRA_WORKING_DAYS)."""

from datetime import date, timedelta
from functools import cache

import holidays
from django.conf import settings


@cache
def _vietnam(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year, language="vi")


def is_working_day(day: date) -> bool:
    if day in settings.TRACKER_EXTRA_WORKING_DAYS:
        return True
    if day in settings.TRACKER_EXTRA_DAYS_OFF:
        return False
    return _vietnam(day.year).is_working_day(day)


def previous_working_day(day: date) -> date:
    """The last working day before `day` (a Monday's is the Friday before; after Tết, the day before it)."""
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_days_after(day: date, count: int) -> date:
    """The `count`-th working day after `day` (5 after a Friday is the next Friday, Tết skipped)."""
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
