"""Cases: the list, a case's page, opening a case and firing its transitions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from forms.base import (
    ReauthTransitionForm,
    SubForm,
    TransitionForm,
    apply_errors,
    build_form,
    options,
    payload_of,
)
from forms.people import PersonForm
from states import REGISTRY, get_spec
from states.dates import vn_date
from states.rules import dossier_forms
from states.spec import Role
from states.text import clean_line
from workflow import procedures
from workflow.clock import today
from workflow.documents.service import find_draft
from workflow.engine import available_transitions, event_date_field, fire
from workflow.extensions import db
from workflow.field_choices import case_choices, field_choices, form_defaults
from workflow.ids import parse_count, parse_id
from workflow.membership import count_for, counted_fields
from workflow.models import Attachment, AuditEntry, Case
from workflow.operations import access_log
from workflow.operations import attachments as attachment_ops
from workflow.operations import cases as opening_ops
from workflow.paging import seek_page
from workflow.presenters import MEMBERSHIP_END_LABELS, TRANSFER_EFFECT_LABELS
from workflow.procedures.base import Subject
from workflow.queries import (
    CASE_LIST_KEYS,
    CaseFilter,
    case_query,
    get_case,
    get_person,
    open_deadlines,
    visible_orgs,
)
from workflow.store.errors import (
    GuardFailed,
    InvalidInput,
    PermissionDenied,
    ReauthFailed,
    StaleCase,
    TransitionNotAllowed,
)
from workflow.web import current_actor, requires
from workflow.workcalendar import load_calendar

bp = Blueprint("cases", __name__, url_prefix="/cases")

VIEWERS = (
    Role.CELL_SECRETARY,
    Role.GRASSROOTS_STAFF,
    Role.DEPARTMENT_STAFF,
    Role.SIGNER,
    Role.INSPECTION,
)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return parse_id(value)


@bp.route("/")
@requires(*VIEWERS)
def index():
    actor = current_actor()
    day = today()
    # a state is chosen within its procedure ("transfer:withdrawn"): keys repeat across them
    procedure, _, state = request.args.get("state", "").rpartition(":")
    procedure = procedure or request.args.get("procedure", "")
    if procedure in REGISTRY and state and state not in REGISTRY[procedure].states:
        state = ""
    f = CaseFilter(
        q=clean_line(request.args.get("q", ""))[:100],
        state=state if any(state in spec.states for spec in REGISTRY.values()) else "",
        org_id=_int_arg("org"),
        procedure=procedure if procedure in REGISTRY else "",
        status=request.args.get("status", "open")
        if request.args.get("status") in ("open", "closed", "all")
        else "open",
        overdue=request.args.get("overdue") == "1",
    )
    listing = seek_page(
        case_query(actor, f, day),
        CASE_LIST_KEYS,
        descending=True,
        after=request.args.get("after", ""),
        before=request.args.get("before", ""),
        per_page=25,
    )
    cases = listing.rows
    deadlines = open_deadlines([c.id for c in cases])
    calendar = load_calendar()
    lefts = {d.id: calendar.left(d, day) for ds in deadlines.values() for d in ds}
    return render_template(
        "cases/index.html",
        cases=cases,
        listing=listing,
        f=f,
        deadlines=deadlines,
        lefts=lefts,
        specs=REGISTRY,
        orgs=visible_orgs(actor),
    )


def _timeline(case: Case) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == "case", AuditEntry.subject_id == case.id)
            .order_by(AuditEntry.seq)
        )
    )


def _checklist(case: Case, scans: list[Attachment]):
    """Every paper of the case's dossier, by form code, with the date it was recorded and the
    scans attached to it."""
    forms = dossier_forms(case.procedure, today())
    scanned: dict[str, list[Attachment]] = {}
    for scan in scans:
        scanned.setdefault(scan.purpose, []).append(scan)
    held: dict[str, list[tuple]] = {}
    for item in case.documents:
        held.setdefault(item.purpose, []).append((item.received_on, item.note))
    plugin = procedures.get(case.procedure)
    held.update(plugin.papers(case) if plugin.papers else {})
    return [
        (purpose, code, title, held.get(purpose, []), scanned.get(purpose, []))
        for purpose, (code, title) in forms.items()
    ]


@bp.route("/<int:case_id>")
@requires(*VIEWERS)
def detail(case_id: int):
    actor = current_actor()
    case = access_log.read_case_file(case_id, actor)
    plugin = procedures.get(case.procedure)
    spec = plugin.spec
    calendar = load_calendar()
    day = today()
    # a held clock: what was left of it on the day it stopped
    deadlines = [
        (d, calendar.left(d, {"open": day, "held": d.held_on}.get(d.status, day)))
        for d in case.deadlines
    ]
    scans = attachment_ops.listed(case)
    return render_template(
        "cases/detail.html",
        case=case,
        spec=spec,
        actions=available_transitions(case, actor),
        timeline=_timeline(case),
        checklist=_checklist(case, scans),
        other_scans=[s for s in scans if s.purpose == attachment_ops.OTHER],
        uploaders=attachment_ops.uploader_names(scans),
        may_attach=attachment_ops.may_write(actor, case),
        deadlines=deadlines,
        field_labels=_field_labels(spec),
        page_template=plugin.page_template,
        **(plugin.page(case) if plugin.page else {}),
    )


def _field_labels(spec) -> dict[str, dict[str, str]]:
    """action → {payload key → label}, for reading the timeline."""
    labels: dict[str, dict[str, str]] = {
        "open": {"event_date": "Ngày", **{f.name: f.label for f in spec.open_fields}},
        "moved_with_member": TRANSFER_EFFECT_LABELS,
        "closed_by_transfer": TRANSFER_EFFECT_LABELS,
        "closed_membership_ended": MEMBERSHIP_END_LABELS,
    }
    for t in spec.transitions:
        labels.setdefault(
            t.trigger,
            {
                "event_date": t.event_label,
                **{f.name: f.label for f in t.fields},
                "decision_number": "Quyết định",
                "new_due_on": "Hạn mới",
            },
        )
    return labels


def _defaults(case: Case, fields) -> dict:
    """What a step's form starts with: today, the counts the records give, and the defaults
    the fields declare."""
    data: dict = {"event_date": vn_date(today())}
    for f in counted_fields(fields):
        data[f.name] = str(count_for(case, f.count_of, today()))
    data.update(form_defaults(case.procedure, fields, Subject(case=case)))
    return data


@bp.route("/<int:case_id>/do/<trigger>", methods=["GET", "POST"])
@requires(*VIEWERS)
def act(case_id: int, trigger: str):
    actor = current_actor()
    case = get_case(case_id, actor)
    spec = get_spec(case.procedure)
    variants = [t for t in spec.transitions_for(trigger) if case.state in t.sources]
    if not variants:
        if not spec.transitions_for(trigger):
            abort(404)
        flash("Thao tác này không còn thực hiện được ở trạng thái hiện tại của hồ sơ.", "warning")
        return redirect(url_for("cases.detail", case_id=case.id))
    t = variants[0]
    if actor.scope_for_step(t, case) is None:
        abort(403)
    fields = (event_date_field(t), *t.fields)
    form = build_form(
        fields,
        case_choices(case, t.fields),
        base=ReauthTransitionForm if t.reauth else TransitionForm,
        data=_defaults(case, fields) if request.method == "GET" else None,
    )
    draft = find_draft(case.id, t.preview) if t.preview else None
    if request.method == "GET":
        form.expected_version.data = str(case.version)
    available = next((a for a in available_transitions(case, actor) if a.trigger == trigger), None)
    errors: list[str] = []
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        version = parse_count(form.expected_version.data)
        if version is None:
            return _stale(case)
        try:
            result = fire(
                case.id,
                trigger,
                actor=actor,
                payload=payload_of(form, fields),
                expected_version=version,
                password=form.password.data if t.reauth else None,
            )
        except StaleCase:
            return _stale(case)
        except ReauthFailed as exc:
            form.password.errors = [exc.message]
            status = 422
        except InvalidInput as exc:
            errors, status = apply_errors(form, exc.errors), 422
        except GuardFailed as exc:
            errors = apply_errors(
                form, {v.field or f"_{i}": v.message for i, v in enumerate(exc.verdicts)}
            )
            status = 422
        except PermissionDenied:
            abort(403)
        except TransitionNotAllowed as exc:
            flash(exc.message, "warning")
            return redirect(url_for("cases.detail", case_id=case.id))
        else:
            flash(
                f"Đã ghi: {t.label}. Trạng thái hồ sơ: {spec.state_label(result.to_state)}.",
                "success",
            )
            return redirect(url_for("cases.detail", case_id=case.id))
        db.session.rollback()
        case = get_case(case_id, actor)
    return render_template(
        "cases/act.html",
        case=case,
        spec=spec,
        t=t,
        form=form,
        fields=fields,
        errors=errors,
        available=available,
        draft=draft,
    ), status


def _stale(case: Case):
    return render_template("errors/stale.html", case=case), 409


@bp.route("/open/<procedure>", methods=["GET", "POST"])
@requires(*VIEWERS)
def open_page(procedure: str):
    """Open a case of any procedure its opening allows the user to: for the person named by
    ``?person=`` or, with their record, for a new person (in the cell ``?org=`` names first)."""
    actor = current_actor()
    plugin = procedures.PROCEDURES.get(procedure)
    if plugin is None or plugin.opening is None:
        abort(404)
    opening = plugin.opening
    person = None
    if not opening.new_record:
        person = get_person(parse_id(request.args.get("person")) or 0, actor)
    if not opening.openable(person, actor):
        abort(403)
    fields = opening_ops.open_fields(plugin)
    extra_fields = (*opening.subject_fields, *fields)
    person_form = PersonForm() if opening.new_record else None
    cells = opening_ops.cells_to_open_in(plugin, actor) if opening.subject == "new_person" else []
    subject = Subject(person=person, cell=cells[0] if cells else None)
    if person_form is not None:
        person_form.cell_id.choices = options(((c.id, c.label) for c in cells), blank=None)
        if request.method == "GET" and request.args.get("org"):
            person_form.cell_id.data = request.args["org"]
    form = build_form(
        extra_fields,
        field_choices(plugin.key, extra_fields, subject),
        base=SubForm if person_form is not None else TransitionForm,
        data={
            "event_date": vn_date(today()),
            **form_defaults(plugin.key, extra_fields, subject),
            **({"destination_org": request.args["org"]} if request.args.get("org") else {}),
        }
        if request.method == "GET"
        else None,
    )
    main = person_form or form
    errors: list[str] = []
    status = 200
    if request.method == "POST" and main.validate_on_submit():
        ask = opening_ops.OpenRequest(
            plugin.key,
            payload_of(form, fields),
            person=person,
            particulars=person_form.person_data() if person_form else None,
            cell_id=parse_id(person_form.cell_id.data) if person_form else None,
            subject=payload_of(form, opening.subject_fields),
        )
        try:
            problems = opening_ops.check(ask, actor)
        except PermissionDenied:
            abort(403)
        held = person_form.hold_for_warnings(opening_ops.warnings(ask)) if person_form else False
        if not problems and not held:
            try:
                case_id = opening_ops.open_for(ask, actor).id
            except InvalidInput as exc:
                problems = exc.errors
            except PermissionDenied:
                abort(403)
            else:
                flash(opening.done, "success")
                return redirect(url_for("cases.detail", case_id=case_id))
        if problems:
            in_person = {k: v for k, v in problems.items() if person_form and k in person_form}
            if person_form is not None:
                apply_errors(person_form, in_person)
            errors = apply_errors(form, {k: v for k, v in problems.items() if k not in in_person})
            status = 422
    elif request.method == "POST":
        errors, status = ["Biểu mẫu đã hết hạn, vui lòng nhập lại."], 400
    return render_template(
        "cases/open.html",
        spec=plugin.spec,
        opening=opening,
        person=person,
        person_form=person_form,
        form=form,
        subject_fields=opening.subject_fields,
        fields=fields,
        errors=errors,
    ), status
