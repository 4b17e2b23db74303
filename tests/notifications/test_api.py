from datetime import date

import pytest
from rest_framework.test import APIClient

from notifications.models import Notification
from notifications.services import reminders_scan
from tasks_app.services import assignment_create
from tests.conftest import at
from tests.factories import TaskFactory

API = "/api/v1/notifications/"


@pytest.fixture
def notified(agency, focal_point, leader):
    with at(date(2024, 1, 15)):
        for due in (date(2024, 7, 1), date(2024, 6, 17)):
            assignment_create(task=TaskFactory(due_on=due), agency=agency, role="lead", owner=focal_point)
    reminders_scan(on=date(2024, 7, 1))
    return list(Notification.objects.filter(recipient=focal_point))


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_user_sees_only_their_own_notifications(notified, focal_point, leader):
    mine = client_for(focal_point).get(API).json()
    theirs = client_for(leader).get(API).json()

    assert sorted(row["id"] for row in mine["results"]) == sorted(n.pk for n in notified)
    assert [row["kind"] for row in theirs["results"]] == ["escalation"]


def test_reading_one_then_filtering_unread(notified, focal_point):
    client = client_for(focal_point)

    response = client.post(f"{API}{notified[0].pk}/read/")

    assert (response.status_code, response.json()["is_read"]) == (200, True)
    unread = client.get(f"{API}?unread=true").json()
    assert [row["id"] for row in unread["results"]] == [n.pk for n in notified[1:]]


def test_read_all_marks_every_unread_one(notified, focal_point):
    response = client_for(focal_point).post(f"{API}read-all/")

    assert response.json() == {"marked": len(notified)}
    assert not Notification.objects.filter(recipient=focal_point, read_at__isnull=True).exists()


def test_someone_elses_notification_is_404_and_stays_unread(notified, leader):
    response = client_for(leader).post(f"{API}{notified[0].pk}/read/")

    assert response.status_code == 404
    assert Notification.objects.get(pk=notified[0].pk).read_at is None


def test_the_list_runs_a_fixed_number_of_queries(notified, agency, focal_point, django_assert_max_num_queries):
    with at(date(2024, 1, 15)):
        for _ in range(10):
            assignment_create(task=TaskFactory(due_on=date(2024, 7, 1)), agency=agency, role="lead", owner=focal_point)
    reminders_scan(on=date(2024, 7, 1))

    with django_assert_max_num_queries(3):
        response = client_for(focal_point).get(API)

    assert response.status_code == 200
    assert len(response.json()["results"]) == len(notified) + 10


@pytest.mark.parametrize("odd_id", ["³", "x", "99999999999999999999"])
def test_an_id_that_is_not_a_plain_number_is_a_bad_request(odd_id, focal_point):
    client = APIClient()
    client.force_authenticate(focal_point)

    response = client.post(f"/api/v1/notifications/{odd_id}/read/")

    assert response.status_code == 400
