"""The illustrative follow-ups `make run` adds for trying the committee's desks."""

import io

import pytest
from django.core.management import CommandError, call_command

from tasks_app.models import ExplanationRequest, ExplanationStatus, Obstacle, ObstacleStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plans_2024")]


def run(name):
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_accounts(settings, plans_2024):
    settings.DEBUG = True
    run("seed_demo_users")


@pytest.mark.usefixtures("demo_accounts")
def test_one_explanation_request_in_each_state_marked_as_illustrative():
    run("seed_demo_followups")

    requests = ExplanationRequest.objects.select_related("agency")
    assert {(r.agency.code, r.status) for r in requests} == {
        ("BCA", ExplanationStatus.OPEN),
        ("01", ExplanationStatus.ANSWERED),
        ("79", ExplanationStatus.ACCEPTED),
    }
    assert all(r.message.startswith("[Minh họa]") for r in requests)
    answered = requests.get(agency__code="01")
    assert all(item.reason.startswith("[Minh họa]") and item.committed_on for item in answered.items.all())
    assert answered.items.first().answered_by.username == "demo.01.focal"


@pytest.mark.usefixtures("demo_accounts")
def test_one_obstacle_in_each_state_addressed_to_a_ministry_or_the_committee():
    run("seed_demo_followups")

    obstacles = Obstacle.objects.select_related("assignment__agency", "addressee")
    assert {(o.assignment.agency.code, o.addressee.code if o.addressee else None, o.status) for o in obstacles} == {
        ("01", "BCA", ObstacleStatus.OPEN),
        ("79", None, ObstacleStatus.ANSWERED),
        ("BCA", "BTC", ObstacleStatus.RESOLVED),
    }
    assert all(o.text.startswith("[Minh họa]") for o in obstacles)
    assert obstacles.get(status=ObstacleStatus.ANSWERED).answered_by.username == "demo.staff"


@pytest.mark.usefixtures("demo_accounts")
def test_running_it_again_adds_nothing():
    run("seed_demo_followups")
    steps = ExplanationRequest.objects.values_list("pk", "status")

    obstacles = Obstacle.objects.values_list("pk", "status")
    before = (list(steps), list(obstacles))

    assert "0 explanation requests and 0 difficulties" in run("seed_demo_followups")
    assert (list(steps), list(obstacles)) == before


def test_refused_without_debug_or_without_the_demo_accounts(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        run("seed_demo_followups")
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_demo_users"):
        run("seed_demo_followups")
    assert not ExplanationRequest.objects.exists()
    assert not Obstacle.objects.exists()
