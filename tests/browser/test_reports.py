"""The periodic report in a real browser: committee staff read the draft of an ad-hoc report
of Đề án 06 to 30/06/2024, issue it, download its DOCX and PDF (both say 43/229) and find it
issued in the list; a focal point of an agency of the plan reads it with their agency's row
marked."""

import re
import shutil
from pathlib import Path

import pytest

from agencies.models import MembershipRole
from tasks_app.models import Assignment, AssignmentRole
from tests.browser.conftest import log_in
from tests.browser.test_pages import with_password
from tests.conftest import committee_staff, member, transactional
from tests.reports.test_documents import docx_text, pdf_text

pytestmark = transactional


@pytest.mark.usefixtures("plans_2024")
def test_staff_issue_the_de_an_06_report_to_30_june_2024_and_an_agency_reads_it(new_page, tmp_path):
    with_password(committee_staff("staff"))
    agency = (
        Assignment.objects.filter(task__plan__code="DA06-2024", role=AssignmentRole.LEAD).order_by("pk").first().agency
    )
    with_password(member(agency, MembershipRole.FOCAL_POINT, "focal"))
    page = new_page()
    log_in(page, "staff")

    page.goto("/reports/")
    page.get_by_role("link", name="Lập báo cáo đột xuất theo ngày tính số liệu").click()
    page.get_by_label("Kế hoạch", exact=False).first.select_option("DA06-2024")
    page.get_by_label("Số liệu tính đến ngày").fill("2024-06-30")
    page.get_by_role("button", name="Xem dự thảo").click()
    assert page.locator("#headline").inner_text() == "Đã hoàn thành 43/229 nhiệm vụ."
    page.get_by_role("button", name="Chốt số liệu và ban hành — DA06-2024 · Đột xuất đến ngày 30/06/2024").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    assert "DA06-2024 · Đột xuất đến ngày 30/06/2024: đã chốt số liệu và ban hành." in page.inner_text("main")
    assert "Đã chốt số liệu phiên bản 1" in page.locator("#report-state").inner_text()
    report_url = page.url
    with page.expect_download() as docx:
        page.get_by_role("link", name="Báo cáo (DOCX, sửa được bằng Word)").click()
    assert docx.value.suggested_filename.endswith("-v1.docx")
    assert "43/229" in docx_text(Path(docx.value.path()).read_bytes())[1]
    if shutil.which("soffice"):
        with page.expect_download(timeout=90_000) as pdf:
            page.get_by_role("link", name="Bản để phát hành (PDF)").click()
        assert "43/229" in pdf_text(Path(pdf.value.path()).read_bytes(), tmp_path)

    page.goto("/reports/?plan=DA06-2024&kind=ad_hoc&year=2024")
    row = page.locator("#report-list tbody tr").first
    assert row.locator("th").inner_text().startswith("Đột xuất đến ngày 30/06/2024")
    assert "Đã chốt số liệu" in row.inner_text()

    focal = new_page({"width": 390, "height": 844})
    log_in(focal, "focal")
    focal.goto("/reports/")
    focal.get_by_role("link", name="Đột xuất đến ngày 30/06/2024").click()
    assert focal.url == report_url
    marked = focal.locator("tr.own-agency th").first.inner_text()
    assert marked.startswith(agency.name)
    assert "cơ quan của đồng chí" in marked
    assert focal.get_by_role("button", name=re.compile("Chốt số liệu")).count() == 0
