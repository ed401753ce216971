"""The rating flow through its operations: the cell's grid with the excellent quota and the
discipline cap, the score bands of QĐ 366, the grassroots committee's approval, the
organizations' self-review and the upper committee's rating; every change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.ratings.helpers import (
    approve,
    audit_actions,
    discipline_in_2025,
    member_ratings,
    messages,
    open_period,
    propose,
    rows_for,
    version_of,
)
from workflow.extensions import db
from workflow.models import OrgRating
from workflow.ratings import operations
from workflow.store.errors import InvalidInput, StaleRecord


def test_a_period_follows_the_rules_in_force_on_its_last_day(world):
    old = open_period(world, 2024)
    new = open_period(world, 2025)
    assert not operations.rules_for(old).scored
    assert operations.rules_for(new).scored and operations.rules_for(new).bands["excellent"] == 90
    with pytest.raises(InvalidInput) as exc:
        open_period(world, 2024, "quarter", "2")
    assert "chỉ đánh giá theo năm" in messages(exc)
    quarter = open_period(world, 2025, "quarter", "4")
    assert (quarter.title, quarter.starts_on.isoformat(), quarter.ends_on.isoformat()) == (
        "Quý 4 năm 2025", "2025-10-01", "2025-12-31")  # fmt: skip
    with pytest.raises(InvalidInput) as exc:
        open_period(world, 2025)
    assert "đã có" in messages(exc)
    assert audit_actions(old) == ["rating.period_open"]


def test_the_quota_refuses_one_excellent_too_many_and_says_why(world):
    period = open_period(world, 2024)
    c1 = world.members["C1"]
    with pytest.raises(InvalidInput) as exc:
        propose(world, period, "C1", {c1[0]: "excellent", c1[1]: "excellent"})
    assert messages(exc) == (
        "Chi bộ có 9 đảng viên xếp loại từ hoàn thành tốt nhiệm vụ trở lên: tối đa 1 đảng "
        "viên hoàn thành xuất sắc (20%); đã đề xuất 2."
    )
    assert member_ratings(period) == []  # nothing half-written
    assert propose(world, period, "C1", {c1[0]: "excellent"}) == 9
    rows = {r.person_id: r for r in member_ratings(period)}
    assert rows[c1[0]].proposed_level == "excellent" and rows[c1[1]].proposed_level == "good"
    sheet = db.session.scalars(select(OrgRating)).one()
    assert sheet.sheet_status == "proposed"


def test_discipline_in_the_year_caps_the_level(world):
    member = world.members["C1"][2]
    discipline_in_2025(world, member)
    period = open_period(world, 2025)
    with pytest.raises(InvalidInput) as exc:
        propose(world, period, "C1", {member: "good"})
    name = db.session.get(operations.Person, member).full_name
    assert f"{name} bị kỷ luật trong kỳ: chỉ được xếp loại không hoàn thành nhiệm vụ." in messages(
        exc
    )
    assert propose(world, period, "C1", {member: "failed"}) == 9
    # the approval is held to the same cap
    cell_id = world.orgs["C1"]
    with pytest.raises(InvalidInput) as exc:
        operations.approve_cell_sheet(
            period.id, cell_id,
            {pid: {"level": "good", "score": "80"} for pid in world.members["C1"]},
            {"level": "good", "score": "80"},
            version_of(period, cell_id), actor=world.actor("gs1"),
        )  # fmt: skip
    assert "bị kỷ luật trong kỳ" in messages(exc)
    # a discipline of another year does not count
    other = open_period(world, 2024)
    assert propose(world, other, "C1", {member: "good"}) == 9


def test_the_score_bands_and_conditions_of_qd_366(world):
    period = open_period(world, 2025)
    c1 = world.members["C1"]
    rows = rows_for(period, dict.fromkeys(c1, "good"))
    rows[c1[0]].update(proposed_level="excellent", proposed_score="85")
    rows[c1[1]].update(proposed_score="")
    rows[c1[2]].update(proposed_level="excellent", proposed_score="95", proposed_conditions="")
    with pytest.raises(InvalidInput) as exc:
        operations.save_cell_sheet(
            period.id, world.orgs["C1"], rows, "0", actor=world.actor("sec1")
        )
    text = messages(exc)
    names = {pid: db.session.get(operations.Person, pid).full_name for pid in c1[:3]}
    assert (
        f"{names[c1[0]]}: 85 điểm chỉ đạt mức hoàn thành tốt nhiệm vụ (hoàn thành xuất sắc "
        "nhiệm vụ từ 90 điểm)." in text
    )
    assert f"{names[c1[1]]}: ghi số điểm (0–100)" in text
    assert f"{names[c1[2]]}: mức hoàn thành xuất sắc cần thêm các điều kiện" in text
    assert member_ratings(period) == []


def test_the_grassroots_committee_approves_and_rates_the_cell(world):
    period = open_period(world, 2024)
    propose(world, period, "C1", submit=False)
    with pytest.raises(InvalidInput) as exc:  # not sent yet
        approve(world, period, "C1")
    assert "chưa gửi đề xuất" in messages(exc)
    propose(world, period, "C1", {world.members["C1"][0]: "excellent"})
    assert approve(world, period, "C1", cell_level="excellent") == 9
    sheet = operations.sheet(period, world.org("C1"))
    assert (sheet.sheet_status, sheet.level) == ("approved", "excellent")
    levels = sorted(r.level for r in member_ratings(period))
    assert levels == ["excellent"] + ["good"] * 8
    with pytest.raises(InvalidInput):  # an approved sheet is no longer the cell's to change
        propose(world, period, "C1")
    actions = audit_actions(period)
    # nine rows on the first save, then only the one the second save changed
    assert actions.count("rating.member_proposed") == 10
    assert actions.count("rating.member_approved") == 9
    assert "rating.sheet_proposed" in actions and actions[-1] == "rating.sheet_approved"


def test_a_stale_grid_is_refused(world):
    period = open_period(world, 2024)
    propose(world, period, "C1", submit=False)
    with pytest.raises(StaleRecord):
        operations.save_cell_sheet(period.id, world.orgs["C1"], {}, "0", actor=world.actor("sec1"))


def test_self_review_and_the_upper_committee_rates_the_grassroots_organizations(world):
    period = open_period(world, 2024)
    g1 = world.orgs["G1"]
    operations.self_review(period.id, g1, {"level": "excellent"}, "0", actor=world.actor("gs1"))
    orgs = {o.id: o for o in operations.grassroots_orgs()}
    assert set(orgs) == {world.orgs[c] for c in ("G1", "G2", "G3", "GC4")}
    rows = {oid: {"level": "good"} for oid in orgs}
    rows[g1] = {"level": "excellent", "exemplary": "1"}
    with pytest.raises(InvalidInput) as exc:
        operations.rate_grassroots(period.id, rows, period.version, actor=world.actor("dept"))
    assert messages(exc) == (
        "Đảng bộ có 4 tổ chức cơ sở đảng xếp loại từ hoàn thành tốt nhiệm vụ trở lên: tối đa "
        "0 tổ chức cơ sở đảng hoàn thành xuất sắc (20%); đề nghị xếp loại 1."
    )
    rows[g1] = {"level": "good", "exemplary": "1"}
    with pytest.raises(InvalidInput) as exc:
        operations.rate_grassroots(period.id, rows, period.version, actor=world.actor("dept"))
    assert "chỉ tổ chức hoàn thành xuất sắc nhiệm vụ mới được chọn" in messages(exc)
    rows[g1] = {"level": "good"}
    rows[world.orgs["G3"]] = {"level": "completed"}
    version = period.version
    assert operations.rate_grassroots(period.id, rows, version, actor=world.actor("signer")) == 4
    db.session.expire_all()
    rated = {r.org_id: r for r in db.session.scalars(select(OrgRating))}
    assert rated[g1].self_level == "excellent" and rated[g1].level == "good"
    assert rated[world.orgs["G3"]].level == "completed"
    with pytest.raises(StaleRecord):  # the grid opened before the save
        operations.rate_grassroots(period.id, rows, version, actor=world.actor("dept"))
    assert audit_actions(period).count("rating.org_rated") == 4


def test_a_closed_period_takes_no_change(world):
    period = open_period(world, 2024)
    operations.close_period(period.id, period.version, actor=world.actor("dept"))
    with pytest.raises(InvalidInput) as exc:
        propose(world, period, "C1")
    assert "đã khóa" in messages(exc)


def _move(world, person_id: int, cell: str) -> None:
    from workflow.store.uow import unit_of_work

    with unit_of_work():
        db.session.get(operations.Person, person_id).cell_id = world.orgs[cell]


def test_a_member_who_moved_is_rated_once(world):
    period = open_period(world, 2024)
    moved, stays = world.members["C1"][0], world.members["C1"][1]
    propose(world, period, "C1")  # sent up by C1 with everyone on it
    _move(world, moved, "C1B")
    with pytest.raises(InvalidInput) as exc:
        propose(world, period, "C1B", submit=False)
    name = db.session.get(operations.Person, moved).full_name
    assert f"{name}: đã được Chi bộ Phòng Ngân sách đề xuất xếp loại trong kỳ này." in messages(exc)
    # a draft of the old cell moves with the member
    other = open_period(world, 2023)
    _move(world, moved, "C1")
    propose(world, other, "C1", submit=False)
    _move(world, moved, "C1B")
    propose(world, other, "C1B", {moved: "completed"}, submit=False)
    rows = {r.person_id: r for r in member_ratings(other)}
    assert rows[moved].cell_id == world.orgs["C1B"] and rows[moved].proposed_level == "completed"
    assert rows[stays].cell_id == world.orgs["C1"]


def test_the_share_held_by_the_grassroots_committee_alone(world, monkeypatch):
    """With the setting off, a cell may propose more, and the grassroots committee's approval
    holds the share over its whole organization."""
    from states import rules as rule_settings
    from states.ratings import OLD
    from states.rules import Setting

    monkeypatch.setitem(
        rule_settings._DECLARED,
        "rating.excellent_quota_cell",
        ((OLD, Setting(False, "thử: chỉ đảng ủy cơ sở xét tỷ lệ")),),
    )
    period = open_period(world, 2024)
    c1 = world.members["C1"]
    propose(world, period, "C1", {c1[0]: "excellent", c1[1]: "excellent"})
    with pytest.raises(InvalidInput) as exc:
        approve(world, period, "C1")
    assert messages(exc) == (
        "Đảng bộ Sở Tài chính có 9 đảng viên xếp loại từ hoàn thành tốt nhiệm vụ trở lên: tối "
        "đa 1 đảng viên hoàn thành xuất sắc (20%); đề nghị duyệt 2."
    )


def test_rows_left_out_of_a_save_still_count_towards_the_share(world):
    period = open_period(world, 2024)
    c1 = world.members["C1"]
    propose(world, period, "C1", {c1[0]: "excellent"}, submit=False)
    with pytest.raises(InvalidInput) as exc:  # a file with one row only
        operations.save_cell_sheet(
            period.id, world.orgs["C1"], rows_for(period, {c1[1]: "excellent"}),
            version_of(period, world.orgs["C1"]), actor=world.actor("sec1"),
        )  # fmt: skip
    assert "tối đa 1 đảng viên hoàn thành xuất sắc (20%); đã đề xuất 2." in messages(exc)
