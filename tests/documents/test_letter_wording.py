"""The introduction letter asks the receiving committee (Đảng ủy …), not the organization, and
prints nothing for a particular it does not have."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.transfers.test_transfers import official
from workflow.documents.snapshots import committee_name
from workflow.extensions import db
from workflow.models import Decision


@pytest.mark.parametrize(
    ("organization", "committee"),
    [
        ("Đảng bộ Sở Y tế", "Đảng ủy Sở Y tế"),
        ("Đảng ủy xã Hùng Lô, tỉnh Phú Thọ", "Đảng ủy xã Hùng Lô, tỉnh Phú Thọ"),
        ("Chi bộ Trường THPT Hùng Vương", "Chi bộ Trường THPT Hùng Vương"),
    ],
)
def test_the_committee_of_an_organization(organization, committee):
    assert committee_name(organization) == committee


def test_the_letter_asks_the_receiving_committee_and_skips_an_empty_biography_number(world):
    case_id = official(world, world.members["C1"][3], biography_number="")
    world.fire(case_id, "record_grassroots_part", "gs1")
    world.fire(case_id, "issue_letter", "dept")
    letter = db.session.scalars(select(Decision).where(Decision.case_id == case_id)).one()
    receiving = world.org("G2").name
    assert receiving.startswith("Đảng bộ ")
    committee = receiving.replace("Đảng bộ", "Đảng ủy", 1)
    assert f"Đề nghị {committee} tiếp nhận và quản lý" in letter.html
    assert f"đến {receiving}" in letter.html  # the transfer goes to the organization
    assert "số lý lịch" not in letter.html and "—." not in letter.html
