"""The period report counts discipline by form, suspensions and returns to activity, each in its
period and for the member's organization; an expulsion also leaves the lists as "khai trừ"."""

from __future__ import annotations

from datetime import date

from states.indicators import UNTRACKED, UNTRACKED_FLOWS
from tests.discipline.helpers import ballot, commission, open_discipline, open_suspension
from workflow.reports import period

KEYS = ("discipline_reprimand", "discipline_warning", "discipline_dismissal",
        "discipline_expulsion", "suspensions", "reinstatements", "expelled")  # fmt: skip


def _reviewed(world, member, username="sec1"):
    case_id = open_discipline(world, member, username)
    world.fire(case_id, "record_self_review", username, date(2025, 9, 5))
    return case_id


def test_the_figures_are_tracked():
    assert not set(KEYS) & UNTRACKED
    assert "expelled" not in UNTRACKED_FLOWS


def test_counts_by_form_suspension_and_return_in_their_period(world):
    c1 = world.members["C1"]
    for member, form in ((c1[2], "reprimand"), (c1[3], "reprimand"), (c1[4], "warning")):
        case_id = _reviewed(world, member)
        world.fire(case_id, "decide_by_cell", "sec1", date(2025, 9, 10), **ballot(form))
    # the inspection commission's register runs in date order: its October decisions last
    suspended = open_suspension(world, c1[6])
    world.fire(suspended, "suspend_by_inspection", "inspector", date(2025, 9, 3), **commission())
    world.fire(suspended, "reinstate", "inspector", date(2025, 10, 1), why="released",
               **commission())  # fmt: skip
    expelled = _reviewed(world, c1[5])
    world.fire(expelled, "propose_by_cell", "sec1", date(2025, 9, 10), **ballot("expulsion"))
    world.fire(expelled, "propose_by_grassroots", "gs1", date(2025, 9, 15),
               **ballot("expulsion"))  # fmt: skip
    world.fire(expelled, "decide_by_inspection", "inspector", date(2025, 10, 2),
               **commission("expulsion"))  # fmt: skip
    world.fire(expelled, "announce", "sec1", date(2025, 10, 6), where="Hội nghị chi bộ")
    q3 = period.compute(date(2025, 7, 1), date(2025, 9, 30), None).total
    q4 = period.compute(date(2025, 10, 1), date(2025, 12, 31), None).total
    assert [q3.figure(k) for k in KEYS] == [2, 1, 0, 0, 1, 0, 0]
    assert [q4.figure(k) for k in KEYS] == [0, 0, 0, 1, 0, 1, 1]
    c1_q3 = period.compute(date(2025, 7, 1), date(2025, 9, 30), world.org("C1"))
    assert c1_q3.total.figure("discipline_reprimand") == 2
    other = period.compute(date(2025, 7, 1), date(2025, 9, 30), world.org("C2"))
    assert other.total.figure("discipline_reprimand") == 0
    assert period.compute(date(2025, 10, 1), date(2025, 12, 31), None).balanced


def test_the_report_says_it_in_a_sentence(world):
    from workflow.reports import document

    c1 = world.members["C1"]
    for member, form in ((c1[2], "reprimand"), (c1[3], "reprimand"), (c1[4], "warning")):
        case_id = _reviewed(world, member)
        world.fire(case_id, "decide_by_cell", "sec1", date(2025, 9, 10), **ballot(form))
    suspended = open_suspension(world, c1[6])
    world.fire(suspended, "suspend_by_inspection", "inspector", date(2025, 9, 3), **commission())
    report = period.compute(date(2025, 7, 1), date(2025, 9, 30), None)
    summary = document.build(report, committee_name="Đảng ủy Khối").summary
    assert (
        "thi hành kỷ luật 3 đảng viên (khiển trách 2, cảnh cáo 1); "
        "đình chỉ sinh hoạt đảng 1 đảng viên" in summary
    )
    assert "cho trở lại sinh hoạt đảng" not in summary and "cách chức" not in summary
