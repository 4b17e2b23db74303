"""A report's documents: the DOCX in the decree's form, read back with python-docx; the XLSX
annex, read back with openpyxl; the PDF converted by LibreOffice (skipped where it is not
installed), read back as text; and the API that downloads them."""

import io
import shutil
import subprocess
from datetime import date

import pytest
from django.test import override_settings
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from rest_framework.test import APIClient

from agencies.models import Agency, MembershipRole
from reports.documents import report_docx, report_pdf, report_xlsx
from reports.periods import ad_hoc_period, calendar_period
from reports.services import report_issue
from tasks_app.models import Plan
from tasks_app.services import obstacle_record
from tests.conftest import at, member
from tests.factories import AgencyFactory
from tests.reports.conftest import QUARTER_2

pytestmark = pytest.mark.django_db
LATER = date(2024, 7, 1)
soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def issue(plan, period, staff):
    with at(LATER):
        return report_issue(plan=plan, period=period, actor=staff)


def docx_text(data: bytes) -> tuple[Document, str]:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return document, "\n".join([*(p.text for p in document.paragraphs), *cells])


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The PDF's text, by pdftotext (poppler-utils) where installed."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    (tmp_path / "report.pdf").write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, check=True)
    return done.stdout.decode()


@pytest.fixture
def de_an_06(plans_2024, staff):
    """Đề án 06's plan for 2024, reported ad hoc to 30/06/2024, as the Committee's session was."""
    return issue(Plan.objects.get(code="DA06-2024"), ad_hoc_period(date(2024, 6, 30)), staff)


class TestTheShippedPlan:
    def test_the_docx_says_43_of_229_in_the_decrees_form(self, de_an_06):
        document, text = docx_text(report_docx(de_an_06.figures, issued_on=LATER))

        assert "đã hoàn thành 43/229 nhiệm vụ (18,8%)" in text
        assert "43/229 (18,8%)" in text
        for line in (
            "TỔ CÔNG TÁC TRIỂN KHAI ĐỀ ÁN 06",
            "Số:          /BC-TCTĐA06",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Hà Nội, ngày      tháng      năm 2024",
            "BÁO CÁO",
            "(Số liệu tính đến hết ngày 30/06/2024)",
            "Nơi nhận:",
        ):
            assert line in text
        title = "Kết quả thực hiện nhiệm vụ Đề án 06 — Kế hoạch triển khai năm 2024 đột xuất đến ngày 30/06/2024"
        assert any(p.text == title and p.runs[0].bold for p in document.paragraphs)
        assert document.styles["Normal"].font.name == "Times New Roman"
        assert document.styles["Normal"].font.size.pt == 14

    def test_the_pages_and_tables_are_laid_out_as_the_decree_says(self, de_an_06):
        document, _text = docx_text(report_docx(de_an_06.figures))

        section = document.sections[0]
        margins = [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin)]
        assert (round(section.page_width.mm), round(section.page_height.mm), *margins) == (210, 297, 20, 20, 30)
        assert round(section.right_margin.mm) == 15
        # Page numbers at the top from the second page: none on the first.
        assert section.different_first_page_header_footer
        assert 'instr="PAGE"' in section.header._element.xml.replace("w:instr", "instr")
        assert "PAGE" not in section.first_page_header._element.xml
        data_tables = document.tables[1:-1]
        assert len(data_tables) >= 6
        for table in data_tables:
            assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        agencies = next(table for table in data_tables if table.rows[0].cells[1].text == "Cơ quan")
        assert len(agencies.rows) > 90

    @override_settings(TRACKER_REPORT_DOCUMENT_OVERDUE_ROWS=10)
    def test_the_docx_lists_the_most_overdue_and_points_to_the_annex_for_all(self, de_an_06):
        document, text = docx_text(report_docx(de_an_06.figures))

        overdue = next(table for table in document.tables if table.rows[0].cells[-1].text == "Cam kết hoàn thành")
        days = [int(row.cells[4].text) for row in overdue.rows[1:]]
        assert (len(days), days == sorted(days, reverse=True)) == (10, True)
        assert "Bảng trên gồm 10 phân công quá hạn lâu nhất trong tổng số 74; danh sách đầy đủ ở phụ lục" in text
        assert len(load_workbook(io.BytesIO(report_xlsx(de_an_06.figures)))["Quá hạn"]["A"]) == 3 + 74

    @soffice
    def test_libreoffice_turns_the_docx_into_a_pdf_that_says_43_of_229(self, de_an_06, tmp_path):
        pdf = report_pdf(report_docx(de_an_06.figures))

        assert pdf.startswith(b"%PDF")
        text = pdf_text(pdf, tmp_path)
        assert "43/229" in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


class TestTheQuarter:
    def test_the_overdue_list_carries_the_explanation_and_the_committed_date(self, quarter):
        report = issue(quarter.plan, QUARTER_2, quarter.staff)

        document, _text = docx_text(report_docx(report.figures))

        overdue = next(table for table in document.tables if table.rows[0].cells[-1].text == "Cam kết hoàn thành")
        assert [cell.text for cell in overdue.rows[1].cells] == [
            "1",
            f"3. {quarter.assignments['3-P2'].task.title}",
            "Tỉnh Hai",
            "31/05/2024",
            "14",
            "Kinh phí — Chưa được cấp kinh phí",
            "30/06/2024",
        ]

    def test_section_ii_lists_the_open_difficulties_by_addressee(self, quarter):
        with at(date(2024, 6, 3)):
            obstacle_record(
                assignment=quarter.assignments["3-P2"],
                kind="obstacle",
                text="Chưa có hướng dẫn kết nối",
                addressee=Agency.objects.get(code="M1"),
                actor=quarter.focal_points["P2"],
            )
        report = issue(quarter.plan, QUARTER_2, quarter.staff)

        document, text = docx_text(report_docx(report.figures))

        assert "1 nội dung chưa giải quyết: 1 chờ trả lời, 0 đã trả lời." in text
        table = next(table for table in document.tables if table.rows[0].cells[-1].text == "Trả lời")
        assert "Đề nghị Bộ Một" in [cell.text for cell in table.rows[1].cells]
        assert [cell.text for cell in table.rows[2].cells][2:6] == [
            "Tỉnh Hai",
            "Vướng mắc",
            "Chưa có hướng dẫn kết nối",
            "03/06/2024",
        ]

    def test_without_difficulties_section_ii_says_so(self, quarter):
        report = issue(quarter.plan, QUARTER_2, quarter.staff)

        _document, text = docx_text(report_docx(report.figures))

        assert "Không có khó khăn, vướng mắc, kiến nghị nào chưa giải quyết." in text

    def test_a_line_break_typed_in_an_explanation_stays_a_line_break(self, quarter):
        figures = issue(quarter.plan, QUARTER_2, quarter.staff).figures
        figures["overdue"]["rows"][0]["explanation"]["reason"] = "Chưa được cấp\nkinh phí"

        document, _text = docx_text(report_docx(figures))

        overdue = next(table for table in document.tables if table.rows[0].cells[-1].text == "Cam kết hoàn thành")
        assert "<w:br/>" in overdue.rows[1].cells[5]._tc.xml

    def test_it_states_the_overdue_agencies_the_extensions_and_the_ranking_rule(self, quarter):
        report = issue(quarter.plan, QUARTER_2, quarter.staff)

        _document, text = docx_text(report_docx(report.figures))

        assert "Có 0 bộ, cơ quan và 1 địa phương còn phân công quá hạn." in text
        assert "Trong kỳ đã xử lý 1 đề nghị: chấp thuận 1, không chấp thuận 0." in text
        assert "0,5 × số hoàn thành quá hạn" in text
        assert "Chưa có báo cáo kỳ trước cùng loại để so sánh." in text

    def test_the_change_since_the_previous_quarter_is_shown(self, quarter):
        issue(quarter.plan, calendar_period("quarter", 2024, 1), quarter.staff)
        report = issue(quarter.plan, QUARTER_2, quarter.staff)

        document, text = docx_text(report_docx(report.figures))

        assert "So với báo cáo phiên bản 1, số liệu tính đến hết ngày 14/03/2024." in text
        changes = next(table for table in document.tables if table.rows[0].cells[-1].text == "Thay đổi")
        done = next(row for row in changes.rows if row.cells[0].text == "Nhiệm vụ: Đã hoàn thành")
        # Task #1 was done on 20/03, after the first quarter's cut-off.
        assert [cell.text for cell in done.cells[1:]] == ["0", "2", "+2"]

    def test_the_xlsx_annex_has_a_sheet_per_table_with_numbers_dates_and_codes(self, quarter):
        report = issue(quarter.plan, QUARTER_2, quarter.staff)

        workbook = load_workbook(io.BytesIO(report_xlsx(report.figures)))

        assert workbook.sheetnames == [
            "Nhiệm vụ",
            "Tỷ lệ",
            "Theo loại cơ quan",
            "Cơ quan",
            "Quá hạn",
            "Gia hạn",
            "Xếp hạng",
        ]
        rates = workbook["Tỷ lệ"]
        assert [cell.value for cell in rates[4]][:4] == ["Tỷ lệ hoàn thành trên tổng số", 2, 6, 33.3]
        agencies = workbook["Cơ quan"]
        assert (agencies.freeze_panes, agencies.auto_filter.ref[:3]) == ("A4", "A3:")
        assert [(row[0].value, row[0].data_type) for row in agencies.iter_rows(min_row=4)] == [
            (code, "s") for code in ("M1", "M2", "P1", "P3", "P2")
        ]
        overdue = workbook["Quá hạn"]
        due, committed = overdue["E4"], overdue["J4"]
        assert (due.value.date(), due.number_format) == (date(2024, 5, 31), "DD/MM/YYYY")
        assert committed.value.date() == date(2024, 6, 30)
        assert workbook["Xếp hạng"].page_setup.orientation == "landscape"


@pytest.fixture
def issued(quarter):
    return issue(quarter.plan, QUARTER_2, quarter.staff)


def download(user, report, query):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(f"/api/v1/reports/{report.pk}/document/{query}")


class TestTheApi:
    def test_the_docx_downloads_with_its_name(self, quarter, issued):
        response = download(quarter.focal_points["P2"], issued, "?format=docx")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        assert response["Content-Disposition"] == 'attachment; filename="bao-cao-q2-2024-quy-2-2024-v1.docx"'
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in docx_text(response.content)[1]

    def test_the_xlsx_annex_downloads(self, quarter, issued):
        response = download(quarter.staff, issued, "?format=xlsx")

        assert response.status_code == 200
        assert response["Content-Disposition"].endswith('-v1.xlsx"')
        assert "Xếp hạng" in load_workbook(io.BytesIO(response.content)).sheetnames

    def test_an_unknown_format_is_a_400_on_the_field(self, quarter, issued):
        response = download(quarter.staff, issued, "?format=odt")

        assert response.status_code == 400
        assert response.json() == {"format": ["Không có định dạng “odt”: chọn docx, xlsx hoặc pdf."]}

    def test_a_missing_format_is_a_400(self, quarter, issued):
        response = download(quarter.staff, issued, "")

        assert response.status_code == 400
        assert response.json() == {"format": ["Chọn định dạng: docx, xlsx hoặc pdf."]}

    def test_an_agency_without_work_in_the_plan_gets_a_404(self, quarter, issued):
        outsider = member(AgencyFactory(code="NGOAI"), MembershipRole.FOCAL_POINT, "outsider")

        response = download(outsider, issued, "?format=docx")

        assert response.status_code == 404

    @override_settings(TRACKER_SOFFICE="/nonexistent/soffice")
    def test_without_libreoffice_the_pdf_is_a_clear_503(self, quarter, issued):
        response = download(quarter.staff, issued, "?format=pdf")

        assert response.status_code == 503
        assert response.json() == {
            "detail": "Máy chủ chưa cài LibreOffice nên chưa tạo được bản PDF; bản DOCX và XLSX vẫn tải được."
        }

    @soffice
    def test_the_pdf_downloads(self, quarter, issued, tmp_path):
        response = download(quarter.staff, issued, "?format=pdf")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="bao-cao-q2-2024-quy-2-2024-v1.pdf"'
        assert "2/6 (33,3%)" in pdf_text(response.content, tmp_path)
