"""The period report counts class certificates by their date, per kind of class, for the
organization the trainee belonged to on that date, against the year's target of that kind."""

from __future__ import annotations

from datetime import date

from tests.training.helpers import candidate, members, new_class, pass_all
from workflow.reports import document, period
from workflow.reports import targets as target_mod
from workflow.training import operations

Q3 = (date(2025, 7, 1), date(2025, 9, 30))
Q4 = (date(2025, 10, 1), date(2025, 12, 31))


def _row(rep, code):
    return next(r.tally for r in rep.rows if r.org is not None and r.org.code == code)


def _class_with(world, kind, people, ends_on, issued_on, **raw):
    cls = new_class(world, kind, starts_on=ends_on, ends_on=ends_on, **raw)
    for p in people:
        operations.add_trainee(cls.id, {"person": p.id}, actor=world.actor("dept"))
    pass_all(world, cls)
    operations.issue_certificates(
        cls.id, {"issued_on": issued_on}, cls.version, actor=world.actor("dept")
    )
    return cls


def test_trainees_count_by_certificate_date_and_kind_against_the_targets(world):
    awareness = [candidate(world, "C1", f"Ứng Thị {n}") for n in ("An", "Ba", "Cúc")]
    awareness.append(candidate(world, "C2", "Ứng Văn Dũng"))
    _class_with(world, "awareness", awareness, "26/09/2025", "26/09/2025")
    # a class that ended in September whose certificates were dated in October counts in Q4
    late = [candidate(world, "C2", "Ông Thị Én")]
    _class_with(world, "awareness", late, "29/09/2025", "02/10/2025", title="Khóa cuối tháng")
    secretaries = members(world, "C1")[:2] + members(world, "GC4")[:1]
    _class_with(world, "party_work", secretaries, "15/10/2025", "15/10/2025")
    for kind, value in (
        ("awareness_trainees", 8),
        ("party_work_trainees", 4),
        ("new_member_trainees", 10),
    ):
        target_mod.set_target(
            {"year": "2025", "kind": kind, "value": str(value)}, None, actor=world.actor("dept")
        )

    q3, q4 = period.compute(*Q3, None), period.compute(*Q4, None)
    assert q3.total.figure("awareness_trainees") == 4
    assert (
        _row(q3, "G1").figure("awareness_trainees"),
        _row(q3, "G2").figure("awareness_trainees"),
    ) == (3, 1)
    assert q4.total.figure("awareness_trainees") == 1
    assert q4.total.figure("party_work_trainees") == 3
    assert (
        _row(q4, "G1").figure("party_work_trainees"),
        _row(q4, "GC4").figure("party_work_trainees"),
    ) == (2, 1)
    assert q4.total.figure("new_member_trainees") == 0
    # the classes behind the figures: those that issued one of the period's certificates
    assert (q3.total.records("awareness_trainees"), q4.total.records("awareness_trainees")) == (
        1,
        1,
    )
    assert (
        _row(q3, "G1").records("awareness_trainees"),
        q4.total.records("party_work_trainees"),
    ) == (1, 1)
    both = period.compute(date(2025, 7, 1), date(2025, 12, 31), None)
    assert (both.total.records("awareness_trainees"), both.total.figure("awareness_trainees")) == (
        2,
        5,
    )
    assert (
        "tổ chức 02 lớp bồi dưỡng nhận thức về Đảng cho 5 quần chúng"
        in document.build(both, committee_name="Đảng ủy Khối").summary
    )

    doc = document.build(q4, committee_name="Đảng ủy Khối")
    lines = {t.kind: t for t in doc.targets}
    assert (
        lines["party_work_trainees"].period_value,
        lines["party_work_trainees"].target,
        lines["party_work_trainees"].period_percent,
    ) == (3, 4, "75,00%")
    assert lines["awareness_trainees"].period_percent == "12,50%"
    assert (
        "tổ chức 01 lớp bồi dưỡng nghiệp vụ công tác xây dựng Đảng cho 3 đồng chí, đạt 75,00% "
        "chỉ tiêu năm 2025" in doc.summary
    )


def test_the_report_page_shows_the_figures_and_their_share_of_the_target(world, login):
    people = [candidate(world, "C1", n) for n in ("Giáp Thị Hoa", "Giáp Văn Hùng")]
    _class_with(world, "awareness", people, "26/09/2025", "26/09/2025")
    target_mod.set_target(
        {"year": "2025", "kind": "awareness_trainees", "value": "3"},
        None,
        actor=world.actor("dept"),
    )
    html = (
        login("dept")
        .get("/reports/", query_string={"from": "2025-07-01", "to": "2025-09-30"})
        .get_data(True)
    )
    assert "Bồi dưỡng nhận thức về Đảng" in html
    assert "66,66%" in html or "66,67%" in html
    assert "bồi dưỡng nhận thức về Đảng cho 2 quần chúng" in html
