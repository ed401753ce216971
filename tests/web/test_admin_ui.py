"""Administration through the pages: accounts and grants, the organization tree, the calendar."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from states.dates import vn_date
from tests.builders import sign_in
from tests.web.helpers import (
    audit_rows,
    counts,
    field_block,
    hidden_value,
    org_form,
    page,
    user_row,
)
from workflow.extensions import db
from workflow.models import CalendarOverride, Case, Deadline, Grant, Organization
from workflow.workcalendar import WorkingCalendar


def _signed_in(app, world, username: str):
    client = app.test_client()
    response = sign_in(client, username, world.password)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    return client


def _signed_out(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def _shown_password(response) -> str:
    m = re.search(r'<p class="secret"><code>([^<]+)</code></p>', page(response))
    assert m, "no one-time password on the page"
    return html.unescape(m.group(1))


def _org(org_id: int) -> Organization:
    db.session.rollback()
    return db.session.get(Organization, org_id)


# --- accounts --------------------------------------------------------------------------------


def test_one_time_password_lets_new_user_sign_in_when_admin_creates_account(app, world, login):
    admin = login("admin")
    assert admin.get("/admin/users/new").status_code == 200
    response = admin.post(
        "/admin/users/new", data={"username": "Moi.Nguoi", "full_name": "Phan Văn Mới"}
    )
    assert response.status_code == 200
    assert "Mật khẩu chỉ hiện <strong>một lần</strong>" in page(response)
    password = _shown_password(response)
    assert len(password) >= 16
    user = user_row("moi.nguoi")
    assert user.full_name == "Phan Văn Mới"
    assert user.password_hash.startswith("$argon2id$")
    assert password not in user.password_hash
    created = audit_rows(subject_type="user", subject_id=user.id)
    assert [r.action for r in created] == ["user.create"]
    assert password not in created[0].payload

    newcomer = app.test_client()
    signed = newcomer.post("/login", data={"username": "moi.nguoi", "password": password})
    assert signed.status_code == 302
    assert newcomer.get("/").status_code == 200
    assert newcomer.get("/cases/").status_code == 403  # no role yet


def test_cell_secretary_grant_is_refused_when_given_for_whole_committee(app, world, login):
    admin = login("admin")
    uid = world.users["auditor"]
    before = counts()
    refused = admin.post(
        f"/admin/users/{uid}", data={"role": "cell_secretary", "org_id": "", "title": ""}
    )
    assert refused.status_code == 422
    assert "Bí thư chi bộ phải được gán cho một chi bộ." in field_block(page(refused), "org_id")
    assert counts() == before

    granted = admin.post(
        f"/admin/users/{uid}",
        data={"role": "cell_secretary", "org_id": str(world.orgs["C1"]), "title": ""},
    )
    assert granted.status_code == 302
    assert "Đã thêm vai trò." in page(admin.get(granted.headers["Location"]))
    db.session.rollback()
    roles = {(g.role, g.org_id) for g in db.session.scalars(select(Grant).filter_by(user_id=uid))}
    assert roles == {("auditor", None), ("cell_secretary", world.orgs["C1"])}
    assert audit_rows(subject_type="user", subject_id=uid)[-1].action == "grant.add"
    auditor = _signed_in(app, world, "auditor")
    assert auditor.get("/cases/open/admission").status_code == 200


def test_session_epoch_bumps_and_sessions_end_when_grant_is_removed(app, world, login):
    member = _signed_in(app, world, "sec1b")
    admin = login("admin")
    uid = world.users["sec1b"]
    epoch = user_row("sec1b").session_epoch
    grant_id = db.session.scalars(select(Grant.id).filter_by(user_id=uid)).one()
    assert f'name="grant" value="{grant_id}"' in page(admin.get(f"/admin/users/{uid}"))

    response = admin.post(
        f"/admin/users/{uid}/action", data={"action": "remove_grant", "grant": str(grant_id)}
    )

    assert response.status_code == 302
    assert user_row("sec1b").session_epoch == epoch + 1
    db.session.rollback()
    assert db.session.scalars(select(Grant).filter_by(user_id=uid)).all() == []
    assert audit_rows(subject_type="user", subject_id=uid)[-1].action == "grant.remove"
    assert _signed_out(member)


def test_new_password_is_shown_and_old_one_stops_working_when_admin_resets_it(app, world, login):
    victim = _signed_in(app, world, "gs1")
    for i in range(app.config["LOGIN_MAX_FAILURES"]):
        app.test_client().post("/login", data={"username": "gs1", "password": f"sai-{i}"})
    assert user_row("gs1").locked_until is not None
    admin = login("admin")
    old_hash = user_row("gs1").password_hash

    url = f"/admin/users/{world.users['gs1']}/action"
    asked = admin.post(url, data={"action": "reset"})  # asked again, nothing done yet
    assert asked.status_code == 200
    assert "Đặt lại mật khẩu cho" in page(asked) and 'name="confirm" value="1"' in page(asked)
    assert user_row("gs1").password_hash == old_hash

    response = admin.post(url, data={"action": "reset", "confirm": "1"})

    assert response.status_code == 200
    password = _shown_password(response)
    user = user_row("gs1")
    assert user.password_hash != old_hash
    assert (user.locked_until, user.failed_logins) == (None, 0)
    assert _signed_out(victim)
    fresh = app.test_client()
    old = fresh.post("/login", data={"username": "gs1", "password": world.password})
    assert old.status_code == 401
    new = fresh.post("/login", data={"username": "gs1", "password": password})
    assert new.status_code == 302
    assert "password.reset" in [r.action for r in audit_rows(subject_type="user")]


def test_session_ends_and_login_is_refused_when_user_is_deactivated(app, world, login):
    member = _signed_in(app, world, "sec1")
    admin = login("admin")
    uid = world.users["sec1"]
    response = admin.post(
        f"/admin/users/{uid}/action", data={"action": "deactivate", "confirm": "1"}
    )
    assert response.status_code == 302
    assert "Đã khóa" in page(admin.get(f"/admin/users/{uid}"))
    assert user_row("sec1").active is False
    assert _signed_out(member)
    again = app.test_client()
    refused = again.post("/login", data={"username": "sec1", "password": world.password})
    assert refused.status_code == 401
    reactivated = admin.post(f"/admin/users/{uid}/action", data={"action": "activate"})
    assert reactivated.status_code == 302
    welcome = again.post("/login", data={"username": "sec1", "password": world.password})
    assert welcome.status_code == 302


def test_account_action_is_refused_when_admin_locks_self_or_action_is_unknown(world, login):
    admin = login("admin")
    before = counts()
    response = admin.post(
        f"/admin/users/{world.users['admin']}/action",
        data={"action": "deactivate", "confirm": "1"},
        follow_redirects=True,
    )
    assert "Không tự khóa hoặc mở khóa tài khoản của mình." in page(response)
    assert user_row("admin").active is True
    unknown = admin.post(f"/admin/users/{world.users['sec1']}/action", data={"action": "drop"})
    assert unknown.status_code == 400
    assert "Yêu cầu không hợp lệ" in page(unknown)
    assert counts() == before
    assert admin.get("/admin/users").status_code == 200


def test_an_administrator_cannot_widen_or_reset_their_own_account_but_another_can(
    app, world, login
):
    """Segregation of duties: an administrator who gives themselves a role that opens case
    files, or resets their own password or second factor, would act unseen by a second person."""
    from tests.builders import SYSTEM, TOTP_SECRET, sign_in
    from workflow.operations import users as user_ops
    from workflow.store.uow import unit_of_work

    admin = login("admin")
    own = world.users["admin"]
    before = counts()
    grant = admin.post(f"/admin/users/{own}", data={"role": "department_staff", "org_id": ""})
    assert grant.status_code == 422
    assert "Không tự cấp hoặc bỏ vai trò của chính mình" in page(grant)
    for action, message in (
        ("reset", "Không tự đặt lại mật khẩu của mình ở đây"),
        ("reset_mfa", "Không tự đặt lại xác thực hai lớp của mình"),
    ):
        response = admin.post(
            f"/admin/users/{own}/action",
            data={"action": action, "confirm": "1"},
            follow_redirects=True,
        )
        assert message in page(response), action
    assert counts() == before
    assert admin.get("/cases/").status_code == 403  # still no access to case files
    # a second administrator may
    with unit_of_work():
        other, password = user_ops.create_user("quantri2", "Đỗ Thị Hai", actor=SYSTEM)
        user_ops.add_grant(other, "admin", None, "", actor=SYSTEM)
        other.totp_secret = TOTP_SECRET
    second = app.test_client()
    assert sign_in(second, "quantri2", password).status_code == 302
    granted = second.post(f"/admin/users/{own}", data={"role": "auditor", "org_id": ""})
    assert granted.status_code == 302
    assert [g.role for g in user_row("admin").grants] == ["admin", "auditor"]


# --- the organization tree -------------------------------------------------------------------


def test_committee_is_renamed_and_authorized_when_department_saves_edit_form(world, login):
    client = login("dept")
    g1 = _org(world.orgs["G1"])
    form = page(client.get(f"/orgs/{g1.id}/edit"))
    assert hidden_value(form, "expected_version") == str(g1.version)
    version = g1.version

    response = client.post(
        f"/orgs/{g1.id}/edit",
        data=org_form(
            g1, name="Đảng bộ Sở Tài chính tỉnh", authorized_to_admit="y", abbreviation="ĐU"
        ),
    )

    assert response.status_code == 302
    g1 = _org(world.orgs["G1"])
    assert (g1.name, g1.authorized_to_admit, g1.abbreviation) == (
        "Đảng bộ Sở Tài chính tỉnh",
        True,
        "ĐU",
    )
    assert g1.version == version + 1
    assert "Đã lưu tổ chức." in page(client.get(response.headers["Location"]))
    assert audit_rows(subject_type="organization", subject_id=g1.id)[-1].action == (
        "organization.update"
    )


def test_authorization_to_admit_is_refused_when_organization_is_a_cell(world, login):
    client = login("dept")
    c1 = _org(world.orgs["C1"])
    before, version = counts(), c1.version
    response = client.post(f"/orgs/{c1.id}/edit", data=org_form(c1, authorized_to_admit="y"))
    assert response.status_code == 422
    assert "Chỉ đảng bộ cơ sở mới được ủy quyền kết nạp." in field_block(
        page(response), "authorized_to_admit"
    )
    assert counts() == before
    c1 = _org(world.orgs["C1"])
    assert (c1.authorized_to_admit, c1.version) == (False, version)


def test_descendant_paths_follow_when_organization_is_moved(app, world, login):
    case_id = world.new_candidate("C3")
    g1, g3, s3, c3 = (world.orgs[k] for k in ("G1", "G3", "S3", "C3"))
    assert _org(c3).path == f"/{g3}/{s3}/{c3}/"
    client = login("dept")

    response = client.post(f"/orgs/{s3}/edit", data=org_form(_org(s3), parent_id=str(g1)))

    assert response.status_code == 302
    assert _org(s3).path == f"/{g1}/{s3}/"
    assert _org(c3).path == f"/{g1}/{s3}/{c3}/"
    assert _org(c3).parent_id == s3
    # who sees the case follows the tree
    assert _signed_in(app, world, "gs1").get(f"/cases/{case_id}").status_code == 200
    assert _signed_in(app, world, "gs3").get(f"/cases/{case_id}").status_code == 404
    assert _signed_in(app, world, "sec3").get(f"/cases/{case_id}").status_code == 200


def test_stale_organization_form_is_refused_with_409_when_someone_saved_first(app, world, login):
    c1_id = world.orgs["C1"]
    first = login("dept")
    loaded = page(first.get(f"/orgs/{c1_id}/edit"))
    old_version = hidden_value(loaded, "expected_version")
    second = _signed_in(app, world, "dept2")
    saved = second.post(
        f"/orgs/{c1_id}/edit", data=org_form(_org(c1_id), name="Chi bộ Phòng Ngân sách – Kho bạc")
    )
    assert saved.status_code == 302
    before = counts()

    response = first.post(
        f"/orgs/{c1_id}/edit",
        data=org_form(_org(c1_id), name="Chi bộ Ngân sách", expected_version=old_version),
    )

    assert response.status_code == 409
    assert "Tổ chức vừa được người khác sửa. Tải lại trang rồi sửa lại." in page(response)
    assert counts() == before
    c1 = _org(c1_id)
    assert c1.name == "Chi bộ Phòng Ngân sách – Kho bạc"
    assert c1.version == int(old_version) + 1


def test_organization_editing_is_forbidden_when_user_is_not_department_or_admin(world, login):
    client = login("gs1")
    c1 = _org(world.orgs["C1"])
    before = counts()
    assert client.get(f"/orgs/{c1.id}/edit").status_code == 403
    assert client.post(f"/orgs/{c1.id}/edit", data=org_form(c1, name="Đổi tên")).status_code == (
        403
    )
    assert client.post("/orgs/new", data=org_form(c1, code="X9")).status_code == 403
    assert counts() == before


# --- the calendar ------------------------------------------------------------------------------


def test_due_date_moves_when_day_off_is_added_inside_deadline_and_back_when_removed(world, login):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "cell_resolved")
    db.session.rollback()
    deadline = db.session.scalars(
        select(Deadline).where(
            Deadline.case_id == case_id, Deadline.kind == "decision", Deadline.status == "open"
        )
    ).one()
    deadline_id, start, old_due = deadline.id, deadline.starts_on, deadline.due_on
    days = deadline.base_days + deadline.extended_days
    assert days == 60
    plain = WorkingCalendar({})
    assert plain.add_working_days(start, days) == old_due
    day_off = start + timedelta(days=10)
    while not plain.is_working(day_off):
        day_off += timedelta(days=1)
    assert start < day_off < old_due
    with_day_off = WorkingCalendar({day_off: "day_off"})
    expected = old_due + timedelta(days=1)
    while not with_day_off.is_working(expected):
        expected += timedelta(days=1)

    client = login("dept")
    response = client.post(
        "/admin/calendar",
        data={"day": vn_date(day_off), "kind": "day_off", "note": "Nghỉ bù theo Thông báo 5/TB"},
    )

    assert response.status_code == 302
    assert "các thời hạn đang chạy đã được tính lại" in page(client.get("/admin/calendar"))
    db.session.rollback()
    moved = db.session.get(Deadline, deadline_id).due_on
    assert moved == expected == with_day_off.add_working_days(start, days)
    assert vn_date(moved) in page(client.get(f"/cases/{case_id}"))
    row = db.session.scalars(select(CalendarOverride)).one()
    assert audit_rows(subject_type="calendar")[-1].action == "calendar.add"

    removed = client.post(f"/admin/calendar/{row.id}/delete")

    assert removed.status_code == 302
    db.session.rollback()
    assert db.session.get(Deadline, deadline_id).due_on == old_due
    assert db.session.scalars(select(CalendarOverride)).all() == []
    assert audit_rows(subject_type="calendar")[-1].action == "calendar.remove"
    assert db.session.get(Case, case_id).state == "cell_resolved"

    after_due = old_due + timedelta(days=7)
    outside = client.post(
        "/admin/calendar",
        data={"day": vn_date(after_due), "kind": "day_off", "note": "Nghỉ sau thời hạn"},
    )
    assert outside.status_code == 302
    db.session.rollback()
    assert db.session.get(Deadline, deadline_id).due_on == old_due


def test_the_administration_hub_lists_what_each_role_may_open(world, login):
    """One menu entry, "Quản trị", leads to the administration pages the user may open."""
    pages = {
        "dept": ({"Lịch làm việc", "Việc định kỳ", "Nhật ký"}, {"Tài khoản"}),
        "auditor": ({"Nhật ký", "Nhật ký truy cập dữ liệu nhạy cảm"}, {"Lịch làm việc"}),
    }
    for username, (shown, hidden) in pages.items():
        client = login(username)
        body = client.get("/admin/").get_data(as_text=True)
        assert all(title in body for title in shown), username
        assert not any(f">{title}</a>" in body for title in hidden), username
        assert 'href="/admin/"' in client.get("/").get_data(as_text=True)
    assert login("sec1").get("/admin/").status_code == 403
