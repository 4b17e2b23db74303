"""The snapshot jobs on a real Celery worker, consuming from the configured broker
(Redis in CI, kombu's filesystem transport on a bare machine)."""

from datetime import date

from tasks_app.models import SnapshotDay
from tasks_app.services import assignment_create
from tasks_app.tasks import snapshots_rebuild
from tests.conftest import at, transactional, wait_for

pytestmark = transactional


def test_the_worker_rebuilds_the_snapshots_it_is_asked_for(worker, task, agency):
    with at(date(2024, 1, 15)):
        assignment_create(task=task, agency=agency, role="lead")

    snapshots_rebuild.delay("2024-03-01", "2024-03-03")

    assert wait_for(lambda: SnapshotDay.objects.count() == 3)
    assert sorted(SnapshotDay.objects.values_list("day", flat=True)) == [
        date(2024, 3, 1),
        date(2024, 3, 2),
        date(2024, 3, 3),
    ]
