"""An issued decision is never edited: a correction is a new decision that replaces or annuls
it, signed like any other, and both link to each other."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from tests.builders import PASSWORD
from workflow.documents import service
from workflow.extensions import db
from workflow.models import AuditEntry, Decision


def issued_for(case_id: int) -> Decision:
    db.session.rollback()
    return db.session.scalars(
        select(Decision).where(
            Decision.case_id == case_id, Decision.status == "issued", Decision.corrects_id.is_(None)
        )
    ).one()


def text_of(decision: Decision) -> str:
    data = service.pdf_bytes(decision)
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def correction_of(original_id: int) -> Decision:
    db.session.rollback()
    return db.session.scalars(select(Decision).where(Decision.corrects_id == original_id)).one()


def test_replacement_is_drafted_signed_and_linked(world, login):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    original = issued_for(case_id)
    staff = login("dept")
    staff.post(
        f"/documents/{original.id}/correct", data={"how": "replace", "reason": "Ghi sai quê quán"}
    )
    draft = correction_of(original.id)
    assert (draft.status, draft.kind, draft.correction_kind) == ("draft", "admission", "replace")
    # the department cannot sign; the signer who did not draft it can, with the password
    signer = login("signer")
    bad = signer.post(
        f"/documents/{draft.id}/sign", data={"decided_on": "05/03/2026", "password": "sai"}
    )
    assert bad.status_code == 302
    assert correction_of(original.id).status == "draft"
    signer.post(
        f"/documents/{draft.id}/sign", data={"decided_on": "05/03/2026", "password": PASSWORD}
    )
    replacement = correction_of(original.id)
    assert replacement.status == "issued"
    assert replacement.number == original.number + 1  # same register, next number
    text = text_of(replacement)
    # a document cited in running text reads "số …", never "Số …"
    assert f"thay thế Quyết định {original.cited} ngày" in text
    assert "Số" not in text.split("thay thế", 1)[1]
    assert "Ghi sai quê quán" in text
    # the original is untouched and shows what replaced it
    assert issued_for(case_id).html == original.html
    page = signer.get(f"/documents/{original.id}").get_data(as_text=True)
    assert "Bị thay thế bởi" in page
    assert replacement.reference in page
    page = signer.get(f"/documents/{replacement.id}").get_data(as_text=True)
    assert original.reference in page
    assert db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.subject_type == "decision", AuditEntry.subject_id == replacement.id
        )
    ).all() == ["document.correction_drafted", "document.issued", "document.rendered"]


def test_annulment_cites_the_annulled_decision(world, login):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    original = issued_for(case_id)
    login("dept").post(
        f"/documents/{original.id}/correct",
        data={"how": "annul", "reason": "Phát hiện khai man lý lịch"},
    )
    draft = correction_of(original.id)
    login("signer").post(
        f"/documents/{draft.id}/sign", data={"decided_on": "05/03/2026", "password": PASSWORD}
    )
    annulment = correction_of(original.id)
    assert (annulment.kind, annulment.status) == ("annulment", "issued")
    text = text_of(annulment)
    assert f"Hủy bỏ Quyết định số {original.number}-QĐ/ĐUK" in text
    assert "Phát hiện khai man lý lịch" in text


def test_the_drafter_cannot_sign_the_correction(world, login, app):
    from tests.builders import SYSTEM
    from workflow.models import User
    from workflow.operations.users import add_grant
    from workflow.store.uow import unit_of_work

    with unit_of_work():
        add_grant(
            db.session.get(User, world.users["dept"]), "signer", None, "PHÓ BÍ THƯ", actor=SYSTEM
        )
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    original = issued_for(case_id)
    client = login("dept")
    client.post(f"/documents/{original.id}/correct", data={"how": "annul", "reason": "Sai"})
    draft = correction_of(original.id)
    reply = client.post(
        f"/documents/{draft.id}/sign",
        data={"decided_on": "05/03/2026", "password": PASSWORD},
        follow_redirects=True,
    )
    assert "không được là người đã soạn" in reply.get_data(as_text=True)
    assert correction_of(original.id).status == "draft"


def test_corrections_need_the_right_roles(world, login):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    original = issued_for(case_id)
    assert (
        login("sec1")
        .post(f"/documents/{original.id}/correct", data={"how": "annul", "reason": "x"})
        .status_code
        == 403
    )
    assert login("sec1b").get(f"/documents/{original.id}").status_code == 404
    login("dept").post(f"/documents/{original.id}/correct", data={"how": "annul", "reason": "x"})
    draft = correction_of(original.id)
    assert (
        login("dept2")
        .post(
            f"/documents/{draft.id}/sign", data={"decided_on": "05/03/2026", "password": PASSWORD}
        )
        .status_code
        == 403
    )
