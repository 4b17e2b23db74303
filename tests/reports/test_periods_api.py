"""GET /api/v1/report-periods/: the periods of a year, with their first day and cut-off."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
URL = "/api/v1/report-periods/"


@pytest.fixture
def api(focal_point):
    client = APIClient()
    client.force_authenticate(focal_point)
    return client


def test_the_quarters_of_a_year_with_their_first_day_and_cut_off(api):
    response = api.get(URL, {"kind": "quarter", "year": 2024})

    assert response.status_code == 200
    assert [(p["number"], p["label"], p["start"], p["end"]) for p in response.json()] == [
        (1, "Quý I năm 2024", "2023-12-15", "2024-03-14"),
        (2, "Quý II năm 2024", "2024-03-15", "2024-06-14"),
        (3, "Quý III năm 2024", "2024-06-15", "2024-09-14"),
        (4, "Quý IV năm 2024", "2024-09-15", "2024-12-14"),
    ]


def test_without_a_kind_every_calendar_kind_is_listed(api):
    periods = api.get(URL, {"year": 2024}).json()

    assert [p["kind"] for p in periods] == ["month"] * 12 + ["quarter"] * 4 + ["half_year", "nine_months", "year"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"kind": "week", "year": 2024}, "kind"),
        ({"kind": "ad_hoc", "year": 2024}, "kind"),
        ({"kind": "month"}, "year"),
        ({"kind": "month", "year": "hai nghìn"}, "year"),
        ({"kind": "month", "year": 1990}, "year"),
        ({"kind": "month", "year": 10**30}, "year"),
    ],
)
def test_a_bad_kind_or_year_is_a_400_on_its_field(api, query, field):
    response = api.get(URL, query)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_the_year_message_says_which_years(api):
    assert api.get(URL, {"year": 2018}).json() == {
        "year": ["Năm báo cáo phải từ 2019 (Nghị định 09/2019/NĐ-CP) đến 2100."]
    }


def test_anonymous_callers_are_asked_to_sign_in(db):
    assert APIClient().get(URL, {"year": 2024}).status_code == 401
