"""Issuing decisions: numbered gaplessly, frozen, stored once, re-downloaded byte for byte."""

from __future__ import annotations

import hashlib
import io
import json
import threading
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from tests.builders import PASSWORD, STANDING_VOTE, SYSTEM, clone_appraised
from workflow.documents import service, snapshots
from workflow.engine import fire
from workflow.extensions import db
from workflow.models import AuditEntry, Case, Decision, Person
from workflow.operations.people import update_person
from workflow.store.files import folder
from workflow.store.uow import unit_of_work


def issued(case_id: int) -> Decision:
    db.session.rollback()
    return db.session.scalars(
        select(Decision).where(Decision.case_id == case_id, Decision.status == "issued")
    ).one()


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_appraisal_drafts_and_signing_issues_the_decision(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "department_appraised")
    draft = service.find_draft(case_id, "admission")
    assert draft is not None
    assert (draft.status, draft.number, draft.html) == ("draft", None, None)
    world.advance(case_id, "admission_decided")
    decision = issued(case_id)
    assert decision.id == draft.id
    assert decision.reference == "Số 1-QĐ/ĐUK"
    assert decision.template_version and decision.html
    snapshot = json.loads(decision.snapshot)
    assert snapshot["reference"] == "Số 1-QĐ/ĐUK"
    assert snapshot["person"]["full_name"] == "Nguyễn Thị Hằng"


def test_pdf_is_stored_after_commit_with_its_hash_in_the_audit_trail(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    decision = issued(case_id)
    assert decision.pdf_sha256 and decision.pdf_path
    data = service.pdf_bytes(decision)
    assert hashlib.sha256(data).hexdigest() == decision.pdf_sha256
    row = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.subject_type == "decision",
            AuditEntry.subject_id == decision.id,
            AuditEntry.action == "document.rendered",
        )
    ).one()
    assert json.loads(row.payload)["sha256"] == decision.pdf_sha256
    text_ = pdf_text(data)
    assert "Số 1-QĐ/ĐUK" in text_
    assert "Nguyễn Thị Hằng" in text_


def test_download_again_returns_the_same_bytes_and_a_rerender_matches(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    decision = issued(case_id)
    first = service.pdf_bytes(decision)
    assert service.pdf_bytes(issued(case_id)) == first
    # the stored HTML renders to the very same bytes (nothing depends on the clock)
    from workflow.documents.render import html_to_pdf

    assert html_to_pdf(decision.html) == first


def test_a_file_changed_on_disk_is_refused(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    decision = issued(case_id)
    path = folder("documents") / decision.pdf_path
    path.write_bytes(path.read_bytes() + b"%tampered")
    with pytest.raises(service.DocumentError, match="không khớp"):
        service.pdf_bytes(decision)


def test_missing_pdf_is_rendered_on_first_use(app, world):
    app.config["RENDER_AFTER_ISSUE"] = False
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    decision = issued(case_id)
    assert decision.pdf_sha256 is None
    data = service.pdf_bytes(decision)
    assert issued(case_id).pdf_sha256 == hashlib.sha256(data).hexdigest()


def test_an_issued_decision_cannot_be_changed_or_deleted(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    decision = issued(case_id)
    for sql in (
        "UPDATE decision SET number = 99 WHERE id = :i",
        "UPDATE decision SET html = '<p>x</p>' WHERE id = :i",
        "UPDATE decision SET snapshot = '{}' WHERE id = :i",
        "UPDATE decision SET status = 'draft' WHERE id = :i",
        "UPDATE decision SET pdf_sha256 = 'x' WHERE id = :i",
        "DELETE FROM decision WHERE id = :i",
    ):
        db.session.rollback()
        with pytest.raises(DatabaseError), db.engine.begin() as conn:
            conn.execute(text(sql), {"i": decision.id})
    db.session.rollback()
    with pytest.raises(DatabaseError), unit_of_work():
        db.session.get(Decision, decision.id).decided_on = date(2020, 1, 1)
    db.session.rollback()
    assert issued(case_id).number == 1


def test_the_draft_is_what_gets_issued_even_if_the_record_changes_later(world):
    case_id = world.new_candidate("C1", name="Nguyễn Thị Hằng")
    world.advance(case_id, "department_appraised")
    person = db.session.get(Case, case_id).person
    with unit_of_work():
        fresh = db.session.get(Person, person.id)
        data = {
            k: getattr(fresh, k)
            for k in (
                "full_name",
                "birth_date",
                "sex",
                "ethnicity",
                "religion",
                "home_town",
                "citizen_id",
                "education",
                "occupation",
                "phone",
            )
        }
        data["full_name"] = "Nguyễn Thị Hằng Nga"
        update_person(fresh.id, data, actor=SYSTEM)
    world.advance(case_id, "admission_decided")
    assert json.loads(issued(case_id).snapshot)["person"]["full_name"] == "Nguyễn Thị Hằng"


@pytest.mark.parametrize(
    ("decided", "expected", "absent"),
    [
        (date(2025, 8, 20), "Quy định số 294-QĐ/TW", "38-HD/BTCTW"),
        (date(2025, 12, 20), "38-HD/BTCTW", "Quy định số 232-QĐ/TW"),
    ],
)
def test_legal_bases_are_those_in_force_on_the_decision_date(world, decided, expected, absent):
    case_id = world.new_candidate("C1", opened=date(2025, 1, 5))
    world.advance(case_id, "department_appraised", start=date(2025, 1, 10), step_days=3)
    world.fire(case_id, "approve_admission", "signer", decided)
    text_ = pdf_text(service.pdf_bytes(issued(case_id)))
    assert expected in text_
    assert absent not in text_


def test_numbers_restart_in_a_new_committee_term(world):
    old = world.new_candidate("C1", name="Nguyễn Văn An", opened=date(2025, 1, 5))
    world.advance(old, "department_appraised", start=date(2025, 1, 10), step_days=3)
    world.fire(old, "approve_admission", "signer", date(2025, 9, 20))
    new = world.new_candidate("C1B", name="Nguyễn Văn Bình", opened=date(2025, 1, 5))
    world.advance(new, "department_appraised", start=date(2025, 1, 10), step_days=3)
    world.fire(new, "approve_admission", "signer", date(2025, 10, 2))
    assert issued(old).number == 1
    assert issued(new).number == 1  # the 2025–2030 term started on 1 October 2025
    assert issued(new).term_start == date(2025, 10, 1)


def test_two_hundred_concurrent_issuances_are_numbered_one_to_two_hundred(app, world):
    app.config["RENDER_AFTER_ISSUE"] = False  # numbering only; rendering is tested above
    cases = clone_appraised(world, 200)
    versions = dict(
        db.session.execute(select(Case.id, Case.version).where(Case.id.in_(cases))).all()
    )
    signer = world.actor("signer")
    errors: list[Exception] = []
    threads_count = 8
    barrier = threading.Barrier(threads_count)

    def work(part: list[int]) -> None:
        with app.app_context():
            barrier.wait()
            for cid in part:
                try:
                    fire(
                        cid,
                        "approve_admission",
                        actor=signer,
                        expected_version=versions[cid],
                        payload={"event_date": "2026-03-05", **STANDING_VOTE},
                        password=PASSWORD,
                    )
                except Exception as exc:  # asserted below
                    errors.append(exc)
            db.session.remove()

    threads = [
        threading.Thread(target=work, args=(cases[i::threads_count],)) for i in range(threads_count)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    db.session.rollback()
    numbers = sorted(db.session.scalars(select(Decision.number).where(Decision.status == "issued")))
    assert numbers == list(range(1, 201))
    assert (
        db.session.scalar(
            select(func.count()).select_from(Decision).where(Decision.status == "draft")
        )
        == 0
    )


def test_a_grassroots_decision_names_the_superior_party_organization_first(app, world):
    """HD 36-HD/VPTW: the heading's first line is the body above the issuer, as the upper
    committee's decisions print the provincial party organization above themselves."""
    upper_case = world.new_candidate("C1")
    world.advance(upper_case, "admission_decided")
    grassroots_case = world.new_candidate("C2")  # Đảng bộ Công ty Điện lực decides itself
    world.advance(grassroots_case, "admission_decided")
    decision = issued(grassroots_case)
    assert decision.issuer == f"org:{world.orgs['G2']}"
    text = pdf_text(service.pdf_bytes(decision))
    heading = text[: text.index("QUYẾT ĐỊNH")]
    superior = heading.index("ĐẢNG BỘ KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH")
    assert heading.index("ĐẢNG ỦY CÔNG TY ĐIỆN LỰC") > superior
    assert "ĐẢNG ỦY KHỐI" not in text and "T/M ĐẢNG ỦY" in text
    # the upper committee's own decision keeps the provincial party organization above it
    upper = pdf_text(service.pdf_bytes(issued(upper_case)))
    assert upper.index("ĐẢNG BỘ TỈNH PHÚ THỌ") < upper.index(
        "ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH"
    )
    # a configured name wins over the one read from the committee's name
    app.config["UPPER_PARTY_NAME"] = "Đảng bộ Khối Doanh nghiệp tỉnh"
    assert snapshots.issuer_of(None, decision.issuer)["superior_name"] == (
        "Đảng bộ Khối Doanh nghiệp tỉnh"
    )
