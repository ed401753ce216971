"""People's names on the pages: Vietnamese alphabetical order of the lists, search by the words
of a name or the end of a citizen ID, capitalization and the warning on a name without
diacritics, and organization pickers that name the parent."""

from __future__ import annotations

import html
import re
from datetime import date

from sqlalchemy import select

from states.text import name_sort_key
from tests.builders import person_data
from tests.web.helpers import counts, field_block, incoming_form, new_case_form, page
from workflow.extensions import db
from workflow.models import Case, Organization, Person
from workflow.operations import orgs as org_ops
from workflow.operations.people import create_person
from workflow.permissions import Actor
from workflow.store.uow import unit_of_work

PLAIN_NAME = "không có dấu"


def _names(body: str) -> list[str]:
    """The people listed on a page of the people list, in order."""
    return [html.unescape(n) for n in re.findall(r'<a href="/people/\d+">([^<]+)</a>', body)]


def _add(world, *names: str, cell: str = "C1") -> list[int]:
    """People on the source list of ``cell``; returns their ids."""
    ids = []
    for name in names:
        case_id = world.new_candidate(cell, name=name)
        ids.append(db.session.get(Case, case_id).person_id)
    db.session.rollback()
    return ids


# --- order ------------------------------------------------------------------------------------


def test_a_cells_list_is_in_vietnamese_order_by_given_name_then_family_name(world, login):
    _add(world, "Đặng Văn Hải", "Dương Văn Hải", "Đào Thị Hải", "Nguyễn Thị Đào", "Lê Văn Dũng")
    body = page(login("sec1").get("/people/", query_string={"org": world.orgs["C1"]}))
    assert _names(body) == [
        "Trần Thị An",
        "Trần Văn Bình",
        "Trần Thị Cường",
        "Trần Văn Dung",
        "Lê Văn Dũng",
        "Nguyễn Thị Đào",  # Đ after every D
        "Trần Thị Đức",
        "Trần Văn Giang",
        "Dương Văn Hải",
        "Đào Thị Hải",  # Đào before Đặng: a before ă
        "Đặng Văn Hải",
        "Trần Thị Hải",
        "Trần Văn Hoa",
        "Trần Thị Khánh",
    ]


def test_the_pages_of_the_whole_list_follow_the_sort_key(world, login):
    _add(world, "Đỗ Thị Ánh", "Đinh Văn Ân", "Đoàn Thị Ẩn", cell="C2")
    client = login("dept")
    everyone = db.session.scalars(select(Person)).all()
    listed, url = [], "/people/"
    while url:
        body = page(client.get(url))
        listed += _names(body)
        found = re.search(r'<a href="([^"]+)">Sau ›', body)
        url = html.unescape(found.group(1)) if found else None
    assert len(listed) == len(everyone) > 25
    by_key = sorted(everyone, key=lambda p: (name_sort_key(p.full_name), p.id))
    assert listed == [p.full_name for p in by_key]


def test_member_choices_and_an_organizations_members_are_in_name_order(world, login):
    client = login("sec1")
    form = page(client.get("/cases/open/admission"))
    helper = re.search(r'<select[^>]*name="helper".*?</select>', form, re.S).group(0)
    offered = [html.unescape(o).split(" – ")[0] for o in re.findall(r'">([^<]+)</option>', helper)]
    official = [n for n in offered if n != "— chọn —"]
    assert official == sorted(official, key=name_sort_key) and len(official) >= 18
    org_page = page(client.get(f"/orgs/{world.orgs['C1']}"))
    listed = _names(org_page)
    assert listed == sorted(listed, key=name_sort_key) and len(listed) == 9


# --- search -------------------------------------------------------------------------------------


def test_a_word_typed_with_marks_finds_that_word_only(world, login):
    _add(world, "Trần Thị Hòa", "Lê Văn Hoà", "Phạm Hóa", "Vũ Hoàng", "Đỗ Khoa")
    client = login("sec1")

    def found(path: str, q: str) -> list[str]:
        return _names(page(client.get(path, query_string={"q": q})))

    assert found("/people/", "Hòa") == ["Lê Văn Hoà", "Trần Thị Hòa"]
    assert found("/people/", "Hoà") == ["Lê Văn Hoà", "Trần Thị Hòa"]
    assert found("/people/", "hoa") == [
        "Trần Văn Hoa",
        "Lê Văn Hoà",
        "Trần Thị Hòa",
        "Phạm Hóa",
        "Vũ Hoàng",
    ]
    assert found("/people/", "Hóa") == ["Phạm Hóa"]
    assert found("/people/", "kho") == ["Đỗ Khoa"]
    assert found("/people/", "tran hoa") == ["Trần Văn Hoa", "Trần Thị Hòa"]
    cases = page(client.get("/cases/", query_string={"q": "Hòa"}))
    assert "Trần Thị Hòa" in cases and "Lê Văn Hoà" in cases and "2 hồ sơ" in cases
    assert "Vũ Hoàng" not in cases and "Đỗ Khoa" not in cases


def test_the_end_of_a_citizen_id_finds_the_person(world, login):
    (person_id,) = _add(world, "Phạm Thị Lan")
    number = db.session.get(Person, person_id).citizen_id
    client = login("sec1")
    for q in (number, number[-11:], number[-6:], number[-4:], f"{number[-6:-3]} {number[-3:]}"):
        body = page(client.get("/people/", query_string={"q": q}))
        assert "Phạm Thị Lan" in body, q
        assert _names(body) == [
            p.full_name
            for p in db.session.scalars(
                select(Person).where(Person.citizen_id.endswith(q.replace(" ", "")))
            )
            if p.cell_id == world.orgs["C1"]
        ]
        assert "Phạm Thị Lan" in page(client.get("/cases/", query_string={"q": q})), q
    for q in (number[-3:], number[:6], number + "0", "9" * 4):
        assert "Phạm Thị Lan" not in page(client.get("/people/", query_string={"q": q})), q


# --- capitalization and the warning on a name without diacritics --------------------------------


def _person_named(name: str) -> Person | None:
    db.session.rollback()
    return db.session.scalars(select(Person).where(Person.full_name == name)).one_or_none()


def test_the_new_person_form_capitalizes_the_name(world, login):
    response = login("sec1").post(
        "/cases/open/admission", data=new_case_form(world, full_name="hà thị THU")
    )
    assert response.status_code == 302
    assert _person_named("Hà Thị Thu") is not None


def test_a_name_without_diacritics_is_saved_once_the_user_confirms_it(world, login):
    client = login("sec1")
    before = counts()
    response = client.post(
        "/cases/open/admission", data=new_case_form(world, full_name="le van binh")
    )
    body = page(response)
    assert response.status_code == 200
    block = field_block(body, "full_name")
    assert "“Le Van Binh” không có dấu" in block and 'name="confirm_name"' in body
    assert counts() == before

    # with another error, both are shown and nothing is saved either
    data = new_case_form(world, full_name="le van binh", citizen_id="123")
    response = client.post("/cases/open/admission", data=data)
    assert response.status_code == 422
    assert PLAIN_NAME in page(response) and "12 chữ số" in page(response)
    assert counts() == before

    data = new_case_form(world, full_name="le van binh", confirm_name="y")
    response = client.post("/cases/open/admission", data=data)
    assert response.status_code == 302
    assert _person_named("Le Van Binh") is not None


def test_the_edit_form_warns_only_when_the_name_changes_to_one_without_diacritics(world, login):
    (person_id,) = _add(world, "Phạm Thị Lan")
    person = db.session.get(Person, person_id)
    client = login("sec1")

    def form(**overrides):
        db.session.rollback()
        fresh = db.session.get(Person, person_id)
        data = {
            **person_data(fresh.full_name, fresh.birth_date, fresh.sex),
            "citizen_id": fresh.citizen_id,
            "birth_date": fresh.birth_date.strftime("%d/%m/%Y"),
            "expected_version": str(fresh.version),
        }
        return {**data, **overrides}

    version = person.version
    response = client.post(f"/people/{person_id}/edit", data=form(full_name="Pham Thi Lan"))
    assert response.status_code == 200 and PLAIN_NAME in page(response)
    assert db.session.get(Person, person_id).version == version
    response = client.post(
        f"/people/{person_id}/edit", data=form(full_name="Pham Thi Lan", confirm_name="y")
    )
    assert response.status_code == 302
    assert _person_named("Pham Thi Lan").id == person_id
    # the name stays as it is: no warning on another change
    response = client.post(f"/people/{person_id}/edit", data=form(phone="0912000111"))
    assert response.status_code == 302
    assert _person_named("Pham Thi Lan").phone == "0912000111"


def test_the_incoming_letter_form_warns_too(world, login):
    client = login("dept")
    form = incoming_form(world, "phan van den")
    before = counts()
    response = client.post("/cases/open/transfer_in", data=form)
    assert response.status_code == 200 and "“Phan Van Den” không có dấu" in page(response)
    assert counts() == before
    response = client.post("/cases/open/transfer_in", data={**form, "confirm_name": "y"})
    assert response.status_code == 302
    assert _person_named("Phan Van Den") is not None


# --- organization pickers -----------------------------------------------------------------------


def _cell(name: str, code: str, parent: int) -> int:
    raw = {"code": code, "name": name, "kind": "cell", "parent_id": str(parent), "active": True}
    with unit_of_work():
        return org_ops.create_org(raw, actor=Actor.system()).id


def _options(body: str, name: str) -> list[str]:
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', body, re.S).group(0)
    return [html.unescape(o) for o in re.findall(r'<option value="\d+"[^>]*>([^<]+)<', select_html)]


def test_organization_pickers_name_the_parent_and_sort_numbers_by_value(world, login):
    _cell("Chi bộ Văn phòng Sở", "C2V", world.orgs["G2"])  # the name of a cell of G1
    _cell("Chi bộ 10", "C10", world.orgs["G1"])
    _cell("Chi bộ 2", "C02", world.orgs["G1"])
    client = login("dept")
    for path in ("/people/", "/cases/", "/deadlines/", "/transfers/", "/reports/"):
        options = _options(page(client.get(path)), "org")
        assert "Chi bộ Văn phòng Sở — Đảng bộ Sở Tài chính" in options, path
        assert "Chi bộ Văn phòng Sở — Đảng bộ Công ty Điện lực" in options, path
        g1 = options.index("Đảng bộ Sở Tài chính")
        assert options[g1 + 1 : g1 + 5] == [
            "Chi bộ 2 — Đảng bộ Sở Tài chính",
            "Chi bộ 10 — Đảng bộ Sở Tài chính",
            "Chi bộ Phòng Ngân sách — Đảng bộ Sở Tài chính",
            "Chi bộ Văn phòng Sở — Đảng bộ Sở Tài chính",
        ], path
    for path in ("/orgs/", f"/orgs/{world.orgs['G1']}"):  # the tree and a body's page
        body = page(client.get(path))
        positions = [
            body.index(f">{name}</a>")
            for name in ("Chi bộ 2", "Chi bộ 10", "Chi bộ Phòng Ngân sách")
        ]
        assert positions == sorted(positions), path
    admin = login("admin")
    grant = _options(page(admin.get(f"/admin/users/{world.users['sec1']}")), "org_id")
    assert "Chi bộ Văn phòng Sở — Đảng bộ Công ty Điện lực" in grant
    member = world.members["C1"][0]
    move = _options(
        page(login("sec1").get(f"/cases/open/internal_transfer?person={member}")),
        "destination_cell",
    )
    assert move == [
        "Chi bộ 2 — Đảng bộ Sở Tài chính",
        "Chi bộ 10 — Đảng bộ Sở Tài chính",
        "Chi bộ Văn phòng Sở — Đảng bộ Sở Tài chính",
    ]


def test_a_person_created_in_code_gets_the_keys_from_the_operation(world):
    with unit_of_work():
        person = create_person(
            person_data("ĐẶNG thị hoà", date(1990, 1, 1)),
            cell=db.session.get(Organization, world.orgs["C1"]),
            actor=Actor.system(),
        )
    assert person.full_name == "Đặng Thị Hoà"
    assert person.sort_key == name_sort_key("Đặng Thị Hòa")
