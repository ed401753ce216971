"""Pages of the training classes: the list, a class with its roster, the forms that change
them, the results grid, certificates and their printing, the roster in and out of Excel."""

from __future__ import annotations

import io
from datetime import date

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from sqlalchemy import func, select

from forms.base import apply_errors, options
from forms.training import (
    AddTraineeForm,
    ClassForm,
    IssueForm,
    NewTraineeForm,
    RosterUploadForm,
    VersionForm,
)
from states import training as rules
from states.numbers import vn_number
from workflow import presenters
from workflow.clock import today
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import Certificate, Organization, Person, PrintJob, TrainingClass
from workflow.models import TrainingEnrollment as Row
from workflow.paging import seek_page
from workflow.roster import classes as spreadsheet
from workflow.store import files
from workflow.store.errors import InvalidInput, NotFound, PermissionDenied, StaleRecord
from workflow.training import access, certificates, kinds, labels, operations
from workflow.web import current_actor, requires

bp = Blueprint("training", __name__, url_prefix="/classes")
VIEWERS = tuple(access.VIEWERS)
MANAGERS = tuple(access.MANAGERS)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 25
#: people offered to a proposer in the roster's picker (their own organizations)
PICKER_LIMIT = 300


def init_app(app: Flask) -> None:
    """Labels of the audit rows the classes write, and the print job of their certificates."""
    with app.app_context():
        presenters.ACTION_LABELS.update(labels.action_labels(kinds()))
    presenters.SUBJECT_LABELS["training_class"] = "Lớp bồi dưỡng"
    presenters.PAYLOAD_LABELS.update(labels.PAYLOAD_LABELS)
    presenters.REFERENCE_NAMES["training_class"] = labels.class_name
    certificates.register()


@bp.app_template_global("training_result_label")
def training_result_label(key: str | None) -> str:
    return rules.RESULT_LABELS.get(key or "", "")


def _class(class_id: int) -> TrainingClass:
    cls = db.session.get(TrainingClass, class_id)
    if cls is None:
        abort(404)
    return cls


def _manager() -> bool:
    return access.may_manage(current_actor())


def _require_manager() -> None:
    if not _manager():
        abort(403)


def _kind_choices() -> list[tuple[str, str]]:
    return [(k.key, k.label) for k in kinds().values()]


def _organizer_choices() -> list[tuple[str, str]]:
    upper = current_app.config["UPPER_COMMITTEE_NAME"]
    return [("", upper)] + [(str(o.id), o.name) for o in operations.organizers()]


# --- the list -------------------------------------------------------------------------------


@bp.route("/")
@requires(*VIEWERS)
def index():
    kind = request.args.get("kind", "")
    kind = kind if kind in kinds() else ""
    year = parse_id(request.args.get("year", ""))
    year = year if year and 1990 <= year <= today().year + 1 else None
    organizer = request.args.get("organizer", "")
    stmt = select(TrainingClass)
    if kind:
        stmt = stmt.where(TrainingClass.kind == kind)
    if year:
        stmt = stmt.where(
            TrainingClass.ends_on >= date(year, 1, 1), TrainingClass.ends_on <= date(year, 12, 31)
        )
    if organizer == "upper":
        stmt = stmt.where(TrainingClass.organizer_id.is_(None))
    elif parse_id(organizer):
        stmt = stmt.where(TrainingClass.organizer_id == parse_id(organizer))
    else:
        organizer = ""
    listing = seek_page(
        stmt,
        (TrainingClass.ends_on, TrainingClass.id),
        descending=True,
        after=request.args.get("after", ""),
        before=request.args.get("before", ""),
        per_page=PER_PAGE,
    )
    ids = [c.id for c in listing.rows]
    counts = dict(
        db.session.execute(
            select(Row.class_id, func.count())
            .where(Row.class_id.in_(ids or [0]), Row.status != "withdrawn")
            .group_by(Row.class_id)
        ).all()
    )
    certified = dict(
        db.session.execute(
            select(Certificate.class_id, func.count())
            .where(Certificate.class_id.in_(ids or [0]))
            .group_by(Certificate.class_id)
        ).all()
    )
    return render_template(
        "training/index.html",
        listing=listing,
        classes=listing.rows,
        counts=counts,
        certified=certified,
        kinds=kinds(),
        kind=kind,
        year=year,
        organizer=organizer,
        organizers=operations.organizers(),
        can_manage=_manager(),
    )


# --- creating and editing -------------------------------------------------------------------


def _class_form(cls: TrainingClass | None = None) -> ClassForm:
    form = ClassForm()
    form.kind.choices = options(_kind_choices())
    form.organizer_id.choices = options(_organizer_choices(), blank=None)
    if cls is not None and not form.is_submitted():
        form.kind.data = cls.kind
        form.title.data = cls.title
        form.organizer_id.data = str(cls.organizer_id or "")
        form.starts_on.data = cls.starts_on.strftime("%d/%m/%Y")
        form.ends_on.data = cls.ends_on.strftime("%d/%m/%Y")
        form.place.data = cls.place
        form.opening_decision.data = cls.opening_decision
        form.certificate_issuer.data = cls.certificate_issuer
        form.note.data = cls.note
        form.expected_version.data = str(cls.version)
    return form


def _class_raw(form: ClassForm) -> dict[str, str]:
    names = ("kind", "title", "organizer_id", "starts_on", "ends_on", "place")
    names += ("opening_decision", "certificate_issuer", "note")
    return {name: form[name].data or "" for name in names}


@bp.route("/new", methods=["GET", "POST"])
@requires(*MANAGERS)
def new():
    _require_manager()
    form = _class_form()
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            cls = operations.create_class(_class_raw(form), actor=current_actor())
        except InvalidInput as exc:
            errors, status = apply_errors(form, exc.errors), 422
        else:
            flash("Đã mở lớp.", "success")
            return redirect(url_for("training.detail", class_id=cls.id))
    elif form.is_submitted():
        errors, status = apply_errors(form, {}), 400
    return render_template("training/form.html", form=form, errors=errors, cls=None), status


@bp.route("/<int:class_id>/edit", methods=["GET", "POST"])
@requires(*MANAGERS)
def edit(class_id: int):
    _require_manager()
    cls = _class(class_id)
    form = _class_form(cls)
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            operations.update_class(
                class_id, _class_raw(form), form.expected_version.data, actor=current_actor()
            )
        except InvalidInput as exc:
            errors, status = apply_errors(form, exc.errors), 422
        except StaleRecord as exc:
            flash(str(exc), "error")
            return redirect(url_for("training.edit", class_id=class_id)), 303
        else:
            flash("Đã lưu thông tin lớp.", "success")
            return redirect(url_for("training.detail", class_id=class_id))
    elif form.is_submitted():
        errors, status = apply_errors(form, {}), 400
    return render_template("training/form.html", form=form, errors=errors, cls=cls), status


# --- a class and its roster -----------------------------------------------------------------


def _visible_rows(cls: TrainingClass) -> list[Row]:
    """The roster as the user may see it (the department all of it, others their
    organizations' trainees), in Vietnamese name order; bounded by the class's size limit."""
    actor = current_actor()
    stmt = (
        select(Row)
        .join(Person, Person.id == Row.person_id)
        .join(Organization, Organization.id == Person.cell_id)
        .where(Row.class_id == cls.id)
        .order_by(Row.status == "withdrawn", Person.sort_key, Person.id)
    )
    if not access.may_manage(actor):
        stmt = stmt.where(access.roster_filter(actor, Organization.path))
    return list(db.session.scalars(stmt))


def _picker(cls: TrainingClass) -> list[tuple[str, str]]:
    """The people a proposer may put forward: those of their organizations the class is for,
    not on its roster yet."""
    actor = current_actor()
    if access.may_manage(actor) or not access.may_propose_any(actor):
        return []
    kind = kinds().get(cls.kind)
    taken = select(Row.person_id).where(Row.class_id == cls.id, Row.status != "withdrawn")
    stmt = (
        select(Person)
        .join(Organization, Organization.id == Person.cell_id)
        .where(
            actor.visible_filter(Organization.path, access.PROPOSERS),
            Person.presence == "active",
            Person.id.not_in(taken),
        )
        .order_by(Person.sort_key, Person.id)
        .limit(PICKER_LIMIT)
    )
    if kind is not None and kind.statuses:
        stmt = stmt.where(Person.member_status.in_(kind.statuses))
    return [
        (str(p.id), f"{p.full_name} ({p.birth_date:%d/%m/%Y})") for p in db.session.scalars(stmt)
    ]


def _add_form(cls: TrainingClass) -> AddTraineeForm:
    form = AddTraineeForm()
    people = _picker(cls)
    form.person.choices = options(people)
    if not people:
        form.citizen_id.label.text = "Số CCCD"
    return form


def _render_detail(cls: TrainingClass, add_form=None, issue_form=None, errors=None, status=200):
    rows = _visible_rows(cls)
    manager = _manager()
    issue_form = issue_form or IssueForm()
    if not issue_form.is_submitted():
        issue_form.issued_on.data = max(cls.ends_on, min(today(), cls.ends_on)).strftime("%d/%m/%Y")
        issue_form.expected_version.data = str(cls.version)
    tally = {
        "enrolled": sum(1 for r in rows if r.status == "enrolled"),
        "proposed": sum(1 for r in rows if r.status == "proposed"),
        "passed": sum(1 for r in rows if r.result in rules.PASSING),
        "certified": sum(1 for r in rows if r.certificate_id),
    }
    return (
        render_template(
            "training/detail.html",
            cls=cls,
            kind=kinds().get(cls.kind),
            rows=rows,
            tally=tally,
            can_manage=manager,
            can_propose=access.may_propose_any(current_actor()),
            add_form=add_form or _add_form(cls),
            issue_form=issue_form,
            action_form=VersionForm(),
            issuable=len(operations.issuable(cls)) if manager else 0,
            job=certificates.latest_job(cls) if manager else None,
            errors=errors or [],
            labels={
                "status": rules.ENROLLMENT_STATUSES,
                "attendance": rules.ATTENDANCE_LABELS,
                "result": rules.RESULT_LABELS,
                "position": rules.POSITION_LABELS,
            },
        ),
        status,
    )


@bp.route("/<int:class_id>")
@requires(*VIEWERS)
def detail(class_id: int):
    return _render_detail(_class(class_id))


@bp.route("/<int:class_id>/trainees", methods=["POST"])
@requires(*VIEWERS)
def add(class_id: int):
    cls = _class(class_id)
    actor = current_actor()
    if not (access.may_manage(actor) or access.may_propose_any(actor)):
        abort(403)
    form = _add_form(cls)
    if not form.validate_on_submit():
        abort(400)
    raw = {
        "person": form.person.data or "",
        "citizen_id": form.citizen_id.data or "",
        "position": form.position.data or "",
    }
    if not raw["person"] and not raw["citizen_id"].strip():
        return _render_detail(
            cls,
            form,
            errors=apply_errors(form, {"citizen_id": "Chọn người hoặc ghi số CCCD."}),
            status=422,
        )
    if (
        not raw["person"]
        and access.may_manage(actor)
        and operations.find_person(raw["citizen_id"]) is None
    ):
        # not on file: the department writes their record with the roster row
        return redirect(
            url_for(
                "training.new_trainee",
                class_id=class_id,
                citizen_id=raw["citizen_id"].strip(),
                position=raw["position"],
            )
        )
    try:
        row = operations.add_trainee(class_id, raw, actor=actor)
    except InvalidInput as exc:
        return _render_detail(cls, form, errors=apply_errors(form, exc.errors), status=422)
    except (NotFound, PermissionDenied):
        abort(404)
    if row.status == "proposed":
        flash(f"Đã đề nghị cử {row.person.full_name} đi học lớp.", "success")
    else:
        flash(f"Đã đưa {row.person.full_name} vào danh sách lớp.", "success")
    return redirect(url_for("training.detail", class_id=class_id))


@bp.route("/<int:class_id>/trainees/new", methods=["GET", "POST"])
@requires(*MANAGERS)
def new_trainee(class_id: int):
    _require_manager()
    cls = _class(class_id)
    form = NewTraineeForm()
    cells = db.session.scalars(
        select(Organization)
        .where(Organization.kind.in_(("cell", "grassroots_cell")), Organization.active.is_(True))
        .order_by(Organization.path)
    ).all()
    form.cell_id.choices = options([(str(c.id), c.label) for c in cells])
    if not form.is_submitted():
        form.citizen_id.data = request.args.get("citizen_id", "")
        form.position.data = request.args.get("position", "")
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        raw = {**form.person_data(), "position": form.position.data or ""}
        cell_id = parse_id(form.cell_id.data or "")
        cell = db.session.get(Organization, cell_id) if cell_id else None
        try:
            row = spreadsheet.add_new_person(class_id, raw, cell, actor=current_actor())
        except InvalidInput as exc:
            errors, status = apply_errors(form, exc.errors), 422
        else:
            flash(f"Đã tạo hồ sơ và đưa {row.person.full_name} vào danh sách lớp.", "success")
            return redirect(url_for("training.detail", class_id=class_id))
    elif form.is_submitted():
        errors, status = apply_errors(form, {}), 400
    return render_template("training/new_trainee.html", cls=cls, form=form, errors=errors), status


@bp.route("/<int:class_id>/trainees/<int:row_id>/<action>", methods=["POST"])
@requires(*VIEWERS)
def row_action(class_id: int, row_id: int, action: str):
    if action not in ("accept", "withdraw") or not VersionForm().validate_on_submit():
        abort(404 if action not in ("accept", "withdraw") else 400)
    row = db.session.get(Row, row_id)
    if row is None or row.class_id != class_id:
        abort(404)
    try:
        if action == "accept":
            operations.accept(row_id, actor=current_actor())
            flash(f"Đã nhận {row.person.full_name} vào danh sách lớp.", "success")
        else:
            operations.withdraw(row_id, actor=current_actor())
            flash(f"Đã rút {row.person.full_name} khỏi danh sách lớp.", "success")
    except InvalidInput as exc:
        flash(" ".join(exc.errors.values()), "error")
    except PermissionDenied:
        abort(403)
    except NotFound:
        abort(404)
    return redirect(url_for("training.detail", class_id=class_id))


# --- attendance and results -----------------------------------------------------------------


@bp.route("/<int:class_id>/results", methods=["GET", "POST"])
@requires(*MANAGERS)
def results(class_id: int):
    _require_manager()
    cls = _class(class_id)
    form = VersionForm()
    rows = [r for r in _visible_rows(cls) if r.status != "withdrawn"]
    errors: dict[str, str] = {}
    status = 200
    values = {
        r.id: {"attendance": r.attendance or "", "result": r.result or "", "note": r.note}
        for r in rows
    }
    if form.validate_on_submit():
        submitted = {
            r.id: {
                name: request.form.get(f"{name}-{r.id}", "")
                for name in ("attendance", "result", "note")
            }
            for r in rows
        }
        try:
            changed = operations.record_results(
                class_id, submitted, form.expected_version.data, actor=current_actor()
            )
        except InvalidInput as exc:
            errors, status, values = exc.errors, 422, submitted
        except StaleRecord as exc:
            flash(str(exc), "error")
            return redirect(url_for("training.results", class_id=class_id)), 303
        else:
            flash(f"Đã ghi kết quả của {vn_number(changed)} học viên.", "success")
            return redirect(url_for("training.detail", class_id=class_id))
    elif form.is_submitted():
        abort(400)
    else:
        form.expected_version.data = str(cls.version)
    return (
        render_template(
            "training/results.html",
            cls=cls,
            rows=rows,
            form=form,
            values=values,
            errors=errors,
            attendance=rules.ATTENDANCE,
            results=rules.RESULTS,
        ),
        status,
    )


# --- certificates ---------------------------------------------------------------------------


@bp.route("/<int:class_id>/certificates", methods=["POST"])
@requires(*MANAGERS)
def issue(class_id: int):
    _require_manager()
    cls = _class(class_id)
    form = IssueForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        issued = operations.issue_certificates(
            class_id,
            {"issued_on": form.issued_on.data or ""},
            form.expected_version.data,
            actor=current_actor(),
        )
    except InvalidInput as exc:
        return _render_detail(
            cls, issue_form=form, errors=apply_errors(form, exc.errors), status=422
        )
    except StaleRecord as exc:
        flash(str(exc), "error")
        return redirect(url_for("training.detail", class_id=class_id)), 303
    flash(
        f"Đã cấp {vn_number(len(issued))} giấy chứng nhận (số {issued[0].number} đến "
        f"{issued[-1].number}).",
        "success",
    )
    return redirect(url_for("training.detail", class_id=class_id))


@bp.route("/<int:class_id>/print", methods=["POST"])
@requires(*MANAGERS)
def print_certificates(class_id: int):
    _require_manager()
    cls = _class(class_id)
    if not VersionForm().validate_on_submit():
        abort(400)
    if not any(r.certificate_id for r in cls.enrollments):
        flash("Lớp chưa cấp giấy chứng nhận nào.", "error")
        return redirect(url_for("training.detail", class_id=class_id))
    job_id = certificates.create_job(cls, current_actor().user_id)
    return redirect(url_for("training.job", class_id=class_id, job_id=job_id))


@bp.route("/<int:class_id>/certificates/<int:certificate_id>.pdf")
@requires(*MANAGERS)
def certificate_pdf(class_id: int, certificate_id: int):
    """One certificate printed again (its copy was lost or spoilt): recorded in the trail."""
    _require_manager()
    cls = _class(class_id)
    data = certificates.single_pdf(cls, certificate_id)
    if data is None:
        abort(404)
    operations.record_reprint(cls, certificate_id, actor=current_actor())
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="giay-chung-nhan-{certificate_id}.pdf"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _job(class_id: int, job_id: int) -> PrintJob:
    job = db.session.get(PrintJob, job_id)
    if job is None or job.kind != certificates.KIND or job.subject_id != class_id:
        abort(404)
    return job


@bp.route("/<int:class_id>/print/<int:job_id>")
@requires(*MANAGERS)
def job(class_id: int, job_id: int):
    _require_manager()
    return render_template("training/job.html", cls=_class(class_id), job=_job(class_id, job_id))


@bp.route("/<int:class_id>/print/<int:job_id>/giay-chung-nhan.pdf")
@requires(*MANAGERS)
def job_pdf(class_id: int, job_id: int):
    _require_manager()
    job = _job(class_id, job_id)
    key = certificates.batch.job_file(job, "pdf") if job.status == "done" else None
    stored = files.stat(key) if key else None
    if stored is None:
        abort(404)
    response = Response(files.chunks(key), mimetype="application/pdf")
    response.content_length = stored.size
    response.headers["Content-Disposition"] = (
        f'attachment; filename="giay-chung-nhan-lop-{class_id}.pdf"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the roster in Excel --------------------------------------------------------------------


def _download(data: bytes, name: str):
    response = send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:class_id>/roster.xlsx")
@requires(*VIEWERS)
def export(class_id: int):
    cls = _class(class_id)
    rows = [r for r in _visible_rows(cls) if r.status != "withdrawn"]
    return _download(spreadsheet.workbook(cls, rows), f"danh-sach-lop-{cls.id}.xlsx")


@bp.route("/<int:class_id>/import", methods=["GET", "POST"])
@requires(*MANAGERS)
def upload(class_id: int):
    _require_manager()
    cls = _class(class_id)
    form = RosterUploadForm()
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        file = request.files.get(form.file.name)
        limit = current_app.config["TRAINING_ROSTER_MAX_BYTES"]
        data = file.stream.read(limit + 1) if file else b""
        try:
            saved = spreadsheet.store(
                cls.id, file.filename if file else "", data, current_actor(), limit
            )
        except InvalidInput as exc:
            errors, status = apply_errors(form, exc.errors), 422
        else:
            return redirect(url_for("training.upload_plan", class_id=class_id, upload_id=saved))
    elif form.is_submitted():
        errors, status = apply_errors(form, {}), 400
    return render_template("training/import.html", cls=cls, form=form, errors=errors), status


@bp.route("/<int:class_id>/import/<int:upload_id>", methods=["GET", "POST"])
@requires(*MANAGERS)
def upload_plan(class_id: int, upload_id: int):
    _require_manager()
    cls = _class(class_id)
    actor = current_actor()
    try:
        saved = spreadsheet.get_upload(cls, upload_id, actor)
    except NotFound:
        abort(404)
    form = VersionForm()
    max_rows = current_app.config["TRAINING_CLASS_MAX_TRAINEES"]
    if form.validate_on_submit():
        try:
            done = spreadsheet.import_rows(class_id, upload_id, actor, max_rows)
        except InvalidInput as exc:
            flash(" ".join(exc.errors.values()) + " Chưa nhập gì.", "error")
        else:
            flash(
                f"Đã nhập: {vn_number(done.created)} người mới, thêm {vn_number(done.added)}, "
                f"cập nhật {vn_number(done.updated)}, bỏ qua {vn_number(done.skipped)} dòng có "
                "lỗi.",
                "success",
            )
            return redirect(url_for("training.detail", class_id=class_id))
    elif form.is_submitted():
        abort(400)
    plan = spreadsheet.check(cls, saved.data, actor, max_rows) if saved.data else None
    return render_template(
        "training/import_plan.html",
        cls=cls,
        saved=saved,
        plan=plan,
        form=form,
        actions=spreadsheet.ACTION_LABELS,
    )
