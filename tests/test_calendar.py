from datetime import date

import pytest

from core.calendar import is_working_day, previous_working_day


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 7, 1), True),  # a Monday
        (date(2024, 6, 30), False),  # a Sunday
        (date(2024, 2, 12), False),  # Mùng ba Tết
        (date(2024, 4, 18), False),  # Giỗ Tổ Hùng Vương
        (date(2024, 4, 29), False),  # the bridge before 30/4
        (date(2024, 5, 4), True),  # the Saturday worked in exchange
        (date(2024, 9, 3), False),  # the second day of Quốc khánh
    ],
)
def test_working_days_follow_vietnams_calendar(day, working):
    assert is_working_day(day) is working


def test_announced_days_off_and_working_days_from_settings(settings):
    settings.TRACKER_EXTRA_DAYS_OFF = frozenset({date(2024, 7, 2)})
    settings.TRACKER_EXTRA_WORKING_DAYS = frozenset({date(2024, 7, 6)})

    assert not is_working_day(date(2024, 7, 2))
    assert is_working_day(date(2024, 7, 6))


def test_the_working_day_before_a_monday_is_friday_and_after_tet_the_day_before_it():
    assert previous_working_day(date(2024, 7, 1)) == date(2024, 6, 28)
    assert previous_working_day(date(2024, 2, 15)) == date(2024, 2, 7)
