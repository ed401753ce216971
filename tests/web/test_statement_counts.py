"""The list pages read a page in a fixed number of statements: one more row on the page is
never one more query (no row loads its person, cell, clocks or transfer by itself)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from tests.transfers.test_transfers import official
from tests.web.helpers import page
from workflow.extensions import db

PAGES = ("/", "/cases/", "/deadlines/", "/documents/?status=draft", "/people/")


@contextmanager
def counting():
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _statements(client, path: str) -> int:
    client.get(path)  # what a first request loads once (the calendar, the rules) aside
    with counting() as seen:
        body = page(client.get(path))
    assert "Lỗi" not in body[:2000]
    return len(seen)


def _transfer(world, member) -> int:
    case_id = official(world, member)
    world.fire(case_id, "record_grassroots_part", "gs1", reference="12-SHĐ")
    world.fire(case_id, "issue_letter", "dept")
    return case_id


def test_more_rows_on_a_page_take_no_more_statements(world, login):
    first = world.new_candidate("C1", name="Nguyễn Văn An")
    world.advance(first, "department_appraised")
    _transfer(world, world.members["C1"][3])
    client = login("signer")
    few = {path: _statements(client, path) for path in PAGES}
    for name in ("Nguyễn Văn Bình", "Trần Thị Cúc", "Lê Văn Dũng", "Phạm Thị Én", "Hồ Văn Giang"):
        case_id = world.new_candidate("C3", name=name)
        world.advance(case_id, "department_appraised")
    for member in world.members["C1"][4:7]:
        _transfer(world, member)
    client = login("signer")
    many = {path: _statements(client, path) for path in PAGES}
    assert many == few
    # and the cases are on the pages (the signer has them all to approve)
    assert page(client.get("/")).count('href="/cases/') >= 2 * 6
