"""The organization tree through time: as of a day, the changes between two days (on a page
and printed), and (department staff) recording an event of the tree with its decision."""

from __future__ import annotations

from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import ColumnElement, or_, select, true

from states.discipline import ORG_FORMS
from states.fields import parse_date
from states.text import text_sort_key
from workflow.clock import today
from workflow.documents import render
from workflow.documents.service import download_name, pdf_bytes
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import CommitteePost, Decision, Organization, OrgEvent, Person
from workflow.models.orgs import ORG_KINDS, POSTS, in_tree_order
from workflow.orgs import history
from workflow.orgs.posts import held_on
from workflow.orgs.terms import terms_of
from workflow.paging import seek_page
from workflow.queries import visible_orgs
from workflow.reorganization import events as event_ops
from workflow.reorganization.decisions import signers_on
from workflow.store.errors import InvalidInput, NotFound
from workflow.views.orgs import EDITORS, VIEW_ROLES, VIEWERS
from workflow.web import current_actor, requires

bp = Blueprint("org_history", __name__, url_prefix="/orgs")

#: the form fields of each kind of event (besides the date and the signer)
FIELDS = {
    "establish": ("code", "name", "abbreviation", "kind", "parent_id", "members", "children"),
    "rename": ("org_id", "name", "abbreviation"),
    "upgrade": ("org_id", "name", "cell_code", "cell_name"),
    "downgrade": ("org_id", "name"),
    "merge": ("target_id", "sources", "name"),
    "split": ("org_id", "code", "name", "abbreviation", "members", "children"),
    "dissolve": ("org_id",),
    "move": ("org_id", "parent_id"),
    "hand_over": ("org_id", "receiver"),
    "succeed_upper": (
        "name",
        "abbreviation",
        "superior_name",
        "external_reference",
        "term_label",
        "working_rules",
    ),
    "record_term": ("committee", "term_label", "working_rules", "external_reference"),
    "approve_election": ("org_id", "term_label", "holders"),
    "relieve_post": ("post_id", "reason"),
    "upper_posts": ("holders", "external_reference"),
    "org_discipline": ("org_id", "org_form", "violation"),
}
#: fields holding several values
MULTI = ("members", "children", "sources")


def _day(name: str, default: date) -> tuple[date, str]:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default, ""
    try:
        day = parse_date(raw)
    except ValueError:
        return default, "Ngày không hợp lệ (nhập theo dạng ngày/tháng/năm)."
    if day > today():
        return default, "Ngày không được sau ngày hôm nay."
    return day, ""


def _visible_ids() -> set[int]:
    return {o.id for o in visible_orgs(current_actor(), VIEW_ROLES)}


def _events_seen() -> ColumnElement[bool]:
    """The tree events the user may read: all for those who see the whole committee; else
    those of the organizations they see (and the upper committee's own)."""
    actor = current_actor()
    if actor.sees_all(VIEW_ROLES):
        return true()
    seen = select(Organization.id).where(actor.visible_filter(Organization.path, VIEW_ROLES))
    return or_(OrgEvent.org_id.is_(None), OrgEvent.org_id.in_(seen), OrgEvent.target_id.in_(seen))


def _tree(day: date) -> list[history.TreeNode]:
    visible = _visible_ids()
    nodes = history.tree_on(day)
    return [n for n in nodes if n.identity.org_id in visible]


def _counts(day: date, nodes: list[history.TreeNode]) -> dict[int, int]:
    """Members on the lists on ``day`` per organization (its subtree)."""
    from workflow.reports import period

    totals = period.members_on(day + timedelta(days=1), history.parents_on(day), period.last_seq())
    return {n.identity.org_id: totals.get(n.identity.org_id, 0) for n in nodes}


def _listing_heading(day: date) -> dict:
    upper = history.upper_on(day)
    return {
        "superior": upper.superior_name,
        "committee": upper.name,
        "place": current_app.config["PLACE_NAME"],
        "long_date": render.long_date(today()),
    }


def _pdf(template: str, filename: str, **context) -> Response:
    html = render_template(template, **context)
    response = Response(render.html_to_pdf(html), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.route("/tree")
@requires(*VIEWERS)
def tree():
    day, error = _day("on", today())
    nodes = _tree(day)
    counts = _counts(day, nodes)
    upper = history.upper_on(day)
    if request.args.get("format") == "pdf":
        return _pdf(
            "pdf/org_tree.html",
            f"to-chuc-{day:%Y%m%d}.pdf",
            nodes=nodes,
            counts=counts,
            day=day,
            upper=upper,
            **_listing_heading(day),
        )
    return render_template(
        "orgs/tree.html", nodes=nodes, counts=counts, day=day, error=error, upper=upper
    )


def changes_between(start: date, end: date) -> dict:
    """What changed in the tree from the end of ``start`` to the end of ``end``: the events
    dated in between and, for each organization, its identity on both days where they differ."""
    visible = _visible_ids()
    before = history.identities_on(start)
    after = history.identities_on(end)
    names = {i: ident.name for i, ident in after.items()} | {
        i: ident.name for i, ident in before.items() if not after[i].active
    }
    rows = []
    for org_id, a in after.items():
        if org_id not in visible:
            continue
        b = before[org_id]
        what = []
        if a.active and not b.active:
            what.append("Thành lập")
        elif b.active and not a.active:
            what.append("Thôi hoạt động")
        elif a.active:
            if a.name != b.name:
                what.append(f"Đổi tên (trước: {b.name})")
            if a.kind != b.kind:
                what.append(f"{ORG_KINDS.get(b.kind, '')} → {ORG_KINDS.get(a.kind, '')}")
            if a.parent_id != b.parent_id:
                old = names.get(b.parent_id) if b.parent_id else history.upper_on(start).name
                new = names.get(a.parent_id) if a.parent_id else history.upper_on(end).name
                what.append(f"Chuyển trực thuộc: {old} → {new}")
        if what:
            rows.append({"name": a.name if a.active else b.name, "what": what, "id": org_id})
    rows.sort(key=lambda r: text_sort_key(r["name"]))
    events = db.session.scalars(
        select(OrgEvent)
        .where(OrgEvent.effective_on > start, OrgEvent.effective_on <= end, _events_seen())
        .order_by(OrgEvent.effective_on, OrgEvent.id)
        .limit(500)
    ).all()
    decisions = _decisions_of(events)
    upper_before, upper_after = history.upper_on(start), history.upper_on(end)
    return {
        "rows": rows,
        "events": [
            {
                "event": e,
                "label": event_ops.EVENT_KINDS[e.kind],
                "decision": decisions.get(e.decision_id),
                "facts": event_ops.facts_of(e),
            }
            for e in events
        ],
        "upper_changed": upper_before.name != upper_after.name,
        "upper_before": upper_before,
        "upper_after": upper_after,
    }


def _decisions_of(events) -> dict[int, Decision]:
    ids = [e.decision_id for e in events if e.decision_id]
    return {d.id: d for d in db.session.scalars(select(Decision).where(Decision.id.in_(ids)))}


@bp.route("/changes")
@requires(*VIEWERS)
def changes():
    end, error_end = _day("to", today())
    start, error_start = _day("from", date(end.year, 1, 1) - timedelta(days=1))
    error = error_start or error_end
    if start > end:
        start, error = end, "Ngày đầu không được sau ngày cuối."
    data = changes_between(start, end)
    if request.args.get("format") == "pdf":
        return _pdf(
            "pdf/org_changes.html",
            f"thay-doi-to-chuc-{start:%Y%m%d}-{end:%Y%m%d}.pdf",
            start=start,
            end=end,
            **data,
            **_listing_heading(end),
        )
    return render_template(
        "orgs/changes.html",
        start=start,
        end=end,
        error=error,
        can_edit=current_actor().has_role(*EDITORS),
        **data,
    )


def _form_data() -> dict:
    data = {k: v for k, v in request.form.items() if k not in MULTI}
    data["kind"] = request.form.get("kind_of_org", "")  # the new organization's kind
    for key in MULTI:
        data[key] = request.form.getlist(key)
    return data


def _choices(kind: str, day: date | None) -> dict:
    orgs = in_tree_order(db.session.scalars(select(Organization).where(Organization.active)))
    source_id = request.values.get("org_id") or request.values.get("from_org")
    members = []
    if kind in ("establish", "split") and source_id:
        members = db.session.scalars(
            select(Person)
            .where(
                Person.cell_id == (parse_id(source_id) or 0),
                Person.presence == "active",
                Person.member_status.in_(("official", "probationary")),
            )
            .order_by(Person.sort_key, Person.id)
            .limit(500)
        ).all()
    held = []
    if kind == "relieve_post":
        held = db.session.scalars(
            select(CommitteePost)
            .where(CommitteePost.org_id.is_not(None), CommitteePost.valid_to.is_(None))
            .order_by(CommitteePost.org_id, CommitteePost.post, CommitteePost.id)
            .limit(500)
        ).all()
    names = {o.id: o.name for o in orgs}
    return {
        "orgs": orgs,
        "committees": [o for o in orgs if not o.is_cell],
        "members": members,
        "held": [(p, names.get(p.org_id, "")) for p in held],
        "posts": POSTS,
        "signers": signers_on(day or today()),
    }


@bp.route("/events/new", methods=["GET", "POST"])
@requires(*EDITORS)
def new_event():
    kind = request.values.get("kind", "merge")
    if kind not in event_ops.EVENT_KINDS:
        raise NotFound()
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            event = event_ops.record(kind, _form_data(), actor=current_actor())
        except InvalidInput as exc:
            errors, status = exc.errors, 422
        else:
            flash("Đã ghi sự kiện tổ chức và ban hành quyết định.", "success")
            return redirect(url_for("org_history.event", event_id=event.id))
    try:
        day = parse_date(request.values.get("effective_on") or today())
    except ValueError:
        day = today()
    return (
        render_template(
            "orgs/event_new.html",
            kind=kind,
            kinds=event_ops.EVENT_KINDS,
            fields=FIELDS[kind],
            numbered=kind in event_ops.NUMBERED,
            org_kinds=ORG_KINDS,
            org_forms=ORG_FORMS,
            values=request.form if request.method == "POST" else request.args,
            errors=errors,
            **_choices(kind, day),
        ),
        status,
    )


@bp.route("/events")
@requires(*VIEWERS)
def events():
    listing = seek_page(
        select(OrgEvent).where(_events_seen()),
        (OrgEvent.effective_on, OrgEvent.id),
        descending=True,
        after=request.args.get("after", ""),
        before=request.args.get("before", ""),
        per_page=50,
    )
    return render_template(
        "orgs/events.html",
        listing=listing,
        decisions=_decisions_of(listing.rows),
        kinds=event_ops.EVENT_KINDS,
        can_edit=current_actor().has_role(*EDITORS),
    )


def _event(event_id: int) -> OrgEvent:
    event = db.session.scalar(select(OrgEvent).where(OrgEvent.id == event_id, _events_seen()))
    if event is None:
        raise NotFound()
    return event


@bp.route("/events/<int:event_id>")
@requires(*VIEWERS)
def event(event_id: int):
    e = _event(event_id)
    decision = db.session.get(Decision, e.decision_id) if e.decision_id else None
    return render_template(
        "orgs/event.html",
        event=e,
        label=event_ops.EVENT_KINDS[e.kind],
        facts=event_ops.facts_of(e),
        decision=decision,
        since=e.effective_on - timedelta(days=1),
    )


@bp.route("/events/<int:event_id>/decision.pdf")
@requires(*VIEWERS)
def decision_pdf(event_id: int):
    e = _event(event_id)
    decision = db.session.get(Decision, e.decision_id) if e.decision_id else None
    if decision is None:
        raise NotFound()
    response = Response(pdf_bytes(decision), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{download_name(decision)}"'
    return response


@bp.route("/committee")
@requires(*VIEWERS)
def committee():
    """A committee's terms and who held its posts on a day (blank: the upper committee)."""
    day, error = _day("on", today())
    org_id = parse_id(request.args.get("org") or "")
    org = None
    if org_id:
        org = db.session.get(Organization, org_id)
        if org is None or org.id not in _visible_ids():
            raise NotFound()
    name = history.identity_on(org, day).name if org else history.upper_on(day).name
    return render_template(
        "orgs/committee.html",
        org=org,
        name=name,
        day=day,
        error=error,
        held=held_on(org.id if org else None, day),
        terms=terms_of(org.id if org else None),
        can_edit=current_actor().has_role(*EDITORS),
    )
