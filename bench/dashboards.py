"""Benchmark the dashboards and lists on a synthetic data set in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python bench/dashboards.py [--assignments 100000]

It builds the synthetic data set of bench/synthetic.py (in a database of its own, dropped
afterwards), counts the snapshot of 30/06/2024, then prints the p50 and p95 latency of each endpoint through
the whole Django stack (test client, middleware, DRF, serializers) beside the time of
the equivalent hand-written SQL on the same data. Not a test: it prints figures.
"""

import argparse
import os
import statistics
import time

from synthetic import bench_database, setup_django

PAST = "2024-06-30"


TIMELINESS = """CASE WHEN {s} = 'done' AND ({d} IS NULL OR {c} <= {d}) THEN 'done_on_time'
     WHEN {s} = 'done' THEN 'done_late' WHEN {s} = 'cancelled' THEN NULL
     WHEN {d} IS NULL THEN 'no_deadline' WHEN {d} >= %(day)s THEN 'on_track' ELSE 'overdue' END"""

OPEN = "('not_started', 'in_progress', 'reported')"
TASKS_DONE = (
    "SELECT count(*), count(*) FILTER (WHERE t.due_on <= %(day)s), count(*) FILTER (WHERE "
    "EXISTS (SELECT 1 FROM tasks_app_assignment a WHERE a.task_id = t.id AND a.role = 'lead' AND a.status = 'done') "
    "AND NOT EXISTS (SELECT 1 FROM tasks_app_assignment a WHERE a.task_id = t.id AND a.role = 'lead' "
    f"AND a.status IN {OPEN})) FROM tasks_app_task t WHERE t.plan_id = %(plan)s"
)
AGENCY_COUNTS = (
    "count(*) AS total, count(*) FILTER (WHERE {s} = 'done') AS done, "
    "count(*) FILTER (WHERE {s} = 'cancelled') AS cancelled, "
    "count(*) FILTER (WHERE {s} = 'done' AND ({d} IS NULL OR {c} <= {d})), "
    "count(*) FILTER (WHERE {s} = 'done' AND {c} > {d}), "
    f"count(*) FILTER (WHERE {{s}} IN {OPEN} AND {{d}} >= %(day)s), "
    f"count(*) FILTER (WHERE {{s}} IN {OPEN} AND {{d}} < %(day)s)"
)
# Today's counts (tasks_app.counts): timeliness derived from each cell's deadline as it is read.
CELL_TIMELINESS = """CASE WHEN status = 'done' AND NOT done_late THEN 'done_on_time'
     WHEN status = 'done' THEN 'done_late' WHEN status = 'cancelled' THEN NULL
     WHEN due_on IS NULL THEN 'no_deadline' WHEN due_on >= %(day)s THEN 'on_track' ELSE 'overdue' END"""
CELL_AGENCY_COUNTS = (
    "sum(count) FILTER (WHERE status <> 'cancelled') AS total, sum(count) FILTER (WHERE status = 'done') AS done, "
    "sum(count) FILTER (WHERE status = 'cancelled'), sum(count) FILTER (WHERE status = 'done' AND NOT done_late), "
    "sum(count) FILTER (WHERE status = 'done' AND done_late), "
    f"sum(count) FILTER (WHERE status IN {OPEN} AND due_on >= %(day)s), "
    f"sum(count) FILTER (WHERE status IN {OPEN} AND due_on < %(day)s)"
)
PAGE_COLUMNS = "a.id, a.status, a.due_on, a.progress, ag.code, ag.name, t.number, t.title, p.code"
PAGE_JOINS = (
    "FROM tasks_app_assignment a JOIN tasks_app_task t ON t.id = a.task_id JOIN tasks_app_plan p ON p.id = t.plan_id "
    "JOIN agencies_agency ag ON ag.id = a.agency_id"
)
OVERDUE = f"t.plan_id = %(plan)s AND a.status IN {OPEN} AND a.due_on < %(day)s"
FILTERED = "t.plan_id = %(plan)s AND ag.kind = 'ministry' AND a.status = 'in_progress'"

# What each endpoint asks the database, written by hand: the bar the ORM is measured against.
HAND_WRITTEN = {
    "summary, today": [
        f"SELECT status, {CELL_TIMELINESS} AS timeliness, sum(count) FROM tasks_app_assignmentcount "
        "WHERE plan_id = %(plan)s AND count <> 0 GROUP BY 1, 2",
        TASKS_DONE,
    ],
    "summary, past date": [
        (
            "SELECT e.status, {t} AS timeliness, count(*) FROM ("
            " SELECT DISTINCT ON (assignment_id) * FROM tasks_app_statusevent WHERE occurred_at < %(end)s"
            " ORDER BY assignment_id, occurred_at DESC, id DESC) e "
            "JOIN tasks_app_assignment a ON a.id = e.assignment_id JOIN tasks_app_task t ON t.id = a.task_id "
            "WHERE t.plan_id = %(plan)s GROUP BY 1, 2"
        ).format(t=TIMELINESS.format(s="e.status", d="e.due_on", c="e.completed_on")),
    ],
    "agencies, today": [
        f"SELECT agency_id, {CELL_AGENCY_COUNTS} FROM tasks_app_assignmentcount WHERE plan_id = %(plan)s "
        "AND count <> 0 GROUP BY 1 ORDER BY sum(count) FILTER (WHERE status = 'done') * 100.0 "
        "/ nullif(sum(count) FILTER (WHERE status <> 'cancelled'), 0) DESC NULLS LAST LIMIT 50",
    ],
    # What today's figures cost when counted from every assignment, as before the count table.
    "summary, today, from the rows": [
        (
            "SELECT a.status, {t} AS timeliness, count(*) FROM tasks_app_assignment a "
            "JOIN tasks_app_task t ON t.id = a.task_id WHERE t.plan_id = %(plan)s GROUP BY 1, 2"
        ).format(t=TIMELINESS.format(s="a.status", d="a.due_on", c="a.completed_on")),
        TASKS_DONE,
    ],
    "agencies, today, from the rows": [
        (
            "SELECT a.agency_id, {counts} FROM tasks_app_assignment a JOIN tasks_app_task t ON t.id = a.task_id "
            "WHERE t.plan_id = %(plan)s GROUP BY 1 ORDER BY count(*) FILTER (WHERE a.status = 'done') * 100.0 "
            "/ nullif(count(*) - count(*) FILTER (WHERE a.status = 'cancelled'), 0) DESC NULLS LAST LIMIT 50"
        ).format(counts=AGENCY_COUNTS.format(s="a.status", d="a.due_on", c="a.completed_on")),
    ],
    "agencies, past date": [
        "SELECT agency_id, sum(count), sum(count) FILTER (WHERE status = 'done'), "
        "sum(count) FILTER (WHERE status = 'cancelled'), sum(count) FILTER (WHERE timeliness = 'done_on_time'), "
        "sum(count) FILTER (WHERE timeliness = 'done_late'), sum(count) FILTER (WHERE timeliness = 'on_track'), "
        "sum(count) FILTER (WHERE timeliness = 'overdue') FROM tasks_app_dailysnapshot "
        "WHERE day = %(past)s AND plan_id = %(plan)s GROUP BY 1 ORDER BY 3 DESC LIMIT 50",
    ],
    "overdue, today": [
        f"SELECT count(*) {PAGE_JOINS} WHERE {OVERDUE}",
        f"SELECT {PAGE_COLUMNS} {PAGE_JOINS} WHERE {OVERDUE} ORDER BY a.due_on, ag.code, a.id LIMIT 50",
    ],
    "assignments, filtered page": [
        f"SELECT count(*) {PAGE_JOINS} WHERE {FILTERED}",
        f"SELECT {PAGE_COLUMNS} {PAGE_JOINS} WHERE {FILTERED} ORDER BY a.due_on, a.id LIMIT 50",
    ],
}

ENDPOINTS = {
    "summary, today": "/api/v1/dashboard/summary/?plan=BENCH-2024",
    "summary, past date": f"/api/v1/dashboard/summary/?plan=BENCH-2024&as_of={PAST}",
    "agencies, today": "/api/v1/dashboard/agencies/?plan=BENCH-2024",
    "agencies, past date": f"/api/v1/dashboard/agencies/?plan=BENCH-2024&as_of={PAST}",
    "overdue, today": "/api/v1/dashboard/overdue/?plan=BENCH-2024",
    "assignments, filtered page": "/api/v1/assignments/?plan=BENCH-2024&agency_kind=ministry&status=in_progress"
    "&ordering=due_on",
}


def percentiles(samples):
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def timed(function, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assignments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    setup_django()

    from datetime import date

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from tasks_app.models import Plan
    from tasks_app.snapshots import snapshot_write
    from tasks_app.timeliness import end_of_day

    with bench_database(assignments=args.assignments, keep=args.keep):
        start = time.perf_counter()
        snapshot_write(day=date.fromisoformat(PAST))
        print(f"snapshot of {PAST}: {time.perf_counter() - start:.2f} s")
        with connection.cursor() as cursor:
            # What autovacuum does soon after the nightly write: statistics and visibility map.
            cursor.execute("VACUUM ANALYZE tasks_app_dailysnapshot, tasks_app_taskdaysnapshot")

        staff = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench")
        client = Client(HTTP_HOST="localhost")
        client.force_login(staff)
        plan = Plan.objects.get(code="BENCH-2024")
        parameters = {
            "plan": plan.pk,
            "day": timezone.localdate(),
            "past": PAST,
            "end": end_of_day(date.fromisoformat(PAST)),
        }

        def hand_written(name):
            with connection.cursor() as cursor:
                for statement in HAND_WRITTEN[name]:
                    cursor.execute(statement, parameters)
                    cursor.fetchall()

        def sql_p50(name):
            return percentiles(timed(lambda: hand_written(name), max(3, args.repeat // 4)))[0]

        print(f"\n{os.cpu_count()} cores; {args.repeat} requests per endpoint")
        print(f"{'endpoint':32} {'p50 ms':>8} {'p95 ms':>8} {'SQL p50 ms':>11} {'× SQL':>6}")
        for name, path in ENDPOINTS.items():
            assert client.get(path).status_code == 200, path
            p50, p95 = percentiles(timed(lambda path=path: client.get(path), args.repeat))
            sql = sql_p50(name)
            print(f"{name:32} {p50:8.1f} {p95:8.1f} {sql:11.1f} {p50 / sql:6.1f}")
        for name in [name for name in HAND_WRITTEN if name not in ENDPOINTS]:
            print(f"{name:32} {'':8} {'':8} {sql_p50(name):11.1f}")


if __name__ == "__main__":
    main()
