"""scripts/screenshots.py: the parts that need neither Odoo nor a browser."""

import io
import sys
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import screenshots  # noqa: E402


def test_workbook_sheet_is_drawn_with_its_cells_and_styles():
    """The workbook picture shows the first sheet's cells as the .xlsx has them."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output)
    header = book.add_format({"bold": True, "bg_color": "#714B67"})
    sheet = book.add_worksheet("Summary")
    sheet.write(0, 0, "Department", header)
    sheet.write(1, 0, "Sales & <Co>")
    sheet.write_number(1, 1, 3.14159, book.add_format({"num_format": "0.00"}))
    sheet.write_number(1, 2, 42, book.add_format({"num_format": "0"}))
    book.add_worksheet("By stage")
    book.close()
    page = screenshots.workbook_html(output.getvalue(), "kpi.xlsx")
    assert "background:#714B67;font-weight:bold'>Department</td>" in page
    assert "Sales &amp; &lt;Co&gt;" in page
    assert ">3.14</td>" in page and ">42</td>" in page
    assert "<span class='tab active'>Summary</span>" in page
    assert "<span class='tab'>By stage</span>" in page
