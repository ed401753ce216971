"""Committee terms and posts: registers restart at each committee's own term, decisions cite its
working rules, and signature blocks name the holders of the posts on the decision's date."""

from __future__ import annotations

from datetime import date

import pytest
from flask import current_app
from sqlalchemy import select

from tests.orgs.helpers import record
from workflow.extensions import db
from workflow.models import CommitteePost, Decision
from workflow.orgs import terms
from workflow.orgs.posts import held_on
from workflow.reorganization.decisions import signers_on
from workflow.store.errors import InvalidInput
from workflow.store.numbering import next_number


def test_terms_restart_each_committees_register_and_name_its_working_rules(world):
    g2 = world.orgs["G2"]
    record(world, "record_term", date(2025, 6, 1), org_id=g2, term_label="nhiệm kỳ 2025 – 2030")
    issuer = f"org:{g2}"
    assert terms.term_start(issuer, date(2025, 5, 31)) == date(2020, 10, 1)
    assert terms.term_start(issuer, date(2025, 6, 1)) == date(2025, 6, 1)
    # the upper committee keeps the configured terms
    assert terms.term_start("upper", date(2025, 6, 1)) == date(2020, 10, 1)
    assert next_number(issuer, "QĐ", date(2025, 5, 20)) == (1, date(2020, 10, 1))
    assert next_number(issuer, "QĐ", date(2025, 6, 2)) == (1, date(2025, 6, 1))
    assert terms.working_rules(issuer, date(2025, 6, 2)) == (
        "Căn cứ Quy chế làm việc của Ban Chấp hành Đảng bộ Công ty Điện lực nhiệm kỳ 2025 – 2030;"
    )
    # before its first recorded term, and the upper committee in an earlier configured term,
    # cite the rules of that term (the configured line names the current one)
    assert terms.working_rules(issuer, date(2025, 5, 20)) == (
        "Căn cứ Quy chế làm việc của Ban Chấp hành Đảng bộ Công ty Điện lực nhiệm kỳ 2020 – 2025;"
    )
    assert terms.working_rules("upper", date(2024, 11, 15)) == (
        "Căn cứ Quy chế làm việc của Ban Chấp hành Đảng bộ Khối các cơ quan và doanh nghiệp "
        "tỉnh nhiệm kỳ 2020 – 2025;"
    )
    assert (
        terms.working_rules("upper", date(2025, 11, 15))
        == (current_app.config["WORKING_RULES_BASIS"])
    )
    with pytest.raises(InvalidInput) as exc:
        record(world, "record_term", date(2025, 6, 1), org_id=g2, term_label="lần hai")
    assert "Đã ghi nhiệm kỳ bắt đầu ngày 01/06/2025." in exc.value.errors["effective_on"]


def test_election_approved_posts_by_date_and_signature_names(world):
    # before any post is recorded the signing grants sign
    assert {name for _k, _u, name, _t in signers_on(date(2024, 12, 1))} == {
        "Lê Văn Thường",
        "Phạm Quang Vụ",
    }
    record(
        world,
        "upper_posts",
        date(2025, 1, 1),
        secretary="Nguyễn Văn Bí",
        deputy_secretary="Trần Thị Phó\nLê Văn Hai",
        external_reference="Quyết định số 120-QĐ/TU ngày 20/12/2024",
    )
    keys = {name: key for key, _u, name, _t in signers_on(date(2025, 6, 10))}
    assert set(keys) == {"Nguyễn Văn Bí", "Trần Thị Phó", "Lê Văn Hai"}
    g1 = world.orgs["G1"]
    event = record(
        world,
        "approve_election",
        date(2025, 6, 10),
        org_id=g1,
        term_label="nhiệm kỳ 2025 – 2030",
        secretary="Đỗ Minh Sơn",
        deputy_secretary="Hà Thị Lan",
        committee_member="Vũ Văn Nam\nPhan Thị Mai",
        signer=keys["Trần Thị Phó"],
    )
    decision = db.session.get(Decision, event.decision_id)
    assert decision.signer_name == "Trần Thị Phó" and decision.signer_title == "PHÓ BÍ THƯ"
    assert (
        "Chuẩn y kết quả bầu cử cấp ủy Đảng bộ Sở Tài chính, nhiệm kỳ 2025 – 2030" in decision.html
    )
    assert "Đỗ Minh Sơn: Bí thư." in decision.html and "Trần Thị Phó" in decision.html
    held = {(p.post, p.holder_name) for p in held_on(g1, date(2025, 6, 10))}
    assert ("secretary", "Đỗ Minh Sơn") in held and len(held) == 4
    assert held_on(g1, date(2025, 6, 9)) == []
    secretary = db.session.scalars(
        select(CommitteePost).where(CommitteePost.holder_name == "Đỗ Minh Sơn")
    ).one()
    relieved = record(
        world,
        "relieve_post",
        date(2025, 9, 1),
        post_id=secretary.id,
        reason="nghỉ hưu",
        signer=keys["Nguyễn Văn Bí"],
    )
    assert secretary.valid_to == date(2025, 9, 1) and secretary.ended_by_id == relieved.decision_id
    assert "secretary" not in {p.post for p in held_on(g1, date(2025, 9, 1))}
    html = db.session.get(Decision, relieved.decision_id).html
    assert "Cho đồng chí Đỗ Minh Sơn thôi giữ chức bí thư Đảng bộ Sở Tài chính (nghỉ hưu)." in html
    # a signer who did not hold the post that day is refused
    with pytest.raises(InvalidInput) as exc:
        record(world, "rename", date(2024, 12, 1), org_id=g1, name="X", signer=keys["Lê Văn Hai"])
    assert "Chọn lãnh đạo ký" in exc.value.errors["signer"]


def test_committee_page(world, login):
    record(
        world,
        "record_term",
        date(2025, 6, 1),
        org_id=world.orgs["G1"],
        term_label="nhiệm kỳ 2025 – 2030",
    )
    client = login("dept")
    text = client.get(f"/orgs/committee?org={world.orgs['G1']}").get_data(as_text=True)
    assert "nhiệm kỳ 2025 – 2030" in text and "Chuẩn y kết quả bầu cử" in text
    assert client.get("/orgs/committee").status_code == 200
    assert login("sec2").get(f"/orgs/committee?org={world.orgs['G1']}").status_code == 404


def test_a_case_decision_names_the_post_its_signer_held_that_day(world):
    # the leader's signing grant says deputy; the posts say secretary from 1 January 2025
    record(
        world,
        "upper_posts",
        date(2025, 1, 1),
        secretary="Lê Văn Thường",
        external_reference="Quyết định số 120-QĐ/TU ngày 20/12/2024",
    )
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    decision = db.session.scalars(
        select(Decision).where(Decision.case_id == case_id, Decision.status == "issued")
    ).first()
    assert decision.signer_name == "Lê Văn Thường" and decision.signer_title == "BÍ THƯ"
    assert "BÍ THƯ" in decision.html and "PHÓ BÍ THƯ" not in decision.html
