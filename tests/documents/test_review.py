"""What the signer reviews is what is issued: the draft's text and the signed document's text
differ only in the number and the date (and the audit position the issued one records)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from states.rules import rules_on
from states.spec import Role
from tests.documents.test_issue import pdf_text
from workflow.documents import render, service
from workflow.extensions import db
from workflow.models import Case, Decision
from workflow.procedures import document_kind

SIGNER = "signer"


def _normalized(text: str) -> str:
    text = text.replace("DỰ THẢO", " ")
    text = re.sub(r"Số \s*(\d+)?\s*-QĐ/", "Số N-QĐ/", text)
    text = re.sub(r"ngày \S+ tháng \S+ năm \S+", "ngày … tháng … năm …", text)
    text = re.sub(r"Nhật ký: #\d+ [0-9a-f]+", " ", text)
    return " ".join(text.split())


def _review_then_sign(world, case_id: int, trigger: str, kind: str) -> tuple[str, str]:
    draft = service.find_draft(case_id, kind)
    assert draft is not None
    actor = world.actor(SIGNER)
    scope = actor.scope_for(frozenset({Role.SIGNER}), None)
    day = db.session.get(Case, case_id).last_event_on
    document = document_kind(kind)
    snapshot = service.preview_snapshot(draft, document, actor, rules_on(day), scope)
    reviewed = render.html_to_pdf(render.render_html(document, snapshot, draft=True))
    world.fire(case_id, trigger, SIGNER, day)
    db.session.rollback()
    decision = db.session.scalars(
        select(Decision).where(Decision.case_id == case_id, Decision.status == "issued")
    ).one()
    return pdf_text(reviewed), pdf_text(service.pdf_bytes(decision))


def test_the_admission_draft_reads_as_the_signed_decision(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "department_appraised")
    reviewed, issued = _review_then_sign(world, case_id, "approve_admission", "admission")
    # the hole users saw: the ceremony deadline's number was missing from the draft
    assert re.search(r"trong thời hạn \d+ ngày làm việc", reviewed)
    assert world.actor(SIGNER).name in reviewed
    assert _normalized(reviewed) == _normalized(issued)


@pytest.mark.slow
def test_the_recognition_draft_reads_as_the_signed_decision(world):
    admission = world.new_candidate("C1")
    world.advance(admission, "admitted")
    probation = world.probation_of(admission)
    world.advance(probation, "department_appraised")
    reviewed, issued = _review_then_sign(world, probation, "approve_recognition", "recognition")
    assert _normalized(reviewed) == _normalized(issued)
