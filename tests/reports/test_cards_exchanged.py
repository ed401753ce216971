"""The 2025 card exchange (Chỉ thị 51-CT/TW) in the period report: a card counts on the day of
its exchange decision (``card.exchanged``), in the quarter of that day and not in the one
before; a card decided in the old design is not an exchange to the new one. The page, the
XLSX, the PDF and the JSON show the figure under its label, and the report's sentence says it."""

from __future__ import annotations

import io
import json
import re
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from tests.reports.test_report_pages import _figure
from workflow.extensions import db
from workflow.models import CardIssuance
from workflow.operations import cards
from workflow.reports import period

LABEL = "Thẻ đảng viên đổi theo mẫu mới (Chỉ thị 51-CT/TW)"
Q3 = (date(2025, 7, 1), date(2025, 9, 30))
Q4 = (date(2025, 10, 1), date(2025, 12, 31))


def _decide(world, person_id: int, on: str) -> None:
    card = db.session.scalars(
        select(CardIssuance).where(
            CardIssuance.person_id == person_id, CardIssuance.kind == "exchange"
        )
    ).one()
    cards.advance(card.id, "decide", {"on": on, "card_number": card.old_card_number},
                  actor=world.actor("dept"))  # fmt: skip


def test_cards_exchanged_count_in_the_quarter_of_their_decision(world, login):
    dept = world.actor("dept")
    assert cards.start_exchange(world.orgs["G1"], {"on": "01/08/2025"}, actor=dept) == 18
    c1, c1b = world.members["C1"], world.members["C1B"]
    _decide(world, c1[0], "05/08/2025")  # before the 2025 design's first day: the old design
    _decide(world, c1[1], "20/09/2025")  # the third quarter
    _decide(world, c1[2], "10/10/2025")  # the fourth
    _decide(world, c1b[0], "15/11/2025")
    assert period.compute(*Q3).total.figure("cards_exchanged") == 1
    q4 = period.compute(*Q4)
    assert q4.total.figure("cards_exchanged") == 2
    by_org = {r.org.code: r.tally.figure("cards_exchanged") for r in q4.rows if r.org}
    assert by_org["G1"] == 2 and by_org["G2"] == 0
    assert period.compute(*Q4, world.org("C1")).total.figure("cards_exchanged") == 1
    # re-issues are counted apart
    assert q4.total.figure("cards_reissued_lost") == 0

    client = login("dept")
    query = {"from": "2025-10-01", "to": "2025-12-31"}
    html = client.get("/reports/", query_string=query).get_data(as_text=True)
    assert _figure(html, "cards_exchanged") == 2
    assert LABEL in html
    summary = re.search(r'<p id="summary">(.*?)</p>', html, re.S).group(1)
    assert "đổi thẻ đảng viên theo mẫu mới (Chỉ thị 51-CT/TW) cho 2 đảng viên" in summary

    wb = load_workbook(io.BytesIO(client.get("/reports/download.xlsx", query_string=query).data))
    sheet = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(values_only=True) if row}
    assert sheet[LABEL] == 2

    pdf = client.get("/reports/download.pdf", query_string=query)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    text = re.sub(r"\s+", " ", text)
    assert f"{LABEL} 2" in text

    data = json.loads(client.get("/reports/download.json", query_string=query).data)
    assert data["indicators"]["cards_exchanged"] == {"value": 2, "tracked": True}
    assert data["organizations"]["G1"]["indicators"]["cards_exchanged"]["value"] == 2

    # the quarter before: only the card of the new design decided in it
    data = json.loads(
        client.get(
            "/reports/download.json", query_string={"from": "2025-07-01", "to": "2025-09-30"}
        ).data
    )
    assert data["indicators"]["cards_exchanged"]["value"] == 1


def test_no_exchange_says_nothing_in_the_sentence(world, login):
    html = login("dept").get("/reports/", query_string={"from": "2025-10-01", "to": "2025-12-31"})
    body = html.get_data(as_text=True)
    assert _figure(body, "cards_exchanged") == 0
    assert "đổi thẻ đảng viên theo mẫu mới" not in re.search(
        r'<p id="summary">(.*?)</p>', body, re.S
    ).group(1)
