"""Benchmark a periodic report on the synthetic data set in PostgreSQL: issuing it (the
figures as they stood at the cut-off, stored) and rendering its documents.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python bench/report_documents.py [--assignments 100000]

It builds the synthetic data set of bench/synthetic.py (in a database of its own, dropped
afterwards), issues the plan's ad-hoc report to 30/06/2024, and prints how long the issue
took and each document (DOCX, XLSX, and PDF where LibreOffice is installed), with its size
and the rows of its largest tables. Goals (issue 15): issuing under 10 s, the DOCX under 5 s,
at 1,000,000 assignments. Not a test: it prints figures.
"""

import argparse
import shutil
import time
from datetime import date

from synthetic import bench_database, setup_django

CUT_OFF = date(2024, 6, 30)


def timed(label: str, work):
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    size = f"{len(result) / 1024:10,.0f} KiB" if isinstance(result, bytes) else ""
    print(f"{label:28} {seconds:8.2f} s {size}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assignments", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    setup_django()

    from django.contrib.auth import get_user_model

    from reports.documents import report_docx, report_pdf, report_xlsx
    from reports.periods import ad_hoc_period
    from reports.services import report_issue
    from tasks_app.models import Plan

    with bench_database(assignments=args.assignments, keep=args.keep):
        staff = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench")
        plan = Plan.objects.get(code="BENCH-2024")
        report = timed(
            "issue (figures, stored)", lambda: report_issue(plan=plan, period=ad_hoc_period(CUT_OFF), actor=staff)
        )
        figures = report.figures
        agencies = len(figures["agencies"]["central"]) + sum(
            len(region["rows"]) for region in figures["agencies"]["provinces_by_region"]
        )
        print(f"{'':28} {agencies:,} agencies, {len(figures['overdue']['rows']):,} overdue assignments listed")
        docx = timed("DOCX", lambda: report_docx(figures))
        timed("XLSX", lambda: report_xlsx(figures))
        if shutil.which("soffice"):
            timed("PDF (LibreOffice)", lambda: report_pdf(docx))
        else:
            print("PDF: LibreOffice (soffice) is not installed")


if __name__ == "__main__":
    main()
