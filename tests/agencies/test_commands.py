from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from agencies.models import Agency, AgencyMembership, MembershipRole
from agencies.selectors import user_roles
from tasks_app.models import AssignmentRole, EventKind, Plan
from tasks_app.services import assignment_create
from tests.factories import AgencyFactory, PlanFactory, TaskFactory

User = get_user_model()


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def unowned(db):
    agency = AgencyFactory(code="BTP")
    return assignment_create(task=TaskFactory(), agency=agency, role=AssignmentRole.LEAD)


class TestSeedDemoUsers:
    def test_refused_when_debug_is_off(self, settings, unowned):
        settings.DEBUG = False

        with pytest.raises(CommandError):
            run("seed_demo_users")
        assert not User.objects.filter(username__startswith="demo.").exists()

    def test_creates_every_role_and_gives_unowned_work_to_the_focal_point(self, settings, unowned):
        settings.DEBUG = True

        output = run("seed_demo_users")

        focal = User.objects.get(username="demo.btp.focal")
        assert user_roles(User.objects.get(username="demo.staff")).is_committee_staff
        assert user_roles(focal).focal_point_agency_ids == {unowned.agency_id}
        assert user_roles(User.objects.get(username="demo.btp.leader")).leader_agency_ids == {unowned.agency_id}
        assert focal.email == "demo.btp.focal@example.org"
        assert focal.check_password("demo-tracker06")
        unowned.refresh_from_db()
        assert unowned.owner == focal
        assert unowned.events.first().kind == EventKind.OWNER
        assert "demo.staff" in output

    def test_running_twice_adds_nothing(self, settings, unowned):
        settings.DEBUG = True
        run("seed_demo_users")
        counts = (User.objects.count(), AgencyMembership.objects.count(), unowned.events.count())

        run("seed_demo_users")

        assert (User.objects.count(), AgencyMembership.objects.count(), unowned.events.count()) == counts

    def test_agency_codes_with_d_stroke_give_ascii_usernames(self, settings, db):
        settings.DEBUG = True
        AgencyFactory(code="BKHĐT")

        run("seed_demo_users")

        assert AgencyMembership.objects.get(role=MembershipRole.FOCAL_POINT).user.username == "demo.bkhdt.focal"


class TestCreateAdmin:
    def test_prints_a_password_once_that_logs_in(self, db):
        output = run("create_admin")
        password = output.split(" / ")[1].split()[0]

        assert User.objects.get(username="admin").check_password(password)
        assert password not in run("create_admin")
        assert User.objects.filter(is_superuser=True).count() == 1


class TestLoadInitialData:
    def test_skips_what_is_already_loaded(self, db):
        PlanFactory(code="DA06-2024")
        agency = AgencyFactory(code="01", name="Tên đã sửa")

        output = run("load_initial_data")

        assert "already loaded" in output
        assert Agency.objects.get(pk=agency.pk).name == "Tên đã sửa"
        assert Plan.objects.count() == 1

    def test_loads_the_agencies_into_an_empty_table(self, db):
        PlanFactory(code="DA06-2024")

        call_command("load_initial_data", verbosity=0)

        assert Agency.objects.filter(kind="province").count() == 63
