"""The 2025 province merger applied to the shipped 2024 plans."""

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from agencies.models import Agency, AgencyKind, AgencyMembership
from tasks_app.counts import counts_recount, counts_stored
from tasks_app.models import OPEN_STATUSES, Assignment, EventKind, StatusEvent
from tests.conftest import at

MERGER = Path(__file__).resolve().parents[2] / "fixtures" / "source" / "province-merger-2025-07-01.csv"
EFFECTIVE = date(2025, 7, 1)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plans_2024")]


def merge(*options):
    out = StringIO()
    with at(EFFECTIVE):
        call_command("apply_agency_merger", str(MERGER), "--effective", EFFECTIVE.isoformat(), *options, stdout=out)
    return out.getvalue()


def state():
    """Everything the merger may change, to compare before and after."""
    return (
        list(Agency.objects.order_by("code").values()),
        list(Assignment.objects.order_by("pk").values("pk", "agency_id", "status", "owner_id")),
        StatusEvent.objects.count(),
        AgencyMembership.objects.count(),
    )


def provinces():
    return Agency.objects.filter(kind=AgencyKind.PROVINCE)


def test_the_63_provinces_become_34_and_open_work_moves_to_the_successors(admin_user):
    open_before = Assignment.objects.filter(agency__kind=AgencyKind.PROVINCE, status__in=OPEN_STATUSES).count()
    closed_work = dict(
        Assignment.objects.filter(agency__kind=AgencyKind.PROVINCE)
        .exclude(status__in=OPEN_STATUSES)
        .values_list("pk", "agency_id")
    )
    history = list(StatusEvent.objects.order_by("pk").values())
    assert provinces().filter(is_active=True).count() == 63

    output = merge()

    active = provinces().filter(is_active=True)
    assert active.count() == 34
    assert provinces().filter(is_active=False, valid_to=date(2025, 6, 30)).count() == 52
    tuyen_quang = Agency.objects.get(code="08-2025")
    assert (tuyen_quang.name, tuyen_quang.valid_from) == ("Tỉnh Tuyên Quang", EFFECTIVE)
    assert set(tuyen_quang.predecessors.values_list("code", flat=True)) == {"02", "08"}
    assert Agency.objects.get(code="01").is_active  # Hà Nội goes on as it was
    assert Agency.objects.get(code="46").name == "Thành phố Huế"  # renamed in place
    assert not Assignment.objects.filter(agency__is_active=False, status__in=OPEN_STATUSES).exists()
    open_after = Assignment.objects.filter(agency__in=active, status__in=OPEN_STATUSES).count()
    cancelled = StatusEvent.objects.filter(kind=EventKind.STATUS, action="cancel", note__startswith="Sáp nhập")
    assert open_after + cancelled.count() == open_before
    # Done and cancelled work stays where it was; the past is not rewritten.
    assert dict(Assignment.objects.filter(pk__in=closed_work).values_list("pk", "agency_id")) == closed_work
    assert list(StatusEvent.objects.filter(pk__in=[e["id"] for e in history]).order_by("pk").values()) == history
    moves = StatusEvent.objects.filter(kind=EventKind.AGENCY, note="Sáp nhập")
    assert (
        moves.count()
        == open_after
        - Assignment.objects.filter(agency__in=active.filter(valid_from__isnull=True), status__in=OPEN_STATUSES).count()
    )
    assert "23 successors created, 52 agencies closed" in output
    assert counts_stored() == counts_recount()


def test_the_dry_run_changes_nothing_and_says_what_would_move(admin_user):
    before = state()

    output = merge("--dry-run")

    assert state() == before
    assert "Would change: 23 successors created, 52 agencies closed" in output
    assert "08, 02 -> 08-2025 Tỉnh Tuyên Quang (new)" in output


def test_a_second_run_changes_nothing(admin_user):
    merge()
    after_first = state()

    output = merge()

    assert state() == after_first
    assert "Nothing to change" in output


def test_an_unknown_old_code_refuses_the_whole_table(admin_user, tmp_path):
    table = tmp_path / "merger.csv"
    table.write_text("old_code,old_name,new_code,new_name\n02,Tỉnh Hà Giang,08,Tỉnh Tuyên Quang\n99,X,08,Y\n")
    before = state()

    with pytest.raises(CommandError, match="99"):
        call_command("apply_agency_merger", str(table), "--effective", "2025-07-01", stdout=StringIO())
    assert state() == before


def test_dashboards_and_lists_can_show_the_old_agencies_under_their_successor(admin_user):
    merge()
    client = APIClient()
    client.force_authenticate(admin_user)
    query = {"plan": "DA06-2024", "as_of": "2024-06-30", "kind": "province", "page_size": 100}

    as_they_were = client.get("/api/v1/dashboard/agencies/", query).json()["results"]
    rolled_up = client.get("/api/v1/dashboard/agencies/", {**query, "roll_up": "true"}).json()["results"]

    by_code = {row["agency"]["code"]: row for row in as_they_were}
    assert len(by_code) == 63
    rolled = {row["agency"]["code"]: row for row in rolled_up}
    assert len(rolled) == 34
    assert rolled["08-2025"]["total"] == by_code["02"]["total"] + by_code["08"]["total"]
    assert rolled["08-2025"]["done"] == by_code["02"]["done"] + by_code["08"]["done"]
    assert rolled["01"]["total"] == by_code["01"]["total"]

    listed = client.get("/api/v1/assignments/", {"successor": "08-2025", "page_size": 500}).json()
    held_by = {row["agency"]["code"] for row in listed["results"]}
    assert held_by == {"02", "08", "08-2025"}
    assert listed["count"] == Assignment.objects.filter(agency__code__in=["02", "08", "08-2025"]).count()
