"""The maintenance commands: flask --app wsgi wf …"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import func, select, text

from tests.conftest import APP_ROLE, BACKEND, make_app, owner_engine, owner_url
from workflow.dbroles import CAN_CREATE
from workflow.extensions import db
from workflow.models import AuditEntry, Case, Decision, Grant, RegisterCounter, User
from workflow.procedures import PROCEDURES
from workflow.ratings.operations import grassroots_orgs


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=["wf", *args])


def test_create_admin_prints_a_random_password_that_works(app, client):
    result = invoke(app, "create-admin", "quantri")
    assert result.exit_code == 0, result.output
    password = re.search(r"Mật khẩu \(chỉ hiện một lần\): (\S+)", result.output).group(1)
    assert len(password) >= 20
    user = db.session.scalars(select(User).where(User.username == "quantri")).one()
    assert [g.role for g in db.session.scalars(select(Grant).where(Grant.user_id == user.id))] == [
        "admin"
    ]
    assert user.password_hash.startswith("$argon2id$")
    response = client.post("/login", data={"username": "quantri", "password": password})
    assert response.status_code == 302
    # the first thing an administrator does is set up the authenticator app
    first_page = client.get("/")
    assert first_page.status_code == 302 and first_page.headers["Location"] == "/account/mfa"
    again = invoke(app, "create-admin", "quantri")
    assert again.exit_code != 0 and "đã có" in again.output


def test_there_are_no_default_accounts(app):
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_fire_moves_a_case_exactly_like_the_form(app, world):
    case_id = world.new_candidate("C1")
    version = db.session.get(Case, case_id).version
    result = invoke(
        app,
        "fire",
        str(case_id),
        "enroll_awareness_class",
        "--as",
        "sec1",
        "--version",
        str(version),
        "--data",
        json.dumps({"event_date": "2025-09-10", "class_name": "Lớp 9"}),
    )
    assert result.exit_code == 0, result.output
    assert "Trong danh sách nguồn → Đang học lớp nhận thức về Đảng" in result.output
    db.session.expire_all()
    assert db.session.get(Case, case_id).state == "in_awareness_class"


@pytest.mark.parametrize(
    ("data", "user", "message"),
    [
        ("{not json", "sec1", "không phải JSON"),
        ("[1, 2]", "sec1", "đối tượng JSON"),
        ('{"event_date": "31/02/2025", "class_name": "A"}', "sec1", "không tồn tại trong lịch"),
        ('{"event_date": "2025-09-10", "class_name": "A"}', "dept", "không có quyền"),
        ('{"event_date": "2025-09-10", "class_name": "A"}', "sec1b", "Không tìm thấy"),
        ('{"event_date": "2025-09-10", "class_name": "A"}', "nobody", "Không có người dùng"),
    ],
)
def test_fire_refusals_are_explained_and_write_nothing(app, world, data, user, message):
    case_id = world.new_candidate("C1")
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    result = invoke(
        app, "fire", str(case_id), "enroll_awareness_class", "--as", user, "--data", data
    )
    assert result.exit_code != 0
    assert message in result.output
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_fire_reports_guard_reasons(app, world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "awaiting_cell_meeting")
    result = invoke(
        app,
        "fire",
        str(case_id),
        "record_cell_resolution",
        "--as",
        "sec1",
        "--data",
        json.dumps({"event_date": "2026-02-01", "official_total": 9, "yes": 5, "no": 4}),
    )
    assert result.exit_code != 0 and "chưa đạt 2/3" in result.output


def test_audit_prints_the_case_trail_and_verify_passes(app, world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "certified")
    result = invoke(app, "audit", str(case_id))
    assert result.exit_code == 0
    assert (
        "open:" in result.output
        and "record_certificate: in_awareness_class → certified" in result.output
    )
    assert invoke(app, "audit", "999999").exit_code != 0
    verify = invoke(app, "audit-verify")
    assert verify.exit_code == 0 and "nguyên vẹn" in verify.output


def test_demo_loads_every_state_and_refuses_a_second_time(app):
    result = invoke(app, "demo")
    assert result.exit_code == 0, result.output
    for username in (
        "quantri",
        "bantochuc",
        "phobithu",
        "ubkt",
        "kiemtoan",
        "dangbo.stc",
        "chibo.ngansach",
    ):
        assert username in result.output
    from states import get_spec

    def states_of(procedure: str) -> dict[str, int]:
        return dict(
            db.session.execute(
                select(Case._state, func.count())
                .where(Case.procedure == procedure)
                .group_by(Case._state)
            ).all()
        )

    admission = states_of("admission")
    assert set(admission) == set(get_spec("admission").states)
    assert sum(admission.values()) == 60
    probation = states_of("probation")
    assert {
        "in_probation",
        "awaiting_cell_review",
        "department_appraised",
        "official",
        "removed",
    } <= set(probation)
    # the members who leave the lists: removed, let go, dead; one of each still on its way
    assert {"closed", "awaiting_cell_meeting"} <= set(states_of("removal"))
    assert {"closed", "applied"} <= set(states_of("leaving"))
    assert {"closed", "slip_written"} <= set(states_of("death"))
    assert {"exempted", "requested"} <= set(states_of("exemption"))
    assert set(states_of("readmission")) == {"under_verification"}
    # discipline: a reprimand in effect, an expulsion closed, a warning whose effect ended, a
    # violation waiting for the self-review's ballot; a suspension ended, another running
    assert {"in_effect", "closed", "expired", "awaiting_cell_meeting"} <= set(
        states_of("discipline")
    )
    assert set(states_of("suspension")) == {"returned", "suspended"}
    # a member still out of contact, another back in touch
    assert set(states_of("contact_loss")) == {"lost", "restored"}
    from workflow.models import Organization, Person

    cells = db.session.scalar(
        select(func.count())
        .select_from(Organization)
        .where(Organization.kind.in_(("cell", "grassroots_cell")), Organization.active)
    )
    members = db.session.scalar(
        select(func.count())
        .select_from(Person)
        .where(Person.member_status.in_(("official", "probationary")))
    )
    # about 400: the scenarios take a few off the lists (removed, let go, dead, expelled, and
    # those handed over with their organization); 40 cells and the cell of the sub-committee the
    # reorganization scenario makes (the enterprise's cell it establishes is handed over)
    assert cells == 41 and 390 <= members <= 410
    opened = set(db.session.scalars(select(Case.procedure).distinct()))
    assert opened == set(PROCEDURES)  # every procedure's scenario ran
    # two years of ratings: members approved by their grassroots committees, every grassroots
    # organization rated by the upper committee, under the rules of each year
    from workflow.clock import today
    from workflow.models import MemberRating, OrgRating, RatingPeriod

    periods = db.session.scalars(select(RatingPeriod).order_by(RatingPeriod.year)).all()
    assert [p.year for p in periods] == [today().year - 2, today().year - 1]
    for period in periods:
        approved = db.session.scalar(
            select(func.count())
            .select_from(MemberRating)
            .where(MemberRating.period_id == period.id, MemberRating.level.is_not(None))
        )
        assert approved >= 350
        rated = db.session.scalars(
            select(OrgRating.org_id)
            .join(Organization, Organization.id == OrgRating.org_id)
            .where(
                OrgRating.period_id == period.id,
                OrgRating.level.is_not(None),
                Organization.parent_id.is_(None),
            )
        ).all()
        # every grassroots organization of the year's end, as the organizations' history says
        assert sorted(rated) == sorted(o.id for o in grassroots_orgs(period.ends_on))
    _assert_registers_gapless_in_date_order()
    assert invoke(app, "audit-verify").exit_code == 0
    assert invoke(app, "demo").exit_code != 0


def _assert_registers_gapless_in_date_order() -> None:
    """Each register's numbers run 1, 2, 3… without a gap, and a later number never carries
    an earlier date."""
    registers: dict[tuple, list[tuple[int, date]]] = {}
    rows = db.session.execute(
        select(
            Decision.issuer,
            Decision.doc_type,
            Decision.term_start,
            Decision.number,
            Decision.decided_on,
        ).where(Decision.number.is_not(None))
    )
    for issuer, doc_type, term, number, decided_on in rows:
        registers.setdefault((issuer, doc_type, term), []).append((number, decided_on))
    # the classes' certificates are numbered in registers of their own (organizer × kind)
    from workflow.models import Certificate, TrainingClass
    from workflow.store.numbering import term_start
    from workflow.training import kinds
    from workflow.training.operations import register_issuer, register_type

    certified = db.session.execute(
        select(Certificate, TrainingClass).join(
            TrainingClass, TrainingClass.id == Certificate.class_id
        )
    ).all()
    assert {c.kind for c, _ in certified} == {"awareness", "new_member", "party_work"}
    for cert, cls in certified:
        register = register_type(kinds()[cert.kind])
        key = (register_issuer(cls), register, term_start(cert.issued_on))
        registers.setdefault(key, []).append((int(cert.number.split("/")[0]), cert.issued_on))
    # a model-cell list is a decision of the standing committee, in its register of decisions
    from workflow.models import ModelCellRound

    approved = db.session.scalars(
        select(ModelCellRound).where(ModelCellRound.decision_number.is_not(None))
    ).all()
    assert approved
    for found in approved:
        key = ("upper", "QĐ", term_start(found.decided_on))
        registers.setdefault(key, []).append((found.decision_number, found.decided_on))
    assert registers
    for register, entries in registers.items():
        entries.sort()
        assert [n for n, _ in entries] == list(range(1, len(entries) + 1)), register
        dates = [d for _, d in entries]
        assert dates == sorted(dates), register
    counters = db.session.execute(
        select(
            RegisterCounter.issuer,
            RegisterCounter.doc_type,
            RegisterCounter.term_start,
            RegisterCounter.value,
        )
    )
    assert {(i, t, s): v for i, t, s, v in counters} == {r: len(e) for r, e in registers.items()}


@pytest.mark.skipif(BACKEND != "postgresql", reason="roles are PostgreSQL's")
def test_the_grants_refuse_to_finish_while_the_role_may_create_tables(tmp_path, pg_database):
    """Up to PostgreSQL 14 every role may create tables in ``public`` through PUBLIC; the grants
    say so, and how to take it back, instead of leaving it."""
    owner_app = make_app(tmp_path, owner_url(pg_database))
    with owner_app.app_context():
        assert invoke(owner_app, "grant-app-role", APP_ROLE).exit_code == 0
        with owner_engine().begin() as conn:
            assert not conn.scalar(text(CAN_CREATE), {"role": APP_ROLE})
            conn.execute(text("GRANT CREATE ON SCHEMA public TO PUBLIC"))
        try:
            refused = invoke(owner_app, "grant-app-role", APP_ROLE)
            assert refused.exit_code != 0
            assert "quyền tạo bảng" in refused.output
            assert "REVOKE CREATE ON SCHEMA public FROM PUBLIC" in refused.output
        finally:
            with owner_engine().begin() as conn:
                conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        assert invoke(owner_app, "grant-app-role", APP_ROLE).exit_code == 0
        db.engine.dispose()
