"""The illustrative follow-ups `make run` adds for trying the committee's desks."""

import io

import pytest
from django.core.management import CommandError, call_command

from tasks_app.models import ExplanationRequest, ExplanationStatus

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
def test_running_it_again_adds_nothing():
    run("seed_demo_followups")
    steps = ExplanationRequest.objects.values_list("pk", "status")

    assert "already" in run("seed_demo_followups")
    assert list(steps) == list(ExplanationRequest.objects.values_list("pk", "status"))


def test_refused_without_debug_or_without_the_demo_accounts(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        run("seed_demo_followups")
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_demo_users"):
        run("seed_demo_followups")
    assert not ExplanationRequest.objects.exists()
