"""How the periodic report's Word template was first made: `python reports/make_docx_template.py`
writes reports/templates/reports/bao-cao-dinh-ky.docx. Since then the .docx is the source of
truth: an office changes its wording and layout in Word or LibreOffice, keeping the
{{ … }} and {%tr … %} tags (docxtpl's Jinja), and running this again would undo their edits.

The form is that of an administrative report under Nghị định 30/2020/NĐ-CP (Phụ lục I):
A4, margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 14 pt (13 pt in
tables); the issuing body and the national title side by side at the top, each with a short
rule under it; the number and symbol left for the office to fill; the place and date in
italics; page numbers centred at the top from the second page; "Nơi nhận" and the signature
at the end."""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TEMPLATE = Path(__file__).resolve().parent / "templates" / "reports" / "bao-cao-dinh-ky.docx"
FONT = "Times New Roman"
ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT


def set_font(style_or_run, size: float, *, bold=None, italic=None) -> None:
    font = style_or_run.font
    font.name = FONT
    font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    # Word reads a separate font for Asian and complex scripts; Vietnamese must not fall back.
    fonts = style_or_run.element.get_or_add_rPr().get_or_add_rFonts()
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)


def paragraph(container, text="", *, size=14, bold=False, italic=False, align=None, style=None, after=6):
    p = container.add_paragraph(style=style)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    if text:
        set_font(p.add_run(text), size, bold=bold, italic=italic)
    return p


def rule(container, *, indent_mm: float) -> None:
    """A short centred line: an empty paragraph's bottom border, as wide as the cell less the indents."""
    p = container.add_paragraph()
    p.paragraph_format.left_indent = Mm(indent_mm)
    p.paragraph_format.right_indent = Mm(indent_mm)
    p.paragraph_format.space_after = Pt(6)
    set_font(p.add_run(), 2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "auto"}.items():
        bottom.set(qn(key), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)


def cell_text(cell, text, *, size=13, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, style=None):
    # A new cell holds one empty paragraph: the first text goes in it.
    first = cell.paragraphs[0]
    p = first if len(cell.paragraphs) == 1 and not first.runs else cell.add_paragraph()
    if style is not None:
        p.style = style
    p.alignment = align
    if style is None:
        p.paragraph_format.space_after = Pt(after)
    if text and style is not None:
        # The style's font, no run formatting of its own: a table's rows repeat, each as small as it can be.
        p.add_run(text).bold = bold or None
    elif text:
        set_font(p.add_run(text), size, bold=bold, italic=italic)
    return p


def widths(table, columns_mm) -> None:
    table.autofit = False
    # LibreOffice lays a table out by its grid, Word by its cells: both are set.
    for column, width in zip(table.columns, columns_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, columns_mm, strict=True):
            cell.width = Mm(width)


def repeat_header(row) -> None:
    """The header row repeats at the top of each page the table runs onto."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def data_table(doc, headers, cells, columns_mm, *, loop, groups=None):
    """A ruled table: a header row that repeats on each page, then one row per item of
    `loop` (docxtpl's {%tr for %}); with `groups`, each group's title row before its items."""
    rows = [headers]
    if groups:
        rows += [[f"{{%tr for group in {groups} %}}"], ["", "{{ group.title }}"]]
    rows += [[f"{{%tr for row in {loop} %}}"], cells, ["{%tr endfor %}"]]
    if groups:
        rows += [["{%tr endfor %}"]]
    table = doc.add_table(rows=len(rows), cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for position, (row, texts) in enumerate(zip(table.rows, rows, strict=True)):
        for index, text in enumerate(texts):
            header = position == 0
            numeric = not header and text.startswith("{{ row.n_")
            cell_text(
                row.cells[index],
                text,
                style="Table Text",
                bold=header or text == "{{ group.title }}",
                align=ALIGN_RIGHT if numeric else (ALIGN_CENTER if header else ALIGN_LEFT),
            )
    repeat_header(table.rows[0])
    widths(table, columns_mm)
    paragraph(doc, after=6)
    return table


def borderless(doc, rows, cols, columns_mm):
    table = doc.add_table(rows=rows, cols=cols)
    widths(table, columns_mm)
    return table


def build() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)

    normal = doc.styles["Normal"]
    set_font(normal, 14)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    table_text = doc.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    set_font(table_text, 13)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0
    set_font(doc.styles["Table Grid"], 13)

    # Page numbers: centred at the top, none on the first page (Nghị định 30/2020, Phụ lục I).
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    number._p.append(field)
    set_font(doc.styles["Header"], 14)

    top = borderless(doc, 2, 2, (62, 103))
    body, nation = top.rows[0].cells
    cell_text(body, "{{ issuing_body }}", bold=True)
    rule(body, indent_mm=20)
    cell_text(nation, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13)
    cell_text(nation, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14)
    rule(nation, indent_mm=20)
    number_cell, date_cell = top.rows[1].cells
    cell_text(number_cell, "Số:          /BC-{{ symbol }}", size=13)
    cell_text(date_cell, "{{ place }}, ngày      tháng      năm {{ year }}", italic=True, size=14)

    paragraph(doc, after=6)
    paragraph(doc, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    paragraph(
        doc,
        "Kết quả thực hiện nhiệm vụ {{ plan_title }} {{ period_label }}",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=0,
    )
    rule(doc, indent_mm=60)
    paragraph(doc, "(Số liệu tính đến hết ngày {{ cut_off }})", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    justified = WD_ALIGN_PARAGRAPH.JUSTIFY

    paragraph(
        doc,
        "Thực hiện chế độ báo cáo định kỳ theo Nghị định số 09/2019/NĐ-CP, {{ issuing_body_name }} báo cáo "
        "kết quả thực hiện nhiệm vụ {{ plan_title }} từ ngày {{ start }} đến hết ngày {{ cut_off }} như sau:",
        align=justified,
    )
    paragraph(doc, "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", bold=True)
    paragraph(doc, "1. Nhiệm vụ và phân công", bold=True)
    paragraph(
        doc,
        "Tổng số {{ tasks.total }} nhiệm vụ; đã hoàn thành {{ tasks.done }}/{{ tasks.total }} nhiệm vụ "
        "({{ tasks.done_percent }}), trong đó đúng hạn {{ tasks.done_on_time }}, quá hạn {{ tasks.done_late }}; "
        "chưa hoàn thành {{ tasks.not_done }} nhiệm vụ, trong đó trong hạn {{ tasks.not_done_in_time }}, "
        "quá hạn {{ tasks.not_done_overdue }}; dừng thực hiện {{ tasks.cancelled }} nhiệm vụ. "
        "Đến hết ngày {{ cut_off }} có {{ tasks.due }} nhiệm vụ đến hạn, đã hoàn thành {{ tasks.due_done }}; "
        "trong kỳ có {{ tasks.due_in_period }} nhiệm vụ đến hạn, đã hoàn thành {{ tasks.due_in_period_done }}.",
        align=justified,
    )
    paragraph(
        doc,
        "Bảng 1. Kết quả theo cách phân loại của Văn phòng Chính phủ; mỗi tỷ lệ ghi rõ số được chia "
        "(tổng số, số đến hạn đến ngày tính số liệu, số đến hạn trong kỳ).",
        italic=True,
        size=13,
    )
    data_table(
        doc,
        ["Chỉ tiêu", "Nhiệm vụ", "Phân công"],
        ["{{ row.label }}", "{{ row.n_tasks }}", "{{ row.n_assignments }}"],
        (85, 40, 40),
        loop="split_rows",
    )
    paragraph(doc, "2. Phân công theo loại cơ quan", bold=True)
    data_table(
        doc,
        ["Loại cơ quan", "Số cơ quan", "Tổng số", "Đã hoàn thành", "Quá hạn chưa hoàn thành", "Tỷ lệ hoàn thành"],
        [
            "{{ row.label }}",
            "{{ row.n_agencies }}",
            "{{ row.n_total }}",
            "{{ row.n_done }}",
            "{{ row.n_overdue }}",
            "{{ row.n_rate }}",
        ],
        (45, 20, 22, 26, 26, 26),
        loop="kind_rows",
    )
    paragraph(
        doc,
        "Bảng 3. Phân công của từng cơ quan: bộ, ngành, cơ quan trung ương; địa phương theo vùng. "
        "Tỷ lệ hoàn thành tính trên tổng số phân công của cơ quan (không kể phân công dừng thực hiện).",
        italic=True,
        size=13,
    )
    data_table(
        doc,
        ["STT", "Cơ quan", "Tổng số", "Đúng hạn", "Hoàn thành quá hạn", "Trong hạn", "Quá hạn", "Tỷ lệ"],
        [
            "{{ row.position }}",
            "{{ row.name }}",
            "{{ row.n_total }}",
            "{{ row.n_done_on_time }}",
            "{{ row.n_done_late }}",
            "{{ row.n_in_time }}",
            "{{ row.n_overdue }}",
            "{{ row.n_rate }}",
        ],
        (13, 50, 17, 17, 20, 17, 15, 16),
        loop="group.rows",
        groups="agency_groups",
    )
    paragraph(doc, "3. Cơ quan còn nhiệm vụ quá hạn", bold=True)
    paragraph(doc, "{{ agencies_with_overdue }}", align=justified)
    paragraph(doc, "4. Danh sách phân công quá hạn", bold=True)
    paragraph(
        doc,
        "Quá hạn lâu nhất xếp trước; giải trình và ngày cam kết hoàn thành là những gì cơ quan đã gửi "
        "đến hết ngày tính số liệu.",
        italic=True,
        size=13,
    )
    data_table(
        doc,
        ["STT", "Nhiệm vụ", "Cơ quan", "Thời hạn", "Số ngày quá hạn", "Giải trình", "Cam kết hoàn thành"],
        [
            "{{ row.position }}",
            "{{ row.task }}",
            "{{ row.agency }}",
            "{{ row.due_on }}",
            "{{ row.n_days }}",
            "{{ row.explanation }}",
            "{{ row.committed_on }}",
        ],
        (13, 37, 26, 23, 15, 28, 23),
        loop="overdue_rows",
    )
    paragraph(doc, "{{ overdue_note }}", italic=True, size=13)
    paragraph(doc, "5. Đề nghị điều chỉnh thời hạn đã xử lý trong kỳ", bold=True)
    paragraph(doc, "{{ extensions_summary }}", align=justified)
    data_table(
        doc,
        ["STT", "Nhiệm vụ", "Cơ quan", "Đề nghị", "Thời hạn đề nghị", "Kết quả", "Ngày xử lý"],
        [
            "{{ row.position }}",
            "{{ row.task }}",
            "{{ row.agency }}",
            "{{ row.kind }}",
            "{{ row.requested_due_on }}",
            "{{ row.status }}",
            "{{ row.decided_on }}",
        ],
        (13, 37, 26, 20, 23, 23, 23),
        loop="extension_rows",
    )
    paragraph(doc, "6. Xếp hạng các cơ quan", bold=True)
    paragraph(doc, "{{ ranking_rule }}", italic=True, align=justified)
    data_table(
        doc,
        ["Hạng", "Cơ quan", "Đến hạn", "Đúng hạn", "Hoàn thành quá hạn", "Quá hạn", "Điểm", "So với kỳ trước"],
        [
            "{{ row.n_rank }}",
            "{{ row.name }}",
            "{{ row.n_due }}",
            "{{ row.n_done_on_time }}",
            "{{ row.n_done_late }}",
            "{{ row.n_overdue }}",
            "{{ row.n_score }}",
            "{{ row.change }}",
        ],
        (14, 50, 17, 17, 20, 16, 15, 16),
        loop="ranking_rows",
    )
    paragraph(doc, "7. So với báo cáo kỳ trước", bold=True)
    paragraph(doc, "{{ changes_summary }}", align=justified)
    paragraph(doc, "{%p if change_rows %}")
    data_table(
        doc,
        ["Chỉ tiêu", "Kỳ trước", "Kỳ này", "Thay đổi"],
        ["{{ row.label }}", "{{ row.n_previous }}", "{{ row.n_current }}", "{{ row.n_change }}"],
        (85, 27, 27, 26),
        loop="change_rows",
    )
    paragraph(doc, "{%p endif %}")
    paragraph(doc, "II. KHÓ KHĂN, VƯỚNG MẮC VÀ KIẾN NGHỊ", bold=True)
    paragraph(doc, "{{ obstacles_summary }}", align=justified)
    paragraph(doc, "{%p if obstacle_groups %}")
    data_table(
        doc,
        ["STT", "Nhiệm vụ", "Cơ quan nêu", "Loại", "Nội dung", "Ngày nêu", "Trả lời"],
        [
            "{{ row.position }}",
            "{{ row.task }}",
            "{{ row.agency }}",
            "{{ row.kind }}",
            "{{ row.text }}",
            "{{ row.raised_on }}",
            "{{ row.answer }}",
        ],
        (11, 36, 24, 17, 37, 17, 23),
        loop="group.rows",
        groups="obstacle_groups",
    )
    paragraph(doc, "{%p endif %}")
    paragraph(doc, "", align=justified)

    paragraph(doc, after=6)
    end = borderless(doc, 1, 2, (80, 85))
    to, signature = end.rows[0].cells
    cell_text(to, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    cell_text(to, "- Như trên;", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    cell_text(to, "- Lưu: VT.", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    cell_text(signature, "QUYỀN HẠN, CHỨC VỤ CỦA NGƯỜI KÝ", size=14, bold=True)
    cell_text(signature, "(Chữ ký của người có thẩm quyền, dấu của cơ quan)", size=14, italic=True)
    for _blank in range(3):
        cell_text(signature, "", size=14)
    cell_text(signature, "Họ và tên", size=14, bold=True)
    return doc


if __name__ == "__main__":
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    build().save(TEMPLATE)
    print(f"Wrote {TEMPLATE}")
