"""Benchmark the admin's list pages on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python bench/admin_lists.py [--assignments 100000]

On the synthetic data set of bench/synthetic.py it prints the p50 and p95 latency and the
query count of each list page as an administrator sees it, through the whole Django stack.
Not a test: it prints figures.
"""

import argparse

from dashboards import percentiles, timed
from synthetic import bench_database, setup_django

PAGES = {
    "assignments": "/admin/tasks_app/assignment/",
    "assignments, overdue in one region": "/admin/tasks_app/assignment/?timeliness=overdue&agency__region=southeast",
    "assignments, search": "/admin/tasks_app/assignment/?q=Bench",
    "assignments, XLSX of one status": "/admin/tasks_app/assignment/export/?status__exact=reported",
    "agencies": "/admin/agencies/agency/",
    "tasks": "/admin/tasks_app/task/",
    "outbox": "/admin/notifications/notification/",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assignments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    setup_django()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    with bench_database(assignments=args.assignments, keep=args.keep):
        administrator = get_user_model().objects.create_superuser("bench.admin", "bench@example.org", "x")
        client = Client(HTTP_HOST="localhost")
        client.force_login(administrator)
        for name, url in PAGES.items():
            queries = []

            def count(execute, sql, *rest, queries=queries):
                queries.append(sql)
                return execute(sql, *rest)

            with connection.execute_wrapper(count):
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            p50, p95 = percentiles(timed(lambda url=url: client.get(url), args.repeat))
            print(f"{name:40} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {len(queries)} queries")


if __name__ == "__main__":
    main()
