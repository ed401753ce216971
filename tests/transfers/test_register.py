"""The register of introduction letters (Mẫu 10-SHĐ): each keeper's letters in number order
and the members it received, the notes a lost, withdrawn or answered letter gets, the printed
register, and who may read which register."""

from __future__ import annotations

import subprocess
from datetime import date

from sqlalchemy import select

from tests.pdf_layout import layout_problems
from tests.transfers.test_internal import internal
from tests.transfers.test_transfers import official, register_from_outside, temporary
from tests.web.helpers import page
from workflow.clock import clock
from workflow.extensions import db
from workflow.models import Decision, Person
from workflow.operations import letter_register


def _letters(case_id: int) -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision).where(Decision.case_id == case_id).order_by(Decision.id)
        )
    )


def _year_of_transfers(world) -> dict[str, int]:
    """One transfer of each kind in 2025: within the committee (answered), out of it (its
    letter lost and given again), withdrawn after the letter, from outside (joined), a
    temporary stay at G3, and a move between two cells of G1."""
    members = world.members["C1"]
    within = official(world, members[0])
    out = official(world, members[1], to=None)
    withdrawn = official(world, members[2])
    for number, case_id in enumerate((within, out, withdrawn), start=12):
        world.fire(case_id, "record_grassroots_part", "gs1", reference=f"{number}-SHĐ")
        world.fire(case_id, "issue_letter", "dept", date(2025, 9, 2))
    # letters are signed in date order: the stay's letter before the lost one's replacement
    stay = temporary(world, members[3], issued_on=date(2025, 9, 3))
    world.fire(within, "confirm_arrival", "gs2", date(2025, 9, 9), cell=world.orgs["C2"])
    world.fire(out, "reissue_letter", "dept", date(2025, 9, 10), loss_report="Đơn ngày 9/9/2025")
    world.fire(withdrawn, "cancel_letter", "dept", date(2025, 9, 11), reason="Không chuyển nữa.")
    incoming = register_from_outside(world).id
    world.fire(incoming, "confirm_arrival", "gs2", date(2025, 9, 5), cell=world.orgs["C2"])
    clock().set_today(date(2025, 9, 15))
    world.fire(stay, "confirm_arrival", "gs3", date(2025, 9, 15))
    move = internal(world, members[4])
    world.fire(move, "issue_letter", "gs1", date(2025, 9, 4))
    return {
        "within": within,
        "out": out,
        "withdrawn": withdrawn,
        "incoming": incoming,
        "stay": stay,
        "move": move,
    }


def test_each_keeper_registers_its_own_letters_in_number_order_with_their_fate(world):
    cases = _year_of_transfers(world)
    upper = letter_register.build("upper", 2025)
    numbers = [r.number for r in upper.outgoing]
    out_first, out_second = _letters(cases["out"])
    assert numbers == [
        _letters(cases["within"])[0].reference.removeprefix("Số "),
        out_first.reference.removeprefix("Số "),
        _letters(cases["withdrawn"])[0].reference.removeprefix("Số "),
        _letters(cases["stay"])[0].reference.removeprefix("Số "),
        out_second.reference.removeprefix("Số "),
    ]
    assert [int(n.split("-")[0]) for n in numbers] == [1, 2, 3, 4, 5]
    notes = {r.case_id: [] for r in upper.outgoing}
    for r in upper.outgoing:
        notes[r.case_id].append(r.note)
    assert notes[cases["within"]] == ["Nơi đến tiếp nhận ngày 09/09/2025"]
    assert notes[cases["out"]] == [
        f"Báo mất; đã cấp lại {out_second.reference.removeprefix('Số ')}",
        f"Cấp lại, thay giấy số {out_first.number}-{out_first.symbol} ngày 02/09/2025",
    ]
    assert notes[cases["withdrawn"]] == ["Đã thu hồi"]
    assert notes[cases["stay"]] == ["Nơi đến tiếp nhận ngày 15/09/2025"]
    first = upper.outgoing[0]
    member = db.session.get(Person, world.members["C1"][0])
    assert (first.full_name, first.from_name, first.to_name, first.kind) == (
        member.full_name,
        "Chi bộ Phòng Ngân sách",
        "Đảng bộ Công ty Điện lực",
        "Chính thức, trong Đảng bộ",
    )
    # the department registers the letter that came from outside the committee
    assert [(r.number, r.kind) for r in upper.incoming] == [
        ("45-GT/ĐU", "Chính thức, từ ngoài Đảng bộ")
    ]
    assert "chi bộ tiếp nhận ngày 05/09/2025" in upper.incoming[0].note
    # G1 enters in its own book the members who leave it (the department then gives their
    # letters) and the letter it gave itself for the move between its cells
    g1 = letter_register.build(f"org:{world.orgs['G1']}", 2025)
    assert [(r.case_id, r.number, r.on) for r in g1.outgoing] == [
        (cases["within"], "12-SHĐ", date(2025, 9, 1)),
        (cases["out"], "13-SHĐ", date(2025, 9, 1)),
        (cases["withdrawn"], "14-SHĐ", date(2025, 9, 1)),
        (cases["stay"], "", date(2025, 9, 1)),
        (cases["move"], g1.outgoing[-1].number, date(2025, 9, 4)),
    ]
    assert g1.outgoing[-1].number.startswith("1-GT/") and g1.incoming == []
    assert g1.outgoing[-1].kind == "Nội bộ, giữa các chi bộ"
    assert g1.outgoing[0].note == (
        f"Giấy giới thiệu số {_letters(cases['within'])[0].number}-GT/ĐUK ngày 02/09/2025; "
        "Nơi đến tiếp nhận ngày 09/09/2025"
    )
    assert g1.outgoing[2].note.endswith("Đã hủy")
    # G2 received two members (one from G1, one from outside); G3 a temporary stay
    g2 = letter_register.build(f"org:{world.orgs['G2']}", 2025)
    assert sorted(r.case_id for r in g2.incoming) == sorted([cases["within"], cases["incoming"]])
    assert g2.outgoing == []
    g3 = letter_register.build(f"org:{world.orgs['G3']}", 2025)
    assert [(r.case_id, r.kind) for r in g3.incoming] == [(cases["stay"], "Tạm thời")]
    # another year's register is empty
    assert letter_register.build("upper", 2024).outgoing == []


def test_the_register_page_prints_and_each_reader_sees_only_their_books(app, world, login):
    cases = _year_of_transfers(world)
    client = login("dept")
    body = page(client.get("/transfers/register?year=2025"))
    assert "Sổ giới thiệu sinh hoạt đảng (Mẫu 10-SHĐ)" in body
    assert "Giới thiệu đi (5)" in body and "Tiếp nhận đến (1)" in body
    assert "Phan Văn Đến" in body
    pdf = client.get("/transfers/register?year=2025&format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "no-store"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.data, capture_output=True, check=True
    ).stdout.decode()
    assert "SỔ GIỚI THIỆU SINH HOẠT ĐẢNG" in text and "Mẫu 10-SHĐ" in text
    assert layout_problems(pdf.data) == []
    member = db.session.get(Person, world.members["C1"][0])
    assert member.full_name in text and "Đã thu hồi" in text
    # a grassroots committee opens its own book by default and no other
    g1, g2 = f"org:{world.orgs['G1']}", f"org:{world.orgs['G2']}"
    staff = login("gs1")
    own = page(staff.get("/transfers/register?year=2025"))
    assert "Giới thiệu đi (5)" in own and "Nội bộ, giữa các chi bộ" in own and "12-SHĐ" in own
    assert staff.get(f"/transfers/register?book={g2}").status_code == 404
    assert staff.get("/transfers/register?book=upper").status_code == 404
    assert login("gs2").get(f"/transfers/register?book={g1}").status_code == 404
    # a cell secretary keeps no register; a nonsense year falls back to this year
    assert login("sec1").get("/transfers/register").status_code == 403
    assert login("dept").get("/transfers/register?year=abc").status_code == 200
    assert cases["move"] not in [r.case_id for r in letter_register.build("upper", 2025).outgoing]
