"""Documents: preview, download, a meeting's batch approval and printing, verification."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import Select, and_, func, or_, select

from states import REGISTRY
from states.fields import Field, PayloadInvalid, parse_date, parse_payload
from states.rules import rules_on
from states.spec import Role, TransitionSpec
from states.text import clean_text
from workflow.auth import confirm_password
from workflow.clock import today
from workflow.documents import batch, render, service
from workflow.documents.kinds import ORG_DECISION
from workflow.engine import available_transitions, fire
from workflow.extensions import db
from workflow.ids import parse_count, parse_id
from workflow.models import AuditEntry, Case, Decision, Organization, OrgEvent, PrintJob, Vote
from workflow.paging import capped_count, seek_page
from workflow.permissions import CASE_VIEW_ROLES
from workflow.procedures import DOCUMENT_KINDS as KINDS
from workflow.queries import CaseFilter, case_query, in_scope
from workflow.store import files
from workflow.store.errors import (
    EngineError,
    GuardFailed,
    InvalidInput,
    NotFound,
    ReauthFailed,
    StaleCase,
)
from workflow.web import current_actor, public, requires

bp = Blueprint("documents", __name__, url_prefix="/documents")
verify_bp = Blueprint("verify", __name__)

VIEWERS = tuple(CASE_VIEW_ROLES)


@bp.app_template_global("case_decisions")
def case_decisions(case_id: int) -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision).where(Decision.case_id == case_id).order_by(Decision.id)
        )
    )


@bp.app_template_global("superseding")
def superseding(docs: list[Decision]) -> dict[int, Decision]:
    """decision id → the issued decision that annuls or replaces it."""
    return service.superseding([d.id for d in docs])


SIGNERS = frozenset({Role.SIGNER})


def get_decision(decision_id: int) -> Decision:
    """A decision the user may see: the case it belongs to is in their scope."""
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.case_id is None:
        raise NotFound()
    case = db.session.get(Case, decision.case_id)
    if not current_actor().can_view_case(case):
        raise NotFound()
    return decision


def _pdf_response(data: bytes, name: str, *, inline: bool) -> Response:
    response = Response(data, mimetype="application/pdf")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    if inline:  # shown inside our own page for review
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


#: documents on one page of the list
DOCUMENTS_PER_PAGE = 50
#: how far back the list of signing days reaches
MEETING_DAYS = 365
STATUSES = {"issued": "Đã ban hành", "draft": "Dự thảo"}


def visible_decisions(actor) -> Select:
    """The decisions of the cases the actor may see (the holding side or a transfer's
    receiving side), as a statement to filter and order."""
    stmt = select(Decision).where(Decision.case_id.is_not(None))
    if actor.sees_all():
        return stmt
    return (
        stmt.join(Case, Case.id == Decision.case_id)
        .join(Organization, Organization.id == Case.cell_id)
        .where(in_scope(actor))
    )


def listed_decisions(actor) -> Select:
    """The list's decisions: those of the cases the actor may see and, for those who see the
    whole committee, the upper committee's decisions on its organizations (each opens on its
    tree event's page)."""
    if not actor.sees_all():
        return visible_decisions(actor)
    return select(Decision).where(
        or_(Decision.case_id.is_not(None), Decision.kind == ORG_DECISION.key)
    )


@bp.route("/")
@requires(*VIEWERS)
def index():
    actor = current_actor()
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    status = request.args.get("status", "issued")
    status = status if status in STATUSES else "issued"
    year = parse_count(request.args.get("year", ""))
    year = year if year and 1990 <= year <= today().year + 1 else None
    stmt = listed_decisions(actor).where(Decision.status == status)
    if kind:
        stmt = stmt.where(Decision.kind == kind)
    if status == "issued":
        if year:
            stmt = stmt.where(
                Decision.decided_on >= date(year, 1, 1), Decision.decided_on <= date(year, 12, 31)
            )
        keys = (Decision.decided_on, Decision.id)
    else:
        keys = (Decision.id,)
    listing = seek_page(
        stmt,
        keys,
        descending=True,
        after=request.args.get("after", ""),
        before=request.args.get("before", ""),
        per_page=DOCUMENTS_PER_PAGE,
    )
    since = today() - timedelta(days=MEETING_DAYS)
    issued = visible_decisions(actor).where(
        Decision.status == "issued", Decision.decided_on >= since
    )
    meetings = db.session.execute(
        issued.with_only_columns(
            Decision.issuer, Decision.issuer_abbr, Decision.decided_on, func.count()
        )
        .group_by(Decision.issuer, Decision.issuer_abbr, Decision.decided_on)
        .order_by(Decision.decided_on.desc())
        .limit(30)
    ).all()
    drafts, drafts_capped = capped_count(visible_decisions(actor).where(Decision.status == "draft"))
    return render_template(
        "documents/index.html",
        decisions=listing.rows,
        listing=listing,
        meetings=meetings,
        kinds=KINDS,
        kind=kind,
        status=status,
        statuses=STATUSES,
        year=year,
        drafts=drafts,
        drafts_capped=drafts_capped,
        meeting_days=MEETING_DAYS,
        can_sign=actor.has_role(Role.SIGNER),
    )


@bp.route("/<int:decision_id>")
@requires(*VIEWERS)
def detail(decision_id: int):
    event_id = db.session.scalar(
        select(OrgEvent.id)
        .join(Decision, Decision.id == OrgEvent.decision_id)
        .where(Decision.id == decision_id, Decision.kind == ORG_DECISION.key)
    )
    if event_id is not None:  # an organization's decision is read with its tree event
        return redirect(url_for("org_history.event", event_id=event_id))
    decision = get_decision(decision_id)
    corrected = db.session.get(Decision, decision.corrects_id) if decision.corrects_id else None
    corrections = db.session.scalars(
        select(Decision).where(Decision.corrects_id == decision.id)
    ).all()
    trail = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.subject_type == "decision", AuditEntry.subject_id == decision.id)
        .order_by(AuditEntry.seq)
    ).all()
    return render_template(
        "documents/detail.html",
        d=decision,
        kind=KINDS[decision.kind],
        corrected=corrected,
        corrections=corrections,
        trail=trail,
        snapshot=json.loads(decision.snapshot or "{}"),
    )


def issuer_scope(decision: Decision, roles: frozenset[Role], *, exact: bool):
    """The actor's grant over the body that issued (or will issue) ``decision``."""
    if decision.issuer in ("upper", "inspection"):
        return current_actor().scope_for(roles, None)
    org = db.session.get(Organization, int(decision.issuer.removeprefix("org:")))
    return current_actor().scope_for(roles, org.path, exact) if org else None


@bp.route("/<int:decision_id>/correct", methods=["POST"])
@requires(Role.DEPARTMENT_STAFF, Role.GRASSROOTS_STAFF)
def correct(decision_id: int):
    """Draft the decision that replaces or annuls an issued one (it is never edited)."""
    decision = get_decision(decision_id)
    roles = frozenset({Role.DEPARTMENT_STAFF, Role.GRASSROOTS_STAFF})
    if not decision.is_issued or issuer_scope(decision, roles, exact=False) is None:
        abort(403)
    how = request.form.get("how", "")
    reason = clean_text(request.form.get("reason", ""))[:1000]
    if how not in ("replace", "annul") or not reason:
        flash("Chọn thay thế hay hủy bỏ và ghi rõ lý do.", "error")
        return redirect(url_for("documents.detail", decision_id=decision_id))
    draft_id = service.draft_correction(
        decision_id, KINDS[decision.kind], how=how, reason=reason, actor=current_actor()
    )
    flash("Đã soạn dự thảo; người có thẩm quyền ký duyệt trên trang dự thảo.", "success")
    return redirect(url_for("documents.detail", decision_id=draft_id))


@bp.route("/<int:decision_id>/sign", methods=["POST"])
@requires(Role.SIGNER)
def sign(decision_id: int):
    """Sign a drafted correction, after entering the password again."""
    decision = get_decision(decision_id)
    scope = issuer_scope(decision, SIGNERS, exact=True)
    if decision.is_issued or decision.corrects_id is None or scope is None:
        abort(403)
    try:
        confirm_password(current_actor(), request.form.get("password", ""))
    except ReauthFailed as exc:
        flash(exc.message, "error")
        return redirect(url_for("documents.detail", decision_id=decision_id))
    try:
        decided_on = parse_date(request.form.get("decided_on", ""))
        if decided_on > today():
            raise ValueError("Ngày ký không được sau ngày hôm nay.")
        service.issue_correction(
            decision_id,
            KINDS[decision.kind],
            actor=current_actor(),
            scope=scope,
            decided_on=decided_on,
        )
    except (ValueError, service.DocumentError, EngineError) as exc:
        flash(str(exc), "error")
        return redirect(url_for("documents.detail", decision_id=decision_id))
    flash("Đã ký và ban hành quyết định.", "success")
    return redirect(url_for("documents.detail", decision_id=decision_id))


@bp.route("/<int:decision_id>/preview.pdf")
@requires(*VIEWERS)
def preview(decision_id: int):
    """Issued: the stored file. Draft: rendered now, marked DỰ THẢO, never stored."""
    decision = get_decision(decision_id)
    if decision.is_issued:
        return _pdf_response(
            service.pdf_bytes(decision), service.download_name(decision), inline=True
        )
    scope = issuer_scope(decision, SIGNERS, exact=True)
    kind = KINDS[decision.kind]
    doc = service.preview_snapshot(decision, kind, current_actor(), rules_on(today()), scope)
    pdf = render.html_to_pdf(render.render_html(kind, doc, draft=True))
    return _pdf_response(pdf, service.download_name(decision), inline=True)


@bp.route("/<int:decision_id>/download.pdf")
@requires(*VIEWERS)
def download(decision_id: int):
    decision = get_decision(decision_id)
    if not decision.is_issued:
        abort(404)
    return _pdf_response(service.pdf_bytes(decision), service.download_name(decision), inline=False)


# --- a meeting's decisions: approve them together, print them together --------------------


@dataclass(frozen=True)
class Pending:
    """A case whose next step is decided at the standing committee's meeting."""

    case: Case
    step: TransitionSpec
    draft: Decision | None
    #: why the signer cannot take it (empty: they can)
    reasons: tuple[str, ...]


def _meeting_states() -> list[tuple[str, str]]:
    return sorted(
        {
            (spec.key, state)
            for spec in REGISTRY.values()
            for t in spec.transitions
            if t.meeting
            for state in t.sources
        }
    )


def _pending_approvals(actor) -> list[Pending]:
    """Every case in the actor's scope waiting for a decision of the standing committee's
    meeting, whatever the procedure, with the draft the signer reviews."""
    pairs = _meeting_states()
    if not pairs:
        return []
    stmt = case_query(actor, CaseFilter(status="open"), today()).where(
        or_(*(and_(Case.procedure == p, Case._state == s) for p, s in pairs))
    )
    out = []
    for case in db.session.scalars(stmt.order_by(Case.id)).unique():
        spec = REGISTRY[case.procedure]
        for action in available_transitions(case, actor):
            step = spec.transitions_for(action.trigger)[0]
            if step.meeting:
                draft = service.find_draft(case.id, step.preview) if step.preview else None
                out.append(Pending(case, step, draft, action.reasons))
    return out


def _last_standing_vote() -> Vote | None:
    return db.session.scalars(
        select(Vote).where(Vote.body == "standing").order_by(Vote.id.desc()).limit(1)
    ).first()


@bp.route("/approve", methods=["GET", "POST"])
@requires(Role.SIGNER)
def approve():
    """The signer records one standing-committee meeting (date, members, those present) and
    signs the decisions it took, of every kind, after entering their password again. Each
    decision is its own transaction: one refusal does not undo the others."""
    actor = current_actor()
    if actor.scope_for(SIGNERS, None) is None:
        abort(403)
    pending = _pending_approvals(actor)
    errors: list[str] = []
    results: list[tuple[Case, str]] = []
    status = 200
    form = request.form if request.method == "POST" else {}
    last = _last_standing_vote()
    meeting = {
        "meeting_on": form.get("meeting_on", today().strftime("%d/%m/%Y")),
        "members_total": form.get("members_total", str(last.official_total) if last else ""),
        "members_present": form.get("members_present", str(last.present or "") if last else ""),
    }
    if request.method == "POST":
        chosen = {n for n in map(parse_id, request.form.getlist("case")) if n}
        try:
            parsed = parse_payload(MEETING_FIELDS, meeting, today())
        except PayloadInvalid as exc:
            errors += [
                f"{label}: {exc.errors[name]}" for name, label in _labels() if name in exc.errors
            ]
            parsed = None
        password = request.form.get("password", "")
        if not chosen:
            errors.append("Chưa chọn quyết định nào.")
        if not errors:  # the password once for the meeting: one failure counted, not one each
            try:
                confirm_password(actor, password)
            except ReauthFailed as exc:
                errors.append(exc.message)
        if errors:
            status = 422
        else:
            meeting_on = parsed["meeting_on"]
            for item in [p for p in pending if p.case.id in chosen]:
                results.append(
                    (item.case, _approve_one(item, actor, parsed, request.form, password))
                )
            ok = sum(1 for _, r in results if r == "")
            flash(
                f"Đã ký duyệt {ok}/{len(results)} quyết định họp ngày {meeting_on:%d/%m/%Y}.",
                "success" if ok == len(results) else "warning",
            )
            if ok == len(results):
                return redirect(
                    url_for("documents.meeting", issuer="upper", day=meeting_on.isoformat())
                )
            pending = _pending_approvals(actor)
            status = 422
    return render_template(
        "documents/approve.html",
        pending=pending,
        errors=errors,
        results=results,
        meeting=meeting,
        kinds=KINDS,
        form=form,
        chosen={n for n in map(parse_id, form.getlist("case")) if n} if form else set(),
    ), status


#: what the meeting page asks once for all the decisions of the meeting
MEETING_FIELDS = (
    Field("meeting_on", "Ngày họp Ban Thường vụ (ngày ký quyết định)", "date"),
    Field("members_total", "Tổng số ủy viên Ban Thường vụ", "int", min=1, max=200),
    Field("members_present", "Số ủy viên dự họp", "int", min=1, max=200),
)


def _labels() -> list[tuple[str, str]]:
    return [(f.name, f.label) for f in MEETING_FIELDS]


def _approve_one(item: Pending, actor, meeting: dict, form, password: str) -> str:
    """Sign one decision of the meeting with its own vote (blank: everyone present agreed)."""
    case = item.case
    version = parse_count(form.get(f"version-{case.id}", ""))
    yes, no = form.get(f"yes-{case.id}", "").strip(), form.get(f"no-{case.id}", "").strip()
    payload = {
        "event_date": meeting["meeting_on"],
        "members_total": meeting["members_total"],
        "members_present": meeting["members_present"],
        "yes": yes or meeting["members_present"],
        "no": no or 0,
    }
    try:
        fire(
            case.id,
            item.step.trigger,
            actor=actor,
            payload=payload,
            expected_version=-1 if version is None else version,
            password=password,
        )
    except GuardFailed as exc:
        return "; ".join(v.message for v in exc.verdicts)
    except InvalidInput as exc:
        return "; ".join(exc.errors.values())
    except (StaleCase, EngineError) as exc:
        return exc.message
    return ""


@bp.route("/meetings/<issuer>/<day>")
@requires(*VIEWERS)
def meeting(issuer: str, day: str):
    try:
        meeting_on = date.fromisoformat(day)
    except ValueError:
        abort(404)
    actor = current_actor()
    held = batch.meeting_decisions(issuer, meeting_on)
    visible = set(
        db.session.scalars(
            visible_decisions(actor)
            .where(Decision.id.in_([d.id for d in held]))
            .with_only_columns(Decision.id)
        )
    )
    decisions = [d for d in held if d.id in visible]
    if not decisions:
        abort(404)
    jobs = db.session.scalars(
        select(PrintJob)
        .where(PrintJob.issuer == issuer, PrintJob.meeting_on == meeting_on)
        .order_by(PrintJob.id.desc())
        .limit(5)
    ).all()
    return render_template(
        "documents/meeting.html",
        decisions=decisions,
        issuer=issuer,
        meeting_on=meeting_on,
        jobs=jobs,
        kinds=KINDS,
        can_print=_may_print(issuer),
    )


def _may_print(issuer: str) -> bool:
    """Printing a whole meeting belongs to the body's signers and the department."""
    actor = current_actor()
    roles = frozenset({Role.SIGNER, Role.DEPARTMENT_STAFF})
    if issuer in ("upper", "inspection"):
        return actor.scope_for(roles, None) is not None
    org_id = parse_id(issuer.removeprefix("org:")) if issuer.startswith("org:") else None
    org = db.session.get(Organization, org_id) if org_id else None
    return org is not None and actor.scope_for(roles, org.path) is not None


@bp.route("/meetings/<issuer>/<day>/print", methods=["POST"])
@requires(Role.SIGNER, Role.DEPARTMENT_STAFF)
def print_meeting(issuer: str, day: str):
    try:
        meeting_on = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if not _may_print(issuer) or not batch.meeting_decisions(issuer, meeting_on):
        abort(404)
    # one job per meeting at a time: while one is printing, this shows it
    job_id = batch.create_job(current_user.id, issuer, meeting_on)
    return redirect(url_for("documents.job", job_id=job_id))


def _get_job(job_id: int) -> PrintJob:
    """A print job, for the user who asked for it and whoever else may print that meeting
    (who would be shown it on asking to print the meeting again)."""
    job = db.session.get(PrintJob, job_id)
    if job is None or job.kind != "meeting":
        raise NotFound()  # other batches are shown by the module that prints them
    if job.user_id != current_user.id and not _may_print(job.issuer):
        raise NotFound()
    return job


@bp.route("/jobs/<int:job_id>")
@requires(Role.SIGNER, Role.DEPARTMENT_STAFF)
def job(job_id: int):
    return render_template("documents/job.html", job=_get_job(job_id))


@bp.route("/jobs/<int:job_id>/<which>")
@requires(Role.SIGNER, Role.DEPARTMENT_STAFF)
def job_download(job_id: int, which: str):
    job = _get_job(job_id)
    if which not in ("combined.pdf", "decisions.zip") or job.status != "done":
        abort(404)
    key = batch.job_file(job, "pdf" if which.endswith(".pdf") else "zip")
    stored = files.stat(key) if key else None
    if stored is None:
        abort(404)
    name = f"quyet-dinh-{job.meeting_on.isoformat()}.{which.rsplit('.', 1)[1]}"
    response = Response(
        files.chunks(key),  # streamed: a meeting's combined PDF can be large
        mimetype="application/pdf" if which.endswith(".pdf") else "application/zip",
    )
    response.content_length = stored.size
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --- public verification ---------------------------------------------------------------


@verify_bp.route("/verify/<token>", methods=["GET", "POST"])
@public
def verify(token: str):
    """What the QR code opens: the decision's heading and hash, and a check of a file. No
    personal data: the subject line (trích yếu) names no one."""
    decision = db.session.scalars(
        select(Decision).where(Decision.verify_token == token, Decision.status == "issued")
    ).first()
    if decision is None:
        abort(404)
    outcome = None
    signatures = None
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read(current_app.config["MAX_CONTENT_LENGTH"] + 1) if upload else b""
        if not data:
            errors.append("Chưa chọn tệp để đối chiếu.")
            status = 422
        elif not data.startswith(b"%PDF-"):
            errors.append("Tệp không phải là tệp PDF.")
            status = 422
        else:
            outcome = hashlib.sha256(data).hexdigest() == decision.pdf_sha256
            if outcome and decision.signed:
                from workflow.documents import signing

                signatures = signing.validate(data)
    elif decision.signed and decision.pdf_sha256:
        from workflow.documents import signing

        signatures = signing.validate(service.pdf_bytes(decision))
    return render_template(
        "documents/verify.html",
        d=decision,
        issuer_name=json.loads(decision.snapshot or "{}").get("issuer_name", ""),
        kind=KINDS[decision.kind],
        superseded_by=service.superseding([decision.id]).get(decision.id),
        outcome=outcome,
        errors=errors,
        signatures=signatures,
    ), status
