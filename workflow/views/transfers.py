"""Transfer pages: each side's lists, opening a transfer, and registering an incoming letter."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from forms.base import SubForm, apply_errors, build_form, options, payload_of
from forms.people import PersonForm
from states import get_spec
from states.dates import vn_date
from states.fields import Field, PayloadInvalid, parse_payload
from states.spec import Role
from workflow.clock import today
from workflow.engine import open_case
from workflow.field_choices import field_choices
from workflow.ids import parse_id
from workflow.models.people import MEMBER_STATUSES
from workflow.operations import letter_register
from workflow.operations import transfers as transfer_ops
from workflow.operations.people import name_warnings, validate_person
from workflow.permissions import CASE_VIEW_ROLES, REPORT_READERS
from workflow.procedures.base import Subject
from workflow.queries import get_person, visible_orgs
from workflow.store.errors import InvalidInput, PermissionDenied
from workflow.store.uow import unit_of_work
from workflow.web import current_actor, requires

bp = Blueprint("transfers", __name__, url_prefix="/transfers")

OPENERS = (Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF)
PROCEDURES = {
    "official": "transfer",
    "temporary": "temporary_transfer",
    "internal": "internal_transfer",
}
MEMBERSHIP_FIELDS = (
    Field(
        "member_status",
        "Đảng viên",
        "choice",
        choices=tuple(
            (k, v) for k, v in MEMBER_STATUSES.items() if k in ("official", "probationary")
        ),
    ),
    Field("joined_on", "Ngày vào Đảng", "date"),
    Field("admission_decision_on", "Ngày ký quyết định kết nạp", "date", required=False),
    Field("official_on", "Ngày chính thức", "date", required=False),
)


def _choices(procedure: str, fields, person=None) -> dict[str, list[tuple[str, str]]]:
    return field_choices(procedure, fields, Subject(person=person))


@bp.route("/")
@requires(*CASE_VIEW_ROLES)
def index():
    actor = current_actor()
    orgs = visible_orgs(actor)
    org_id = parse_id(request.args.get("org", ""))
    org = next((o for o in orgs if o.id == org_id), None)
    return render_template(
        "transfers/index.html",
        lists=transfer_ops.lists(actor, org, today()),
        orgs=orgs,
        org_id=org.id if org else None,
        may_register=actor.has_role(Role.DEPARTMENT_STAFF),
        may_read_register=bool(letter_register.registers_for(actor)),
    )


@bp.route("/register")
@requires(*REPORT_READERS)
def register():
    """The register of introduction letters (Mẫu 10-SHĐ) of one year, on the page or printed."""
    actor = current_actor()
    books = letter_register.registers_for(actor)
    if not books:
        abort(403)
    book = request.args.get("book") or books[0][0]
    if book not in dict(books):
        abort(404)
    this_year = today().year
    raw_year = request.args.get("year", "")
    year = int(raw_year) if raw_year.isascii() and raw_year.isdigit() else this_year
    if not 2000 <= year <= this_year:
        year = this_year
    reg = letter_register.build(book, year)
    if request.args.get("format") == "pdf":
        from workflow.documents.render import html_to_pdf

        pdf = html_to_pdf(letter_register.to_html(reg))
        response = Response(pdf, mimetype="application/pdf")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="so-gioi-thieu-sinh-hoat-dang-{year}.pdf"'
        )
        return response
    return render_template(
        "transfers/register.html",
        reg=reg,
        books=books,
        years=range(this_year, max(2000, this_year - 10) - 1, -1),
    )


@bp.route("/new/<any(official,temporary,internal):kind>/<int:person_id>", methods=["GET", "POST"])
@requires(*OPENERS)
def new(kind: str, person_id: int):
    actor = current_actor()
    person = get_person(person_id, actor)
    spec = get_spec(PROCEDURES[kind])
    if actor.scope_for(spec.open_roles, person.cell.path) is None:
        abort(403)
    fields = (Field("event_date", spec.open_event_label, "date"), *spec.open_fields)
    form = build_form(
        fields,
        _choices(spec.key, fields, person),
        data={"event_date": vn_date(today())} if request.method == "GET" else None,
    )
    errors: list[str] = []
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            with unit_of_work():
                person = get_person(person_id, actor)
                case = open_case(
                    spec.key, person=person, actor=actor, payload=payload_of(form, fields)
                )
                case_id = case.id
        except InvalidInput as exc:
            errors = apply_errors(form, exc.errors)
            status = 422
        except PermissionDenied:
            abort(403)
        else:
            flash("Đã ghi đề nghị chuyển sinh hoạt đảng.", "success")
            return redirect(url_for("cases.detail", case_id=case_id))
    elif request.method == "POST":
        errors, status = ["Biểu mẫu đã hết hạn, vui lòng nhập lại."], 400
    return render_template(
        "transfers/new.html", form=form, fields=fields, person=person, spec=spec, errors=errors
    ), status


@bp.route("/incoming", methods=["GET", "POST"])
@requires(Role.DEPARTMENT_STAFF)
def incoming():
    """Register a letter introducing a member from outside the committee."""
    actor = current_actor()
    spec = get_spec("transfer_in")
    letter_fields = (Field("event_date", spec.open_event_label, "date"), *spec.open_fields)
    form = PersonForm()
    form.cell_id.choices = options([("0", "—")], blank=None)
    form.cell_id.data = "0"
    extra = build_form(
        (*MEMBERSHIP_FIELDS, *letter_fields),
        _choices(spec.key, letter_fields),
        base=SubForm,
        data={"event_date": vn_date(today())} if request.method == "GET" else None,
    )
    errors: list[str] = []
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        problems: dict[str, str] = {}
        membership: dict = {}
        try:
            validate_person(form.person_data())
        except InvalidInput as exc:
            problems.update(exc.errors)
        try:
            membership = parse_payload(
                MEMBERSHIP_FIELDS, payload_of(extra, MEMBERSHIP_FIELDS), today()
            )
        except PayloadInvalid as exc:
            problems.update(exc.errors)
        held = form.hold_for_warnings(name_warnings(form.person_data()))
        if not problems and not held:
            try:
                with unit_of_work():
                    case_id = transfer_ops.register_incoming(
                        form.person_data(),
                        membership,
                        payload_of(extra, letter_fields),
                        actor=actor,
                    ).id
            except InvalidInput as exc:
                problems = exc.errors
            else:
                flash("Đã vào sổ giấy giới thiệu đến.", "success")
                return redirect(url_for("cases.detail", case_id=case_id))
        if problems:
            apply_errors(form, {k: v for k, v in problems.items() if k in form})
            errors = apply_errors(extra, {k: v for k, v in problems.items() if k not in form})
            status = 422
    elif request.method == "POST":
        errors, status = ["Biểu mẫu đã hết hạn, vui lòng nhập lại."], 400
    return render_template(
        "transfers/incoming.html",
        form=form,
        extra=extra,
        membership_fields=MEMBERSHIP_FIELDS,
        letter_fields=letter_fields,
        errors=errors,
    ), status
