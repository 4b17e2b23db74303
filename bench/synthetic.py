"""A synthetic data set on PostgreSQL for the benchmarks, in a database of its own.

One plan of 229 tasks given to as many agencies as it takes to reach the number of
assignments asked for (each a lead), with about three events each; every agency has a
focal point and a leader (demo addresses under example.org)."""

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

PROJECT = Path(__file__).resolve().parents[1]
TASKS = 229

SYNTHETIC_DATA = """
INSERT INTO agencies_agency (code, name, short_name, kind, region, is_active)
SELECT 'BX' || lpad(g::text, 6, '0'), 'Đơn vị thử tải ' || g, '',
       CASE WHEN g %% 20 = 0 THEN 'ministry' ELSE 'other' END, '', true
FROM generate_series(1, %(agencies)s) AS g;

INSERT INTO tasks_app_plan (code, title, year, issuing_document, description)
VALUES ('BENCH-2024', 'Kế hoạch thử tải', 2024, '', 'Dữ liệu tổng hợp cho benchmark');

INSERT INTO tasks_app_task (plan_id, number, title, "group", expected_product, due_on, is_illustrative)
SELECT p.id, g, 'Nhiệm vụ thử tải số ' || g, 'Nhóm ' || (g %% 5), '',
       CASE WHEN g %% 10 = 0 THEN NULL ELSE (date '2024-02-01' + (g %% 12) * interval '1 month')::date - 1 END, true
FROM tasks_app_plan p, generate_series(1, %(tasks)s) AS g WHERE p.code = 'BENCH-2024';

CREATE TEMP TABLE bench_rows AS
SELECT t.id AS task_id, a.id AS agency_id, t.due_on,
       ((t.id * 7919 + a.id * 104729) %% 100)::int AS h,
       date '2024-01-15' + ((t.id * 31 + a.id * 17) %% 150)::int AS started_on
FROM tasks_app_task t
CROSS JOIN LATERAL (
    SELECT id FROM agencies_agency WHERE code LIKE 'BX%%' ORDER BY id
) a
WHERE t.plan_id = (SELECT id FROM tasks_app_plan WHERE code = 'BENCH-2024')
LIMIT %(assignments)s;

INSERT INTO tasks_app_assignment (task_id, agency_id, role, owner_id, status, progress, due_on, original_due_on,
                                  completed_on, created_at, updated_at)
SELECT task_id, agency_id, 'lead', NULL,
       CASE WHEN h < 30 THEN 'not_started' WHEN h < 62 THEN 'in_progress' WHEN h < 70 THEN 'reported'
            WHEN h < 98 THEN 'done' ELSE 'cancelled' END,
       CASE WHEN h < 30 THEN 0 WHEN h < 62 THEN 50 WHEN h < 98 THEN 100 ELSE 0 END,
       due_on, due_on,
       CASE WHEN h >= 70 AND h < 98 THEN started_on + 10 + h %% 30 END,
       timestamptz '2024-01-10 08:00+07', timestamptz '2024-01-10 08:00+07'
FROM bench_rows;

INSERT INTO tasks_app_statusevent (uuid, assignment_id, actor_id, kind, action, before, after, note,
                                   evidence_url, evidence_file, occurred_at, status, due_on, completed_on, agency_id,
                                   owner_id, progress)
SELECT gen_random_uuid(), a.id, NULL, e.kind, e.action, e.before, e.after, '', '', '', e.at, e.status, a.due_on,
       e.completed_on, a.agency_id, NULL, e.progress
FROM tasks_app_assignment a
JOIN bench_rows r ON r.task_id = a.task_id AND r.agency_id = a.agency_id
CROSS JOIN LATERAL (
    SELECT 'created' AS kind, '' AS action, '' AS before, '' AS after, timestamptz '2024-01-10 08:00+07' AS at,
           'not_started' AS status, NULL::date AS completed_on, 0 AS progress
    UNION ALL
    SELECT 'status', 'start', 'not_started', 'in_progress', r.started_on + time '09:00', 'in_progress', NULL, 0
    WHERE r.h >= 30 AND r.h < 98
    UNION ALL
    SELECT 'progress', '', '0', '50', r.started_on + 5 + time '10:00', 'in_progress', NULL, 50
    WHERE r.h >= 30 AND r.h < 98
    UNION ALL
    SELECT 'status', 'report_done', 'in_progress', 'reported', r.started_on + 10 + r.h %% 30 + time '14:00',
           'reported', NULL, 100
    WHERE r.h >= 62 AND r.h < 98
    UNION ALL
    SELECT 'status', 'accept', 'reported', 'done', r.started_on + 12 + r.h %% 30 + time '15:00', 'done',
           r.started_on + 10 + r.h %% 30, 100
    WHERE r.h >= 70 AND r.h < 98
    UNION ALL
    SELECT 'status', 'cancel', 'not_started', 'cancelled', timestamptz '2024-03-01 09:00+07', 'cancelled', NULL, 0
    WHERE r.h >= 98
) e;
"""

PEOPLE = """
INSERT INTO auth_user (username, email, password, first_name, last_name, is_superuser, is_staff, is_active,
                       date_joined)
SELECT 'bench.' || a.code || '.' || r.role, 'bench.' || lower(a.code) || '.' || r.role || '@example.org', '!',
       '', '', false, false, true, now()
FROM agencies_agency a CROSS JOIN (VALUES ('focal'), ('leader')) AS r(role) WHERE a.code LIKE 'BX%%';

INSERT INTO agencies_agencymembership (agency_id, user_id, role)
SELECT a.id, u.id, CASE WHEN u.username LIKE '%%.focal' THEN 'focal_point' ELSE 'leader' END
FROM agencies_agency a JOIN auth_user u ON u.username LIKE 'bench.' || a.code || '.%%';
"""


def setup_django(settings_module: str = "tracker.test_settings") -> None:
    """Point Django at `<DATABASE_URL's database>_bench` and set it up."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    parsed = urlparse(url)
    os.environ["DATABASE_URL"] = parsed._replace(path=parsed.path + "_bench").geturl()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()


def run_script(cursor, script: str, parameters: dict) -> None:
    for statement in script.split(";\n"):
        if statement.strip():
            cursor.execute(statement, parameters)


@contextmanager
def fresh_database(*, keep: bool = False):
    """Create the database and migrate it; drop it afterwards unless `keep`."""
    from django.core.management import call_command
    from django.db import connection

    admin = connection.get_new_connection({**connection.get_connection_params(), "dbname": "postgres"})
    admin.autocommit = True
    database = connection.settings_dict["NAME"]
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')
        cursor.execute(f'CREATE DATABASE "{database}"')
    try:
        call_command("migrate", verbosity=0)
        yield
    finally:
        connection.close()
        if not keep:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()


@contextmanager
def bench_database(*, assignments: int, keep: bool = False):
    """A fresh database filled with the synthetic data set."""
    from django.db import connection

    from tasks_app.counts import counts_repair

    with fresh_database(keep=keep):
        agencies = -(-assignments // TASKS)
        start = time.perf_counter()
        with connection.cursor() as cursor:
            parameters = {"agencies": agencies, "tasks": TASKS, "assignments": assignments}
            run_script(cursor, SYNTHETIC_DATA, parameters)
            run_script(cursor, PEOPLE, parameters)
            # What autovacuum would do soon after such a load; measuring while it runs would be noise.
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("SELECT count(*) FROM tasks_app_assignment")
            (assignment_count,) = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM tasks_app_statusevent")
            (event_count,) = cursor.fetchone()
        # Written behind the services' back, as a restore might: the nightly repair counts it.
        counted = time.perf_counter()
        counts_repair()
        counting = time.perf_counter() - counted
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE tasks_app_assignmentcount")
            cursor.execute("SELECT count(*) FROM tasks_app_assignmentcount")
            (cell_count,) = cursor.fetchone()
        print(
            f"data: {assignment_count:,} assignments, {event_count:,} events, {agencies:,} agencies, "
            f"built in {counted - start:.1f} s; today's counts: {cell_count:,} cells, "
            f"counted in {counting:.1f} s"
        )
        yield
