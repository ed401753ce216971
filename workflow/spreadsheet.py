"""Writing a workbook the application hands out: whatever the sheets hold, a text cell is
stored as text, so a value someone typed that begins with "=" (an organization named
``=HYPERLINK(…)``) reaches Excel as the text it is and never as a live formula."""

from __future__ import annotations

import io

from openpyxl import Workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook's file, after turning every cell openpyxl took for a formula into text
    (the application writes no formulas)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
