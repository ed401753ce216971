"""Administration: accounts and grants (administrator), the calendar (department staff),
and the audit trail (auditor)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from forms.admin import CalendarOverrideForm, GrantForm, UserForm
from forms.base import apply_errors, options
from states.spec import ROLE_LABELS, Role
from workflow.clock import today
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import AuditEntry, AuditHead, CalendarOverride, Organization, User
from workflow.models.orgs import in_tree_order
from workflow.operations import access_log as access_log_ops
from workflow.operations import calendar as calendar_ops
from workflow.operations import jobs
from workflow.operations import users as user_ops
from workflow.store.audit import position, verify_chain
from workflow.store.errors import InvalidInput, NotFound
from workflow.web import current_actor, requires
from workflow.workcalendar import load_calendar

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: the administration pages, each with the roles that open it (the hub lists what one may)
PAGES = (
    ("admin.users", "Tài khoản", "Tài khoản, vai trò và phạm vi của người dùng", (Role.ADMIN,)),
    (
        "admin.calendar",
        "Lịch làm việc",
        "Ngày nghỉ, ngày làm bù: cách tính thời hạn theo ngày làm việc",
        (Role.DEPARTMENT_STAFF, Role.ADMIN),
    ),
    (
        "admin.jobs_page",
        "Việc định kỳ",
        "Các lần chạy việc hằng ngày, hàng đợi in, nhập danh sách",
        (Role.ADMIN, Role.DEPARTMENT_STAFF),
    ),
    (
        "admin.audit",
        "Nhật ký",
        "Nhật ký thay đổi (chuỗi băm có khóa) và kiểm tra tính toàn vẹn",
        (Role.AUDITOR, Role.DEPARTMENT_STAFF),
    ),
    (
        "admin.access_log",
        "Nhật ký truy cập dữ liệu nhạy cảm",
        "Ai đã đọc kết quả thẩm tra, bản quét hồ sơ, hồ sơ kỷ luật",
        (Role.AUDITOR, Role.DEPARTMENT_STAFF),
    ),
)
#: who sees the hub (any of the pages' roles)
HUB_ROLES = tuple(dict.fromkeys(role for *_, roles in PAGES for role in roles))


@bp.route("/")
@requires(*HUB_ROLES)
def index():
    """The administration pages the user may open."""
    actor = current_actor()
    pages = [
        (endpoint, title, hint) for endpoint, title, hint, roles in PAGES if actor.has_role(*roles)
    ]
    return render_template("admin/index.html", pages=pages)


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


@bp.route("/users")
@requires(Role.ADMIN)
def users():
    rows = db.session.scalars(select(User).order_by(User.username)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def new_user():
    form = UserForm()
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            user, password = user_ops.create_user(
                form.username.data or "", form.full_name.data or "", actor=current_actor()
            )
            user_id = user.id
        except InvalidInput as exc:
            errors, status = apply_errors(form, exc.errors), 422
        else:
            return render_template(
                "admin/password_shown.html", user=_user(user_id), password=password
            )
    return render_template("admin/user_new.html", form=form, errors=errors), status


def _grant_form() -> GrantForm:
    form = GrantForm()
    form.role.choices = options((r.value, ROLE_LABELS[r]) for r in Role)
    orgs = in_tree_order(db.session.scalars(select(Organization)))
    form.org_id.choices = options(
        ((o.id, o.label) for o in orgs),
        blank="Toàn Đảng ủy cấp trên",
    )
    return form


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def user(user_id: int):
    target = _user(user_id)
    form = _grant_form()
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        org_raw = form.org_id.data or ""
        try:
            user_ops.grant_role(
                user_id,
                form.role.data or "",
                org_raw,
                form.title.data or "",
                actor=current_actor(),
            )
        except InvalidInput as exc:
            errors, status = apply_errors(form, exc.errors), 422
        else:
            flash("Đã thêm vai trò.", "success")
            return redirect(url_for("admin.user", user_id=user_id))
    return render_template("admin/user.html", target=target, form=form, errors=errors), status


#: actions that cannot be undone by the user they concern: asked again before they are done
CONFIRM = {
    "reset": (
        "Đặt lại mật khẩu",
        "Mật khẩu hiện tại của tài khoản sẽ không dùng được nữa, các phiên đăng nhập và mã truy "
        "cập API của tài khoản bị thu hồi; một mật khẩu mới sẽ hiện một lần để bạn trao cho "
        "người dùng.",
    ),
    "reset_mfa": (
        "Đặt lại xác thực hai lớp",
        "Ứng dụng xác thực trên điện thoại cũ của người dùng sẽ không dùng được nữa; lần đăng "
        "nhập sau người dùng phải thiết lập lại.",
    ),
    "deactivate": (
        "Khóa tài khoản",
        "Người dùng không đăng nhập được nữa cho đến khi một quản trị viên mở khóa.",
    ),
}


@bp.route("/users/<int:user_id>/action", methods=["POST"])
@requires(Role.ADMIN)
def user_action(user_id: int):
    action = request.form.get("action", "")
    password = None
    if action in CONFIRM and request.form.get("confirm") != "1":
        target = _user(user_id)
        return render_template(
            "admin/confirm.html", target=target, action=action, question=CONFIRM[action]
        )
    grant_id = parse_id(request.form.get("grant"))
    if action not in ("reset", "activate", "deactivate", "reset_mfa") and not (
        action == "remove_grant" and grant_id
    ):
        _user(user_id)
        abort(400)
    try:
        if action == "reset":
            password = user_ops.reset_password(user_id, actor=current_actor())
        elif action in ("activate", "deactivate"):
            user_ops.set_active(user_id, action == "activate", actor=current_actor())
        elif action == "reset_mfa":
            user_ops.reset_second_factor(user_id, actor=current_actor())
        else:
            user_ops.remove_grant(user_id, grant_id, actor=current_actor())
    except InvalidInput as exc:
        flash(" ".join(exc.errors.values()), "error")
        return redirect(url_for("admin.user", user_id=user_id))
    if password is not None:
        return render_template("admin/password_shown.html", user=_user(user_id), password=password)
    flash("Đã cập nhật.", "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/calendar", methods=["GET", "POST"])
@requires(Role.DEPARTMENT_STAFF, Role.ADMIN)
def calendar():
    form = CalendarOverrideForm()
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            calendar_ops.add_override(
                {"day": form.day.data, "kind": form.kind.data, "note": form.note.data},
                actor=current_actor(),
            )
        except InvalidInput as exc:
            errors, status = apply_errors(form, exc.errors), 422
        else:
            flash("Đã thêm ngày điều chỉnh; các thời hạn đang chạy đã được tính lại.", "success")
            return redirect(url_for("admin.calendar"))
    rows = db.session.scalars(select(CalendarOverride).order_by(CalendarOverride.day)).all()
    cal = load_calendar()
    year = today().year
    holidays = sorted((d, n) for d, n in cal._public.items() if d.year in (year, year + 1))
    return render_template(
        "admin/calendar.html", form=form, rows=rows, errors=errors, holidays=holidays
    ), status


@bp.route("/calendar/<int:row_id>/delete", methods=["POST"])
@requires(Role.DEPARTMENT_STAFF, Role.ADMIN)
def calendar_delete(row_id: int):
    calendar_ops.remove_override(row_id, actor=current_actor())
    flash("Đã xóa ngày điều chỉnh; các thời hạn đang chạy đã được tính lại.", "success")
    return redirect(url_for("admin.calendar"))


@bp.route("/audit")
@requires(Role.AUDITOR, Role.DEPARTMENT_STAFF)
def audit():
    actor = current_actor()
    if actor.scope_for(frozenset({Role.AUDITOR, Role.DEPARTMENT_STAFF}), None) is None:
        abort(403)
    page = request.args.get("page", "1")
    page_no = parse_id(page) or 1
    rows = db.session.scalars(
        select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(50).offset((page_no - 1) * 50)
    ).all()
    report = verify_chain() if request.args.get("verify") == "1" else None
    head = db.session.get(AuditHead, 1)
    return render_template(
        "admin/audit.html",
        rows=rows,
        page=page_no,
        report=report,
        head_position=position(head.seq, head.row_hash) if head else "",
        show_keys=request.args.get("keys") == "1",
    )


@bp.route("/jobs")
@requires(Role.ADMIN, Role.DEPARTMENT_STAFF)
def jobs_page():
    """The latest runs of the periodic jobs, and whether the daily run is late."""
    late, last = jobs.daily_late()
    return render_template(
        "admin/jobs.html",
        runs=jobs.recent(),
        late=late,
        last=last,
        labels=jobs.JOB_LABELS,
        statuses=jobs.STATUS_LABELS,
        queue=jobs.queue_state(),
        print_jobs=jobs.active_print_jobs(),
    )


@bp.route("/access-log")
@requires(Role.AUDITOR, Role.DEPARTMENT_STAFF)
def access_log():
    """Who read verification results or dossier scans, and when (newest first)."""
    actor = current_actor()
    if actor.scope_for(frozenset({Role.AUDITOR, Role.DEPARTMENT_STAFF}), None) is None:
        abort(403)
    case_id = parse_id(request.args.get("case", ""))
    rows = access_log_ops.recent("case" if case_id else None, case_id, limit=300)
    return render_template(
        "admin/access_log.html", rows=rows, case_id=case_id, parts=access_log_ops.PART_LABELS
    )
