"""The documents page: a page of decisions at a time, latest first, filtered by kind, status and
year, and only those of the cases the user may see."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from tests.web.helpers import page
from workflow.extensions import db
from workflow.models import Decision
from workflow.views import documents


def _listed(body: str) -> list[int]:
    table = body.split("Danh sách văn bản", 1)[1]
    return [int(x) for x in re.findall(r'href="/documents/(\d+)"', table)]


def _next(body: str) -> str | None:
    found = re.search(r'<a href="([^"]+)">Sau ›', body)
    return html.unescape(found.group(1)) if found else None


def _decision_of(case_id: int, status: str) -> int:
    return db.session.scalars(
        select(Decision.id).where(Decision.case_id == case_id, Decision.status == status)
    ).one()


def test_documents_page_by_page_filtered_and_in_scope(world, login, monkeypatch):
    mine = [world.new_candidate("C1") for _ in range(3)]
    for case_id in mine:
        world.advance(case_id, "admission_decided")
    other = world.new_candidate("C3")
    world.advance(other, "admission_decided")
    pending = world.new_candidate("C1")
    world.advance(pending, "department_appraised")
    issued_mine = {_decision_of(c, "issued") for c in mine}
    issued_other = _decision_of(other, "issued")

    dept = login("dept")
    body = page(dept.get("/documents/"))
    assert set(_listed(body)) == issued_mine | {issued_other}
    assert "4 văn bản" in body and "1 dự thảo chưa ký" in body
    # the cell's secretary sees the decisions of the cell's cases only
    assert set(_listed(page(login("sec1").get("/documents/")))) == issued_mine

    # a page at a time: the next page starts after the last decision shown
    monkeypatch.setattr(documents, "DOCUMENTS_PER_PAGE", 3)
    dept = login("dept")
    first = page(dept.get("/documents/"))
    assert len(_listed(first)) == 3
    second = page(dept.get(_next(first)))
    assert _listed(first) + _listed(second) == sorted(issued_mine | {issued_other}, reverse=True)
    assert _next(second) is None
    kind = db.session.get(Decision, issued_other).kind
    by_kind = _listed(page(dept.get(f"/documents/?kind={kind}")))
    assert issued_other in by_kind
    assert all(db.session.get(Decision, d).kind == kind for d in by_kind)

    drafts = page(dept.get("/documents/?status=draft"))
    assert _listed(drafts) == [_decision_of(pending, "draft")]
    assert _listed(page(dept.get("/documents/?year=2020"))) == []
    assert "Không có văn bản nào theo điều kiện lọc" in page(dept.get("/documents/?year=2020"))
    # nonsense filters are ignored, never an error
    junk = dept.get("/documents/?kind=x&status=y&year=abc&after=zz")
    assert junk.status_code == 200 and len(_listed(page(junk))) == 3
