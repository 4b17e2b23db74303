"""Each user's private calendar address: the deadlines still ahead of their work, as all-day
events that parse back as iCalendar; renewed, the old address stops at once."""

import re
from datetime import date

import pytest
from django.urls import reverse
from icalendar import Calendar

from calendars.models import CalendarFeed
from tasks_app.models import AssignmentRole
from tasks_app.services import assignment_create, assignment_transition, explanation_request_create
from tasks_app.workflow import Action
from tests.conftest import at
from tests.factories import PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db
TODAY = date(2024, 7, 10)


def renewed_addresses(client, user) -> list[str]:
    client.force_login(user)
    with at(TODAY):
        page = client.post(reverse("calendar_page"))
    assert page.status_code == 200
    return re.findall(r'readonly value="([^"]+)"', page.content.decode())


def events_of(client, address):
    client.logout()
    with at(TODAY):
        response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    return [component for component in Calendar.from_ical(response.content).walk("VEVENT")]


@pytest.fixture
def work(agency, other_agency, focal_point, other_focal_point, staff):
    plan = PlanFactory(code="DA06-T")
    with at(date(2024, 1, 15)):
        due = assignment_create(
            task=TaskFactory(plan=plan, number=7, title="Kết nối dữ liệu dân cư", due_on=date(2024, 7, 31)),
            agency=agency,
            role=AssignmentRole.LEAD,
            owner=focal_point,
        )
        late = assignment_create(
            task=TaskFactory(plan=plan, number=8, title="Số hóa hộ tịch", due_on=date(2024, 6, 30)),
            agency=agency,
            role=AssignmentRole.LEAD,
            owner=focal_point,
        )
        reported = assignment_create(
            task=TaskFactory(plan=plan, number=9, due_on=date(2024, 8, 31)), agency=agency, role=AssignmentRole.LEAD
        )
        assignment_create(task=due.task, agency=other_agency, role=AssignmentRole.SUPPORT, owner=other_focal_point)
    with at(date(2024, 7, 1)):
        assignment_transition(assignment=reported, action=Action.REPORT_DONE, actor=focal_point, note="Xong")
    with at(date(2024, 7, 8)):
        explanation_request_create(agency=agency, assignments=[late], message="Đề nghị giải trình", actor=staff)
    return {"plan": plan, "due": due, "late": late}


def test_a_focal_point_sees_their_agencys_deadlines_and_explanation_dates_as_all_day_events(client, focal_point, work):
    (address,) = renewed_addresses(client, focal_point)

    events = {str(event["summary"]): event for event in events_of(client, address)}

    assert set(events) == {
        "Hạn: DA06-T #7 Kết nối dữ liệu dân cư",
        "Hạn: DA06-T #8 Số hóa hộ tịch",
        "Hạn giải trình: DA06-T #8",
    }
    deadline = events["Hạn: DA06-T #7 Kết nối dữ liệu dân cư"]
    assert deadline.decoded("dtstart") == date(2024, 7, 31)
    assert deadline.decoded("dtend") == date(2024, 8, 1)
    assert str(deadline["url"]).endswith(f"/assignments/{work['due'].pk}/")
    assert "Bộ Công an (thử nghiệm)" in str(deadline["description"])
    assert events["Hạn giải trình: DA06-T #8"].decoded("dtstart") == date(2024, 7, 15), "5 working days after 8/7"
    assert len({str(event["uid"]) for event in events.values()}) == 3


def test_another_agency_sees_only_its_own_work(client, other_focal_point, work):
    (address,) = renewed_addresses(client, other_focal_point)

    assert [str(event["summary"]) for event in events_of(client, address)] == ["Hạn: DA06-T #7 Kết nối dữ liệu dân cư"]


def test_committee_staff_get_one_address_per_plan_counting_the_agencies_not_done(client, staff, work):
    PlanFactory(code="CDS-T")

    addresses = renewed_addresses(client, staff)

    assert len(addresses) == 2
    plan_address = next(a for a in addresses if a.endswith("/DA06-T.ics"))
    events = {str(event["summary"]): str(event["description"]) for event in events_of(client, plan_address)}
    assert events["Hạn: DA06-T #7 Kết nối dữ liệu dân cư"].startswith("2 cơ quan chưa báo cáo hoàn thành.")
    assert "Hạn: DA06-T #8 Số hóa hộ tịch" in events


def test_a_renewed_address_stops_the_old_one_at_once_and_only_a_digest_is_kept(client, focal_point, work):
    (old,) = renewed_addresses(client, focal_point)
    (new,) = renewed_addresses(client, focal_point)
    client.logout()

    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    secret = new.rsplit("/", 1)[1].removesuffix(".ics")
    assert secret not in CalendarFeed.objects.get().secret_digest
    assert CalendarFeed.objects.count() == 1


def test_a_guessed_address_a_deactivated_user_and_a_plan_address_for_a_focal_point_are_404(client, focal_point, work):
    (address,) = renewed_addresses(client, focal_point)
    client.logout()
    secret = address.rsplit("/", 1)[1].removesuffix(".ics")

    assert client.get(reverse("calendar_feed", args=["x" * 43])).status_code == 404
    assert client.get(reverse("calendar_plan_feed", args=[secret, "DA06-T"])).status_code == 404
    focal_point.is_active = False
    focal_point.save()
    assert client.get(address).status_code == 404


def test_the_page_shows_the_address_once_and_is_refused_to_a_user_without_work(
    client, focal_point, work, django_user_model
):
    client.force_login(focal_point)
    renewed_addresses(client, focal_point)

    again = client.get(reverse("calendar_page")).content.decode()
    assert "readonly value=" not in again
    assert "Đổi địa chỉ lịch" in again
    client.force_login(django_user_model.objects.create_user("nobody"))
    assert client.get(reverse("calendar_page")).status_code == 403
    assert client.post(reverse("calendar_page")).status_code == 403
    assert not CalendarFeed.objects.filter(user__username="nobody").exists()


def test_the_feed_reads_a_fixed_number_of_queries(client, focal_point, agency, work, django_assert_max_num_queries):
    (address,) = renewed_addresses(client, focal_point)
    with at(date(2024, 1, 15)):
        for number in range(20, 40):
            task = TaskFactory(plan=work["plan"], number=number, due_on=date(2024, 9, 30))
            assignment_create(task=task, agency=agency, role=AssignmentRole.LEAD)
    client.logout()

    with django_assert_max_num_queries(8), at(TODAY):
        response = client.get(address)
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 23
