"""An auditor reads labels and names, not keys: the audit page, the case timelines and the
record of every action the application writes."""

from __future__ import annotations

import re
from pathlib import Path

from states import REGISTRY
from tests.web.helpers import page
from workflow.extensions import db
from workflow.models import AuditHead, Case
from workflow.presenters import ACTION_LABELS

ROOT = Path(__file__).resolve().parents[2]
#: snake_case keys (triggers, states, fields) and "user 8" style references
KEY = re.compile(r"\b[a-z]+_[a-z_]+\b|\b(?:user|person|case|organization|decision) \d+\b")


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)  # attributes (urls, titles) are not read
    return " ".join(html.split())


def _walk_an_admission(world) -> int:
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admitted")
    return case_id


def test_every_action_the_code_records_has_a_vietnamese_label():
    written = set()
    for path in (ROOT / "workflow").rglob("*.py"):
        written |= set(re.findall(r'action="([a-z_.]+)"', path.read_text()))
        written |= set(re.findall(r'_login_audit\([^)]*?"([a-z_.]+)"', path.read_text()))
    triggers = {t.trigger for spec in REGISTRY.values() for t in spec.transitions}
    missing = sorted(a for a in written - triggers - {"open"} if a not in ACTION_LABELS)
    assert written and not missing


def test_the_audit_page_names_people_accounts_cases_and_steps(world, login):
    case_id = _walk_an_admission(world)
    body = page(login("auditor").get("/admin/audit"))
    text = _visible_text(body)
    assert not KEY.findall(text), KEY.findall(text)[:10]
    person = db.session.get(Case, case_id).person.full_name
    assert f"Hồ sơ #{case_id} – {person}" in text
    assert "Trong danh sách nguồn" in text or "Cử đi học lớp bồi dưỡng nhận thức về Đảng" in text
    keys = _visible_text(page(login("auditor").get("/admin/audit?keys=1")))
    assert "hold_ceremony" in keys or "receive_decision" in keys


def test_timelines_read_in_words_with_each_procedures_own_form_codes(world, login):
    case_id = _walk_an_admission(world)
    probation_id = world.probation_of(case_id)
    client = login("sec1")
    admission = _visible_text(page(client.get(f"/cases/{case_id}")))
    assert "5-KNĐ" in admission and "12-KNĐ" not in admission
    assert "()" not in admission
    assert "bắt đầu ở bước: Trong danh sách nguồn" in admission
    probation = _visible_text(page(client.get(f"/cases/{probation_id}")))
    assert "probation_end" not in probation
    assert not KEY.findall(probation), KEY.findall(probation)[:10]


def test_the_audit_page_verifies_the_keyed_chain_and_shows_its_position(world, login):
    _walk_an_admission(world)
    client = login("auditor")
    text = _visible_text(page(client.get("/admin/audit?verify=1")))
    db.session.rollback()
    head = db.session.get(AuditHead, 1)
    assert "Chuỗi nguyên vẹn" in text and "mã khóa đúng" in text
    assert "khớp 1 vị trí chuỗi ghi trong văn bản đã ban hành" in text
    assert f"Vị trí hiện tại của chuỗi: #{head.seq} {head.row_hash[:16]}" in text
