"""Model cells: the round lists exactly the cells whose own ratings of the two years before
meet the criteria; a cell registers (or is refused, with why), the standing committee
approves the list as a numbered, printed decision, the progress towards the target, and the
recognition at the end of the year."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from tests.ratings.helpers import messages, open_period, rate_cell
from tests.web.helpers import page
from workflow.ratings import model_cells
from workflow.store.errors import InvalidInput, PermissionDenied


def _two_years(world):
    y2024, y2025 = open_period(world, 2024), open_period(world, 2025)
    # C1: excellent then good → eligible; C1B: good, good → no excellent year
    rate_cell(world, y2024, "C1", "excellent")
    rate_cell(world, y2025, "C1", "good")
    rate_cell(world, y2024, "C1B", "good")
    rate_cell(world, y2025, "C1B", "good")
    # C2: excellent then only completed; C3: 2025 not rated
    rate_cell(world, y2024, "C2", "excellent")
    rate_cell(world, y2025, "C2", "completed")
    rate_cell(world, y2024, "C3", "excellent")
    return y2024, y2025


def test_the_round_lists_exactly_the_eligible_cells(world):
    _two_years(world)
    found = model_cells.create_round(
        {"year": "2026", "target_percent": ""}, actor=world.actor("dept")
    )
    assert found.target_percent == 50  # the setting's target when none is typed
    assert [c.id for c in model_cells.eligible_cells(2026)] == [world.orgs["C1"]]
    reasons = model_cells.eligibility(2026, [world.org(c) for c in ("C1B", "C2", "C3", "GC4")])
    assert reasons[world.orgs["C1B"]] == (
        "Cần ít nhất 1 năm hoàn thành xuất sắc nhiệm vụ trong các năm 2024, 2025."
    )
    assert reasons[world.orgs["C2"]] == "Năm 2025 xếp loại dưới mức hoàn thành tốt nhiệm vụ."
    assert reasons[world.orgs["C3"]] == "Chưa có kết quả xếp loại năm 2025."
    assert reasons[world.orgs["GC4"]] == "Chưa có kết quả xếp loại năm 2024, 2025."
    with pytest.raises(InvalidInput) as exc:
        model_cells.register(found.id, world.orgs["C1B"], actor=world.actor("sec1b"))
    assert "Chi bộ Văn phòng Sở chưa đủ điều kiện đăng ký: Cần ít nhất 1 năm" in messages(exc)
    with pytest.raises(PermissionDenied):  # another cell's secretary
        model_cells.register(found.id, world.orgs["C1"], actor=world.actor("sec2"))
    entry = model_cells.register(found.id, world.orgs["C1"], actor=world.actor("sec1"))
    assert entry.status == "registered"


def test_the_approved_list_is_a_numbered_printed_decision(world, login):
    _two_years(world)
    found = model_cells.create_round(
        {"year": "2026", "target_percent": "40"}, actor=world.actor("dept")
    )
    model_cells.register(found.id, world.orgs["C1"], actor=world.actor("sec1"))
    with pytest.raises(PermissionDenied):
        model_cells.approve_list(found.id, {"decided_on": "10/03/2026"}, found.version,
                                 actor=world.actor("gs1"))  # fmt: skip
    found = model_cells.approve_list(
        found.id, {"decided_on": "10/03/2026"}, found.version, actor=world.actor("signer")
    )
    assert found.decision_reference == f"{found.decision_number}-QĐ/ĐUK"
    assert found.decided_on == date(2026, 3, 10) and found.status == "approved"
    progress = model_cells.progress(found)
    assert (progress.cells, progress.target, progress.approved) == (5, 2, 1)
    assert progress.shares()["approved"] == "20%"
    client = login("dept")
    body = page(client.get(f"/ratings/model-cells/{found.id}"))
    assert found.decision_reference in body and "Chi bộ Phòng Ngân sách" in body
    pdf = client.get(f"/ratings/model-cells/{found.id}/decision.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert found.decision_reference in text and "Chi bộ Phòng Ngân sách" in text
    assert "QUYẾT ĐỊNH" in text
    # recognition at the end of 2026 needs the cell's 2026 rating
    with pytest.raises(InvalidInput) as exc:
        model_cells.recognize(found.id, {found.entries[0].id}, found.version,
                              actor=world.actor("dept"))  # fmt: skip
    assert "năm 2026 chưa có kết quả xếp loại" in messages(exc)
    y2026 = open_period(world, 2026)
    rate_cell(world, y2026, "C1", "good")
    found = model_cells.recognize(
        found.id, {found.entries[0].id}, found.version, actor=world.actor("dept")
    )
    assert found.status == "closed" and found.entries[0].status == "recognized"
    assert model_cells.progress(found).recognized == 1
