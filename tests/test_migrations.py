"""The schema comes from Alembic migrations: one head, and no drift from the models."""

from __future__ import annotations

import warnings
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from states.text import name_search_key, name_sort_key
from tests.conftest import BACKEND, grant_app_role, make_app, owner_url
from workflow.database import schema_filter
from workflow.extensions import db
from workflow.models import AuditHead
from workflow.store.audit import compute_hash, head_mac, verify_chain

MEMBERSHIP_COLUMNS = ("person_id", "org_id", "member_status", "presence")
MIGRATIONS = Path(__file__).resolve().parent.parent / "workflow" / "migrations"


def test_single_head():
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def _triggers() -> set[tuple[str, str]]:
    """Each trigger of the database with what it does (whitespace aside)."""
    if BACKEND == "postgresql":
        query = (
            "SELECT t.tgname, pg_get_triggerdef(t.oid) || p.prosrc FROM pg_trigger t"
            " JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal"
        )
    else:
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
    with db.engine.connect() as conn:
        return {(name, " ".join(body.split())) for name, body in conn.execute(text(query))}


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(tmp_path, pg_database):
    app = make_app(tmp_path, pg_database and owner_url(pg_database))
    with app.app_context():
        if BACKEND == "postgresql":
            db.drop_all()  # the worker's database was built with create_all: start empty
            with db.engine.begin() as conn:
                conn.execute(text("DROP FUNCTION IF EXISTS audit_log_append_only()"))
        try:
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(
                    conn, opts={"include_object": schema_filter(conn.dialect.name)}
                )
                with warnings.catch_warnings():
                    # PostgreSQL's own index (NULLS FIRST), which SQLite never builds
                    warnings.filterwarnings(
                        "ignore", "autogenerate skipping .* 'ix_audit_log_membership'"
                    )
                    diff = compare_metadata(context, db.metadata)
                head = conn.execute(text("SELECT seq, row_hash FROM audit_head")).one()
            assert diff == []
            assert head == (0, "0" * 64)
            migrated = _triggers()
            downgrade(revision="base")
            tables = set(inspect(db.engine).get_table_names())
            assert tables <= {"alembic_version"}
            # the triggers that keep rows as written are the same as a new schema's
            db.create_all()
            assert _triggers() == migrated
            assert {"decision_issued_frozen", "attachment_frozen", "access_log_frozen"} <= {
                name for name, _ in migrated
            }
            db.drop_all()
        finally:
            if BACKEND == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
                db.create_all()
                grant_app_role()
            db.engine.dispose()


def _chain_of_two(conn) -> tuple[int, str]:
    """Two audit rows as the first revision wrote them, chained; the head moved to them."""
    prev = "0" * 64
    for seq in (1, 2):
        row = SimpleNamespace(
            seq=seq, entered_at=datetime(2025, 1, seq), event_date=date(2025, 1, seq),
            actor_id=None, actor_name="Hệ thống", actor_role="", subject_type="case",
            subject_id=1, procedure="admission", action="open", from_state=None,
            to_state="source_list", payload="{}", comment="", prev_hash=prev,
            person_id=None, org_id=None, member_status=None, presence=None,
        )  # fmt: skip
        row.row_hash = compute_hash(row)
        values = {k: v for k, v in vars(row).items() if k not in MEMBERSHIP_COLUMNS}
        columns = ", ".join(values)
        conn.execute(
            text(
                f"INSERT INTO audit_log ({columns}) VALUES ({', '.join(':' + c for c in values)})"
            ),
            values,
        )
        prev = row.row_hash
    conn.execute(text("UPDATE audit_head SET seq = 2, row_hash = :h WHERE id = 1"), {"h": prev})
    return 2, prev


def test_upgrade_keeps_existing_data(tmp_path, pg_database):
    """A database made by the first revision, with records in it, upgrades to the head."""

    app = make_app(tmp_path, pg_database and owner_url(pg_database))
    with app.app_context():
        if BACKEND == "postgresql":
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(text("DROP FUNCTION IF EXISTS audit_log_append_only()"))
                conn.execute(text("DROP FUNCTION IF EXISTS decision_issued_frozen()"))
        try:
            upgrade(revision="03a361cc1b66")
            with db.engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO organization (id, code, name, kind, path, authorized_to_admit,"
                        " active, version, created_at) VALUES (1, 'G1', 'Đảng bộ A',"
                        " 'grassroots_cell', '/1/', false, true, 1, '2025-01-01')"
                    )
                )
                conn.execute(
                    text(
                        "INSERT INTO person (id, full_name, search_key, birth_date, sex, ethnicity,"
                        " religion, home_town, citizen_id, education, occupation, phone, cell_id,"
                        " member_status, version, created_at) VALUES (1, 'Lê Văn A', 'le van a',"
                        " '1990-01-01', 'male', 'Kinh', 'Không', 'X', '025090000001', 'university',"
                        " '', '', 1, 'official', 1, '2025-01-01')"
                    )
                )
                conn.execute(
                    text(
                        "INSERT INTO membership_case (id, procedure, state, version, person_id,"
                        " cell_id, opened_at, opened_on) VALUES (1, 'admission',"
                        " 'cell_resolved', 3, 1, 1, '2025-01-01', '2025-01-01')"
                    )
                )
                conn.execute(
                    text(
                        "INSERT INTO deadline (id, case_id, kind, starts_on, base_days,"
                        " extended_days, due_on, status, note) VALUES (1, 1, 'decision',"
                        " '2025-02-01', 60, 0, '2025-05-01', 'open', '')"
                    )
                )
                conn.execute(
                    text(
                        "INSERT INTO decision (id, case_id, kind, issuer, issuer_abbr, doc_type,"
                        " term_start, number, decided_on, signer_name, signer_title, rule_set,"
                        " created_at) VALUES (1, 1, 'admission', 'upper', 'ĐUK', 'QĐ',"
                        " '2020-10-01', 7, '2025-03-01', 'X', 'BÍ THƯ', '2022-01', '2025-03-01')"
                    )
                )
                head = _chain_of_two(conn)
            upgrade()
            # the rows written before the trail was keyed are keyed with the application's key
            report = verify_chain()
            assert (report.ok, report.rows) == (True, 2), report
            assert db.session.get(AuditHead, 1).mac == head_mac(*head)
            with db.engine.connect() as conn:
                case = conn.execute(
                    text(
                        "SELECT state, version, proposal_reason, "
                        "probation_end_confirmed FROM membership_case"
                    )
                ).one()
                unit = conn.execute(text("SELECT unit FROM deadline")).scalar_one()
                decision = conn.execute(
                    text("SELECT status, number, verify_token FROM decision")
                ).one()
                keys = conn.execute(text("SELECT search_key, sort_key FROM person")).one()
                if BACKEND == "sqlite":  # the people already written are in the word index
                    indexed = conn.execute(
                        text("""SELECT rowid FROM person_fts WHERE terms MATCH '"=lê" "van"*'""")
                    ).all()
                    assert indexed == [(1,)]
            assert (case.state, case.version, case.proposal_reason) == ("cell_resolved", 3, "")
            assert bool(case.probation_end_confirmed) is True
            assert unit == "working_days"
            assert (decision.status, decision.number) == ("issued", 7)
            assert len(decision.verify_token) >= 20
            # the name's keys, computed by the migration as the application computes them
            assert tuple(keys) == (name_search_key("Lê Văn A"), name_sort_key("Lê Văn A"))
        finally:
            db.session.rollback()  # the downgrade alters the tables the checks read
            downgrade(revision="base")
            if BACKEND == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
                db.create_all()
                grant_app_role()
            db.engine.dispose()
