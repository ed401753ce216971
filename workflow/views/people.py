"""People: search, a person's page and editing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from forms.base import apply_errors
from forms.people import PersonForm
from states import REGISTRY
from states import cards as card_rules
from states import training as class_rules
from states.dates import vn_date
from states.spec import Role
from states.text import clean_line
from workflow import procedures
from workflow.badges.record import party_age_of
from workflow.clock import today
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.membership import departure
from workflow.models import Case, Certificate, HelperAssignment, MembershipGap
from workflow.models.people import MEMBER_STATUSES
from workflow.operations import cards as card_ops
from workflow.operations import people as person_ops
from workflow.operations import transfers as transfer_ops
from workflow.operations.people import name_warnings, update_person, validate_person
from workflow.paging import seek_page
from workflow.permissions import ROSTER_KEEPERS
from workflow.procedures.common import standing_of
from workflow.queries import (
    PEOPLE_LIST_KEYS,
    get_person,
    people_list_keys,
    person_query,
    visible_orgs,
)
from workflow.store.errors import InvalidInput, StaleRecord
from workflow.training import kinds as training_kinds
from workflow.training import operations as training_ops
from workflow.web import current_actor, requires

bp = Blueprint("people", __name__, url_prefix="/people")

VIEWERS = (
    Role.CELL_SECRETARY,
    Role.GRASSROOTS_STAFF,
    Role.DEPARTMENT_STAFF,
    Role.SIGNER,
    Role.INSPECTION,
)
EDITORS = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})


@bp.route("/")
@requires(*VIEWERS)
def index():
    actor = current_actor()
    q = clean_line(request.args.get("q", ""))[:100]
    status = request.args.get("status", "")
    status = status if status in MEMBER_STATUSES else ""
    org = request.args.get("org", "")
    org_id = parse_id(org)
    keys = people_list_keys(q)
    listing = seek_page(
        person_query(actor, q, status, org_id).order_by(None),
        keys,
        descending=False,
        after=request.args.get("after", ""),
        before=request.args.get("before", ""),
        per_page=25,
    )
    return render_template(
        "people/index.html",
        people=listing.rows,
        listing=listing,
        q=q,
        status=status,
        org_id=org_id,
        statuses=MEMBER_STATUSES,
        orgs=visible_orgs(actor),
        may_roster=actor.has_role(*ROSTER_KEEPERS),
        ranked=keys != PEOPLE_LIST_KEYS,
    )


@bp.route("/<int:person_id>")
@requires(*VIEWERS)
def detail(person_id: int):
    actor = current_actor()
    person = get_person(person_id, actor)
    cases = db.session.scalars(
        select(Case).where(Case.person_id == person.id).order_by(Case.id)
    ).all()
    certificates = db.session.scalars(
        select(Certificate)
        .where(Certificate.person_id == person.id)
        .order_by(Certificate.issued_on)
    ).all()
    helpers = db.session.scalars(
        select(HelperAssignment).where(HelperAssignment.person_id == person.id)
    ).all()
    can_edit = actor.scope_for(EDITORS, person.cell.path) is not None
    gaps = db.session.scalars(
        select(MembershipGap)
        .where(MembershipGap.person_id == person.id)
        .order_by(MembershipGap.start_on)
    ).all()
    party_age = None
    if person.member_status in ("official", "removed"):
        party_age = party_age_of(person, today())
    return render_template(
        "people/detail.html",
        person=person,
        cases=cases,
        specs=REGISTRY,
        certificates=certificates,
        classes=training_ops.history(person.id),
        class_kinds=training_kinds(),
        class_labels={
            "status": class_rules.ENROLLMENT_STATUSES,
            "result": class_rules.RESULT_LABELS,
        },
        helpers=helpers,
        can_edit=can_edit,
        gaps=gaps,
        #: the periods the department entered by hand (the others name the case that did)
        hand_gaps={(g.start_on, g.end_on) for g in gaps if g.case_id is None},
        party_age=party_age,
        cards=card_ops.cards_of(person.id),
        card_statuses=card_rules.STATUSES,
        card_kinds=card_rules.KINDS,
        can_report_loss=person.member_status == "official"
        and actor.scope_for(card_ops.CELL, person.cell.path) is not None,
        can_add_gap=actor.scope_for(frozenset({Role.DEPARTMENT_STAFF}), None) is not None,
        movements=transfer_ops.history(person),
        departure=departure(person),
        standing=_standing(person),
        notices=_notices(cases),
    )


def _notices(cases) -> list[tuple[Any, str]]:
    """What the member's open cases say beside their status (a procedure's ``notice``: "Mất
    liên lạc từ 01/02/2026"), each with its case."""
    out = []
    for case in cases:
        describe = procedures.get(case.procedure).notice
        if case.closed_at is None and describe is not None and (text := describe(case)):
            out.append((case, text))
    return out


def _standing(person) -> list[tuple[Any, str, list[tuple[str, Any]]]]:
    """The member's open cases that put their standing in question (a discipline considered
    or in effect, a suspension), each with what its procedure says of it (the form decided,
    the decision) and its open clocks (label, due date): when a discipline's effect ends,
    when a suspension runs out."""
    out = []
    for standing in standing_of(person.id):
        case = db.session.get(Case, standing.case_id)
        spec = REGISTRY[case.procedure]
        clocks = [
            (spec.deadlines[d.kind].label, d.due_on)
            for d in case.deadlines
            if d.status == "open" and d.kind in spec.deadlines
        ]
        describe = procedures.get(case.procedure).standing
        out.append((standing, describe(case) if describe else "", clocks))
    return out


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@requires(*EDITORS)
def edit(person_id: int):
    actor = current_actor()
    person = get_person(person_id, actor)
    if actor.scope_for(EDITORS, person.cell.path) is None:
        abort(403)
    form = PersonForm(obj=None if request.method == "POST" else person)
    del form.cell_id
    if request.method == "GET":
        form.birth_date.data = vn_date(person.birth_date)
        form.expected_version.data = str(person.version)
    errors: list[str] = []
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        if form.expected_version.data != str(person.version):
            return render_template("errors/stale_person.html", person=person), 409
        warnings = name_warnings(form.person_data(), previous=person.full_name)
        held = form.hold_for_warnings(warnings)
        try:
            if held:  # the errors, if any, come with the warning
                validate_person(form.person_data(), existing_id=person.id)
            else:
                update_person(
                    person_id,
                    form.person_data(),
                    actor=actor,
                    expected_version=form.expected_version.data or "",
                )
        except StaleRecord:
            return render_template("errors/stale_person.html", person=person), 409
        except InvalidInput as exc:
            errors = apply_errors(form, exc.errors)
            status = 422
        else:
            if not held:
                flash("Đã lưu thông tin.", "success")
                return redirect(url_for("people.detail", person_id=person_id))
    return render_template("people/edit.html", form=form, person=person, errors=errors), status


@bp.route("/<int:person_id>/gaps", methods=["POST"])
@requires(Role.DEPARTMENT_STAFF)
def add_gap(person_id: int):
    actor = current_actor()
    if actor.scope_for(frozenset({Role.DEPARTMENT_STAFF}), None) is None:
        abort(403)
    get_person(person_id, actor)
    try:
        person_ops.add_gap(person_id, request.form.to_dict(), actor=actor)
    except InvalidInput as exc:
        flash(" ".join(exc.errors.values()), "error")
    else:
        flash("Đã ghi khoảng thời gian không tính tuổi đảng.", "success")
    return redirect(url_for("people.detail", person_id=person_id))
