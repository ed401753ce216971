"""The organization tree: view it, and (department staff) edit it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from forms.base import apply_errors, options
from forms.orgs import OrganizationForm
from states.fields import parse_date
from states.spec import Role
from states.text import text_sort_key
from workflow import procedures
from workflow.clock import today
from workflow.extensions import db
from workflow.membership import members_on, places_on
from workflow.models import Case, Organization, Person
from workflow.models.orgs import CELL_KINDS, ORG_KINDS, in_tree_order
from workflow.models.people import MEMBER_STATUSES
from workflow.operations import transfers as transfer_ops
from workflow.operations.orgs import create_org, update_org
from workflow.orgs import history
from workflow.queries import visible_orgs
from workflow.store.errors import InvalidInput, NotFound
from workflow.web import current_actor, requires

bp = Blueprint("orgs", __name__, url_prefix="/orgs")

#: who a list "as of a day" names: the members (candidates have no place on it)
LISTED = ("official", "probationary")

VIEWERS = (
    Role.CELL_SECRETARY,
    Role.GRASSROOTS_STAFF,
    Role.DEPARTMENT_STAFF,
    Role.SIGNER,
    Role.INSPECTION,
    Role.ADMIN,
)
EDITORS = (Role.DEPARTMENT_STAFF, Role.ADMIN)
VIEW_ROLES = frozenset(VIEWERS)


def _counts() -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    for cell_id, status, n in db.session.execute(
        select(Person.cell_id, Person.member_status, func.count())
        .where(Person.presence == "active")
        .group_by(Person.cell_id, Person.member_status)
    ):
        counts.setdefault(cell_id, {})[status] = n
    return counts


@bp.route("/")
@requires(*VIEWERS)
def index():
    actor = current_actor()
    orgs = visible_orgs(actor, VIEW_ROLES)
    visible = {o.id for o in orgs}
    counts = _counts()
    totals: dict[int, dict[str, int]] = {}
    for o in orgs:
        for anc in o.ancestor_ids():
            for status, n in counts.get(o.id, {}).items():
                bucket = totals.setdefault(anc, {})
                bucket[status] = bucket.get(status, 0) + n
    roots = [o for o in orgs if o.parent_id is None or o.parent_id not in visible]
    return render_template(
        "orgs/index.html",
        roots=roots,
        visible=visible,
        totals=totals,
        can_edit=actor.has_role(*EDITORS),
    )


def _get(org_id: int) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None or org.id not in {o.id for o in visible_orgs(current_actor(), VIEW_ROLES)}:
        raise NotFound()
    return org


@bp.route("/<int:org_id>")
@requires(*VIEWERS)
def detail(org_id: int):
    org = _get(org_id)
    on, on_error, status_on = None, "", {}
    then, children_then = None, []
    if request.args.get("on"):
        try:
            on = parse_date(request.args["on"])
        except ValueError as exc:
            on_error = str(exc)
        else:
            if on > today():
                on, on_error = None, "Ngày không được sau ngày hôm nay."
    if on is not None:  # the organization as it was that day
        then = history.identity_on(org, on)
        children_then = sorted(
            (i for i in history.identities_on(on).values() if i.parent_id == org.id and i.active),
            key=lambda i: text_sort_key(i.name),
        )
    if on is not None and (then.kind in CELL_KINDS or not org.children):
        # the list as the records stood on that day
        members = members_on(org.path, on, statuses=LISTED)
        places = places_on([p.id for p in members], on)
        status_on = {pid: MEMBER_STATUSES[place["member_status"]] for pid, place in places.items()}
    elif on is not None:
        members = []
    else:  # today's list: the candidates and the members, not those who left the lists
        members = db.session.scalars(
            select(Person)
            .where(
                Person.cell_id == org.id,
                Person.presence == "active",
                Person.member_status != "removed",
            )
            .order_by(Person.sort_key, Person.id)
        ).all()
    open_cases = db.session.scalar(
        select(func.count(Case.id))
        .join(Organization, Organization.id == Case.cell_id)
        .where(Organization.path.startswith(org.path), Case.closed_at.is_(None))
    )
    return render_template(
        "orgs/detail.html",
        org=org,
        members=members,
        on=on,
        on_error=on_error,
        status_on=status_on,
        on_text=request.args.get("on", ""),
        then=then,
        children_then=children_then,
        parent_then=(
            history.identity_on(db.session.get(Organization, then.parent_id), on).name
            if then is not None and then.parent_id
            else history.upper_on(on).name
            if on is not None
            else ""
        ),
        hosted=transfer_ops.hosted_at(org),
        open_cases=open_cases,
        can_edit=current_actor().has_role(*EDITORS),
        opens=procedures.openable_at(current_actor(), org),
    )


def _form(org: Organization | None) -> OrganizationForm:
    form = OrganizationForm(obj=org if request.method == "GET" else None)
    form.kind.choices = options(ORG_KINDS.items())
    exclude = org.path if org else None
    parents = [
        o
        for o in in_tree_order(db.session.scalars(select(Organization)))
        if o.kind in ("grassroots_committee", "sub_committee")
        and not (exclude and o.path.startswith(exclude))
    ]
    form.parent_id.choices = options(
        ((o.id, f"{o.label} ({o.kind_label})") for o in parents),
        blank="— trực thuộc Đảng ủy cấp trên —",
    )
    if request.method == "GET" and org is not None:
        form.parent_id.data = str(org.parent_id or "")
        form.expected_version.data = str(org.version)
    return form


def _save(org: Organization | None):
    if not current_actor().has_role(*EDITORS) or (
        current_actor().scope_for(frozenset(EDITORS), None) is None
    ):
        abort(403)
    form = _form(org)
    errors: list[str] = []
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        raw = {
            k: form[k].data
            for k in (
                "code",
                "name",
                "kind",
                "parent_id",
                "authorized_to_admit",
                "abbreviation",
                "active",
            )
        }
        try:
            if org is None:
                saved_id = create_org(raw, actor=current_actor()).id
            else:
                update_org(
                    org.id,
                    raw,
                    actor=current_actor(),
                    expected_version=form.expected_version.data or "",
                )
                saved_id = org.id
        except InvalidInput as exc:
            errors = apply_errors(form, exc.errors)
            status = 409 if "_" in exc.errors else 422
        else:
            flash("Đã lưu tổ chức.", "success")
            return redirect(url_for("orgs.detail", org_id=saved_id))
    return render_template("orgs/edit.html", form=form, org=org, errors=errors), status


@bp.route("/new", methods=["GET", "POST"])
@requires(*EDITORS)
def new():
    return _save(None)


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@requires(*EDITORS)
def edit(org_id: int):
    return _save(_get(org_id))
