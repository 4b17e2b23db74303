"""Time the web pages on the shipped 2024 fixtures, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python bench/pages.py

In a database of its own (`<DATABASE_URL's name>_bench`, dropped afterwards) it loads the
agencies and the 2024 plans, without daily snapshots (the slower path: past days are
counted from the event log), and prints the median latency and the query count of each
page through the whole Django stack, for committee staff and for the focal point of Bộ
Công an. Not a test: it prints figures.
"""

import argparse
import statistics
import time

from synthetic import fresh_database, setup_django

PAGES = [
    ("staff", "/?plan=DA06-2024&as_of=2024-06-30"),
    ("staff", "/?plan=CDS-2024&as_of=2024-06-30"),
    ("staff", "/?plan=DA06-2024"),
    ("focal", "/?plan=DA06-2024&as_of=2024-06-30"),
    ("focal", "/my/"),
    ("focal", "/notifications/"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    setup_django()

    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from agencies.models import COMMITTEE_STAFF_GROUP, Agency, AgencyMembership, MembershipRole
    from tests.factories import UserFactory

    with fresh_database():
        call_command("loaddata", "agencies", "plans_2024", verbosity=0)
        staff = UserFactory(username="bench.staff")
        staff.groups.add(Group.objects.get(name=COMMITTEE_STAFF_GROUP))
        focal = UserFactory(username="bench.focal")
        AgencyMembership.objects.create(
            agency=Agency.objects.get(code="BCA"), user=focal, role=MembershipRole.FOCAL_POINT
        )
        users = {"staff": staff, "focal": focal}
        for who, url in PAGES:
            client = Client(HTTP_HOST="localhost")
            client.force_login(users[who])
            assert client.get(url).status_code == 200, url
            queries, timings = [], []

            def count(execute, sql, *rest, queries=queries):
                queries.append(sql)
                return execute(sql, *rest)

            for _ in range(args.repeat):
                queries.clear()
                with connection.execute_wrapper(count):
                    start = time.perf_counter()
                    client.get(url)
                    timings.append((time.perf_counter() - start) * 1000)
            print(f"{url:40} {who:6} median {statistics.median(timings):6.1f} ms  {len(queries)} queries")


if __name__ == "__main__":
    main()
