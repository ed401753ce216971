"""What several procedures share: the facts about a person and their organization, the effects
of steps found in more than one procedure (a paper of the dossier, a meeting's vote, a decision
drafted and signed, a clock extended, a pause), and the options and defaults of their forms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import String, cast, literal, null, select, union_all

from states import REGISTRY
from states.dates import vn_date
from states.facts import OrgFacts, PersonFacts
from states.guards import denominator
from states.indicators import MEMBER_STATUSES, on_list
from states.rules import majority_carries, vote_passes
from states.spec import Role
from workflow.clock import today
from workflow.documents import service
from workflow.documents.kinds import IssueOptions
from workflow.extensions import db
from workflow.membership import acting_members_on, places_on, suspended_on
from workflow.models import (
    AuditEntry,
    Case,
    Certificate,
    Deadline,
    Decision,
    DossierItem,
    Grant,
    HelperAssignment,
    Organization,
    Person,
    User,
    VerificationRequest,
    Vote,
    utcnow,
)
from workflow.procedures.base import RUNNING, EffectContext, Subject
from workflow.store import audit, deadlines
from workflow.store.errors import InvalidInput

# --- facts ----------------------------------------------------------------------------------


def grassroots_root_id(org: Organization) -> int:
    return org.ancestor_ids()[0]


def org_facts(cell: Organization) -> OrgFacts:
    ids = cell.ancestor_ids()
    root = cell.lineage()[0]  # the parents a fire loads with its case
    return OrgFacts(
        cell_id=cell.id,
        cell_kind=cell.kind,
        is_grassroots_cell=cell.kind == "grassroots_cell",
        has_subcommittee=len(ids) == 3,
        grassroots_authorized=bool(
            root is not None and root.kind == "grassroots_committee" and root.authorized_to_admit
        ),
    )


def person_facts(person) -> PersonFacts:
    return PersonFacts(
        id=person.id,
        full_name=person.full_name,
        birth_date=person.birth_date,
        sex=person.sex,
        education=person.education,
        member_status=person.member_status,
    )


@dataclass(frozen=True)
class Standing:
    """An open case that puts the member's standing in question."""

    case_id: int
    #: "Thi hành kỷ luật đảng viên: đang bị xem xét hoặc thi hành kỷ luật (…)"
    text: str
    #: the violation is still being considered (no decision yet)
    considering: bool


def standing_of(person_id: int) -> tuple[Standing, ...]:
    """The member's open cases of the procedures that put their standing in question
    (``ProcedureSpec.holds_standing``), read from the record."""
    keys = [key for key, spec in REGISTRY.items() if spec.holds_standing]
    out = []
    for case_id, procedure, state in db.session.execute(
        select(Case.id, Case.procedure, Case._state)
        .where(Case.person_id == person_id, Case.procedure.in_(keys), Case.closed_at.is_(None))
        .order_by(Case.id)
    ):
        spec = REGISTRY[procedure]
        text = f"{spec.label}: {spec.holds_standing} ({spec.state_label(state).lower()})"
        out.append(Standing(case_id, text, state in spec.considering))
    return tuple(out)


def open_deadline_of(case: Case, kind: str):
    return next((d for d in case.deadlines if d.kind == kind and d.status == "open"), None)


@dataclass(frozen=True)
class CaseRecords:
    """What the facts of a case read of its records, in one statement (a step's fire reads
    them every time): the purposes of its dossier papers, its open clocks, its verification
    requests and its votes."""

    purposes: frozenset[str]
    #: kind → (due on, working days of extension)
    clocks: dict[str, tuple[date, int]]
    #: (answered, concern) per verification request
    requests: tuple[tuple[bool, bool], ...]
    #: (body, passed) per vote, in order
    votes: tuple[tuple[str, bool], ...]
    #: the person's class certificates, latest first: (kind, number, issued on)
    certificates: tuple[tuple[str, str, date], ...] = ()


def case_records(case_id: int, person_id: int) -> CaseRecords:
    documents = select(
        literal("paper").label("tag"),
        DossierItem.purpose.label("a"),
        null().label("b"),
        null().label("c"),
        DossierItem.id.label("n"),
    ).where(DossierItem.case_id == case_id)
    clocks = select(
        literal("clock"),
        Deadline.kind,
        cast(Deadline.due_on, String),
        cast(Deadline.extended_days, String),
        Deadline.id,
    ).where(Deadline.case_id == case_id, Deadline.status == "open")
    requests = select(
        literal("request"),
        cast(VerificationRequest.answered_on, String),
        VerificationRequest.result,
        null(),
        VerificationRequest.id,
    ).where(VerificationRequest.case_id == case_id)
    votes = select(literal("vote"), Vote.body, cast(Vote.passed, String), null(), Vote.id).where(
        Vote.case_id == case_id
    )
    certificates = select(
        literal("certificate"),
        Certificate.kind,
        Certificate.number,
        cast(Certificate.issued_on, String),
        Certificate.id,
    ).where(Certificate.person_id == person_id)
    rows = db.session.execute(
        union_all(documents, clocks, requests, votes, certificates).order_by("tag", "n")
    ).all()
    purposes, open_clocks, asked, voted, held = set(), {}, [], [], []
    for tag, a, b, c, n in rows:
        if tag == "paper":
            purposes.add(a)
        elif tag == "clock":
            open_clocks[a] = (date.fromisoformat(b), int(c))
        elif tag == "request":
            asked.append((a is not None, b == "concern"))
        elif tag == "vote":
            voted.append((a, b in ("1", "true", "True")))
        else:
            held.append((date.fromisoformat(c), n, a, b))
    latest_first = tuple((kind, number, on) for on, _, kind, number in sorted(held, reverse=True))
    return CaseRecords(frozenset(purposes), open_clocks, tuple(asked), tuple(voted), latest_first)


# --- effects --------------------------------------------------------------------------------


def add_document(ctx: EffectContext, purpose: str, note: str = "") -> DossierItem:
    """A paper of the case's dossier, with the form code the rules in force give it."""
    code = ctx.rules[f"{ctx.case.procedure}.forms"][purpose][0]
    item = DossierItem(
        purpose=purpose,
        form_code=code,
        received_on=ctx.event_date,
        note=note,
        recorded_by=ctx.actor.user_id,
    )
    ctx.case.documents.append(item)
    return item


def record_certificate(ctx: EffectContext) -> None:
    """An awareness-class certificate (the default) or, with ``new_member``, the new-member
    political class certificate that goes into the recognition dossier."""
    kind = ctx.arg or "awareness"
    db.session.add(
        Certificate(
            person_id=ctx.case.person_id,
            kind=kind,
            number=ctx.data["certificate_number"],
            issued_on=ctx.event_date,
            issuer=ctx.data["issuer"],
        )
    )
    if kind == "new_member":
        add_document(
            ctx,
            "new_member_certificate",
            f"Số {ctx.data['certificate_number']}, {ctx.data['issuer']}",
        )


def record_document(ctx: EffectContext) -> None:
    purpose = ctx.arg or ctx.data["document"]
    parts = [
        ctx.data.get("reference") or "",
        ctx.data.get("opinion") or "",
        ctx.data.get("note") or "",
    ]
    add_document(ctx, purpose, "\n".join(p for p in parts if p))


def record_vote(ctx: EffectContext) -> None:
    """A meeting's vote: the cell's (its resolution enters the dossier when it passed) or a
    committee's."""
    body = ctx.arg or "cell"
    data = ctx.data
    den = denominator(data)
    passed = vote_passes(data["yes"], den, ctx.rules["vote.approval_fraction"])
    ctx.case.votes.append(
        Vote(
            body=body,
            meeting_on=ctx.event_date,
            resolution_number=data.get("resolution_number"),
            official_total=data["official_total"],
            excluded=data.get("excluded") or [],
            denominator=den,
            yes=data["yes"],
            no=data["no"],
            invalid=data.get("invalid") or 0,
            passed=passed,
        )
    )
    if passed and body == "cell":
        add_document(ctx, "cell_resolution", data.get("resolution_number") or "")
    elif body == "grassroots":
        note = data.get("resolution_number") or ""
        if not passed:
            note = (note + " – " if note else "") + "không đạt 2/3, báo cáo cấp trên quyết định"
        add_document(ctx, "grassroots_resolution", note)


def record_standing_vote(ctx: EffectContext) -> None:
    """The meeting that decided — the standing committee's, or the body the argument names
    (the inspection commission, a grassroots committee): its members, those present, the
    vote."""
    data = ctx.data
    total = data["members_total"]
    ctx.case.votes.append(
        Vote(
            body=ctx.arg or "standing",
            meeting_on=ctx.event_date,
            official_total=total,
            present=data["members_present"],
            excluded=[],
            denominator=total,
            yes=data["yes"],
            no=data["no"],
            invalid=data["members_present"] - data["yes"] - data["no"],
            passed=majority_carries(data["yes"], total, ctx.rules["vote.standing_majority"]),
        )
    )


def record_proposal(ctx: EffectContext) -> None:
    ctx.case.proposer_id = ctx.actor.user_id


def draft_decision(ctx: EffectContext) -> None:
    """Draft the decision of the kind the step names."""
    service.draft(ctx.case, ctx.procedure.documents[ctx.arg], actor=ctx.actor)


def issue_decision(ctx: EffectContext) -> None:
    """Number and freeze the case's document: "kind@upper" or "kind@grassroots" (an authorized
    grassroots committee) issues it. The kind says what else the signing adds and changes."""
    key, _, level = (ctx.arg or "").partition("@")
    kind = ctx.procedure.documents[key]
    options = kind.prepare(ctx) if kind.prepare else IssueOptions()
    decision = service.issue(
        ctx.case,
        kind,
        actor=ctx.actor,
        scope=ctx.scope,
        decided_on=ctx.event_date,
        rules=ctx.rules,
        uow=ctx.uow,
        level=level or "upper",
        extra=options.extra,
        decision=options.draft,
        signer=options.signer,
    )
    ctx.data["decision_number"] = decision.reference
    if kind.paper:
        add_document(ctx, kind.paper, decision.reference)
    if kind.issued:
        kind.issued(ctx, decision)


@dataclass(frozen=True)
class Leader:
    """Someone who signs papers for a body, with the title printed above their name."""

    user_id: int
    name: str
    title: str


def leaders(root_id: int | None) -> list[Leader]:
    """Who signs papers for a grassroots committee (``root_id``: its staff with a title, or its
    secretary's signing grant), or for the upper committee's department (None: grants with a
    title such as "TRƯỞNG BAN" over the whole committee)."""
    stmt = select(User.id, User.full_name, Grant.title).join(Grant, Grant.user_id == User.id)
    if root_id is not None:
        roles = (Role.GRASSROOTS_STAFF.value, Role.SIGNER.value)
        stmt = stmt.where(Grant.role.in_(roles), Grant.org_id == root_id)
    else:
        stmt = stmt.where(Grant.role == Role.DEPARTMENT_STAFF.value, Grant.org_id.is_(None))
    rows = db.session.execute(
        stmt.where(User.active.is_(True), Grant.title != "").order_by(Grant.title, User.full_name)
    ).all()
    return [Leader(uid, name, title) for uid, name, title in rows]


def chosen_leader(ctx: EffectContext, root_id: int | None, paper: str) -> Leader | None:
    """The leader the form's ``signed_by`` chose among ``leaders(root_id)`` to sign the
    ``paper``; None: the user taking the step signs."""
    chosen = ctx.data.get("signed_by")
    if not chosen:
        return None
    signer = next((s for s in leaders(root_id) if s.user_id == chosen), None)
    if signer is None:
        raise InvalidInput({"signed_by": f"Chọn một lãnh đạo có chức danh ký {paper}."})
    return signer


def leader_options(root_id: int | None) -> list[tuple[str, str]]:
    return [(str(s.user_id), f"{s.title.capitalize()} {s.name}") for s in leaders(root_id)]


def latest_decision(case_id: int, kind: str) -> Decision | None:
    return db.session.scalars(
        select(Decision)
        .where(Decision.case_id == case_id, Decision.kind == kind, Decision.status == "issued")
        .order_by(Decision.id.desc())
        .limit(1)
    ).first()


def extend_deadline(ctx: EffectContext) -> None:
    deadline = deadlines.extend_deadline(
        ctx.case, ctx.arg or "decision", ctx.data["days"], ctx.data["reason"]
    )
    if deadline is None:
        raise InvalidInput({"days": "Hồ sơ không có thời hạn đang chạy để gia hạn."})
    ctx.data["new_due_on"] = deadline.due_on


def check_on_list(ctx: EffectContext) -> None:
    """Opening a case that would take the member off the lists: the person is a member on a
    list on the day (of the status the argument names, if any), and no other such case of
    theirs is open."""
    person = require_on_list(ctx)
    ending = [
        key for key, spec in REGISTRY.items() if spec.ends_membership and spec.excludes_endings
    ]
    other = db.session.scalars(
        select(Case).where(
            Case.person_id == person.id,
            Case.id != ctx.case.id,
            Case.procedure.in_(ending),
            Case.closed_at.is_(None),
        )
    ).first()
    if other is not None:
        raise InvalidInput(
            {
                "event_date": f"Đồng chí {person.full_name} đang có hồ sơ "
                f"“{REGISTRY[other.procedure].label}” chưa kết thúc."
            }
        )


def check_not_suspended(ctx: EffectContext) -> None:
    """Opening a case the member must be free to take part in (a transfer): refused while
    their party activity is suspended."""
    since = suspended_on(ctx.event_date).get(ctx.case.person_id)
    if since is not None:
        person = ctx.case.person
        raise InvalidInput(
            {
                "event_date": f"Đồng chí {person.full_name} đang bị đình chỉ sinh hoạt đảng (từ "
                f"ngày {vn_date(since)}): chưa giải quyết được “{ctx.spec.label}”."
            }
        )


def require_on_list(ctx: EffectContext) -> Person:
    """The case's person is a member on a list on the event's date (of the status the step's
    argument names, if any); their row stays locked until the change commits."""
    # two such openings for one member wait for each other, the second reads what the first wrote
    person, day = _locked_person(ctx), ctx.event_date
    place = places_on([person.id], day).get(person.id, {})
    wanted = (ctx.arg,) if ctx.arg else MEMBER_STATUSES
    if not on_list(place) or place.get("member_status") not in wanted:
        status = "đảng viên chính thức" if ctx.arg == "official" else "đảng viên"
        raise InvalidInput(
            {
                "event_date": f"Ngày {day:%d/%m/%Y} đồng chí {person.full_name} không phải "
                f"{status} đang sinh hoạt trong danh sách của chi bộ."
            }
        )
    return person


def _locked_person(ctx: EffectContext) -> Person:
    """The case's person, its row locked until the change commits and read again (another
    change may have taken the member off the lists meanwhile). FOR NO KEY UPDATE: the case
    just written holds a key-share lock on the row, which this one must not wait for."""
    db.session.execute(
        select(Person.id).where(Person.id == ctx.case.person_id).with_for_update(key_share=True)
    ).scalar_one()
    person = ctx.case.person
    db.session.refresh(person)
    return person


def end_membership(ctx: EffectContext) -> None:
    """The member leaves the lists on the event's date: the trail records the status with this
    step, under this procedure, so the member lists as of a date and the period report count
    it in its period and under its figure. The helpers' assignments end and every other open
    case of the person closes with the reason the procedure gives (``ends_membership``)."""
    person = _locked_person(ctx)
    if person.member_status not in MEMBER_STATUSES:
        raise InvalidInput(
            {"event_date": f"Đồng chí {person.full_name} đã không còn trong danh sách đảng viên."}
        )
    person.member_status = "removed"
    for helper in db.session.scalars(
        select(HelperAssignment).where(
            HelperAssignment.person_id == person.id, HelperAssignment.ended_on.is_(None)
        )
    ):
        helper.ended_on = ctx.event_date
    reason = ctx.procedure.spec.ends_membership or ctx.spec.label
    if ctx.data.get("decision_number"):
        reason += f" (Quyết định {ctx.data['decision_number']})"
    close_other_cases(ctx, reason)
    for hook in ON_MEMBERSHIP_END:
        hook(ctx)


#: what else a step ending a membership does, each called with the step's context inside its
#: transaction (the party card collected…): records of their own register here at start-up
ON_MEMBERSHIP_END: list[Callable[[EffectContext], None]] = []


def restore_membership(ctx: EffectContext) -> None:
    """This case's decision that took the member off the lists is annulled: from the event's
    date the member is back on the list with the status and presence they had just before it
    (recorded with this step, so lists as of a date and the period report see the return).
    The other cases the decision closed stay closed."""
    person = _locked_person(ctx)
    ending = db.session.scalars(
        select(AuditEntry.seq)
        .where(
            AuditEntry.subject_type == "case",
            AuditEntry.subject_id == ctx.case.id,
            AuditEntry.member_status == "removed",
        )
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    latest = db.session.scalars(
        select(AuditEntry.seq)
        .where(AuditEntry.person_id == person.id, AuditEntry.member_status.is_not(None))
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    if ending is None or latest != ending or person.member_status != "removed":
        raise InvalidInput(
            {
                "event_date": f"Tình trạng đảng viên của đồng chí {person.full_name} đã thay đổi "
                "sau quyết định của hồ sơ này; không thể đưa trở lại danh sách từ hồ sơ này."
            }
        )
    before: dict[str, object] = {}
    for status, presence in db.session.execute(
        select(AuditEntry.member_status, AuditEntry.presence)
        .where(AuditEntry.person_id == person.id, AuditEntry.seq < ending)
        .where((AuditEntry.member_status.is_not(None)) | (AuditEntry.presence.is_not(None)))
        .order_by(AuditEntry.seq)
    ):
        if status is not None:
            before["member_status"] = status
        if presence is not None:
            before["presence"] = presence
    person.member_status = str(before.get("member_status") or "official")
    person.presence = str(before.get("presence") or "active")


def close_other_cases(ctx: EffectContext, reason: str) -> list[Case]:
    """Close every other open case of the case's person, their clocks cancelled, each with an
    audit row that gives the reason (the hook a step ending the membership calls)."""
    others = list(
        db.session.scalars(
            select(Case)
            .where(
                Case.person_id == ctx.case.person_id,
                Case.id != ctx.case.id,
                Case.closed_at.is_(None),
            )
            .order_by(Case.id)
            .with_for_update()
        )
    )
    for other in others:
        other.closed_at = utcnow()
        for d in other.deadlines:
            if d.status in deadlines.PENDING:
                deadlines.close_deadline(other, d.kind, ctx.event_date, "cancelled")
        audit_other_case(ctx, other, MEMBERSHIP_ENDED, {"reason": reason, "by_case": ctx.case.id})
        closed_elsewhere(ctx, other)
    ctx.data["closed_cases"] = [o.id for o in others]
    return others


def closed_elsewhere(ctx: EffectContext, other: Case) -> None:
    """Let the procedure of ``other``, just closed by the step of ``ctx``, do what it does
    then (``Procedure.closed_elsewhere``)."""
    hook = RUNNING[other.procedure].closed_elsewhere
    if hook is not None:
        hook(ctx, other)


#: the audit action of a case closed because its member left the lists
MEMBERSHIP_ENDED = "closed_membership_ended"


def audit_other_case(ctx: EffectContext, other: Case, action: str, payload: dict) -> None:
    """Record on ``other`` — another case of the same person, left in its state — what the
    step of ``ctx.case`` did to it, dated with the step."""
    other.last_event_on = max(other.last_event_on or ctx.event_date, ctx.event_date)
    audit.append(
        actor=ctx.actor,
        subject_type="case",
        subject_id=other.id,
        action=action,
        role=ctx.scope.role.value if ctx.scope else "",
        procedure=other.procedure,
        from_state=other.state,
        to_state=other.state,
        event_date=ctx.event_date,
        payload=payload,
        person_id=other.person_id,
    )


def pause(ctx: EffectContext) -> None:
    ctx.case.paused_from = ctx.from_state


def resume(ctx: EffectContext) -> None:
    ctx.case.paused_from = None


EFFECTS = {
    "record_certificate": record_certificate,
    "record_document": record_document,
    "record_vote": record_vote,
    "record_standing_vote": record_standing_vote,
    "record_proposal": record_proposal,
    "draft_decision": draft_decision,
    "issue_decision": issue_decision,
    "extend_deadline": extend_deadline,
    "pause": pause,
    "resume": resume,
    "check_on_list": check_on_list,
    "check_not_suspended": check_not_suspended,
    "end_membership": end_membership,
    "restore_membership": restore_membership,
}


# --- options and defaults of forms ----------------------------------------------------------


def official_members(subject: Subject) -> list[tuple[str, str]]:
    """Official members on the lists of the grassroots organization of the case (or of the
    person), today, whose activity is not suspended: sponsors, helpers."""
    cell = subject.organization
    if cell is None:
        return []
    person_id = subject.case.person_id if subject.case is not None else None
    return [
        (str(p.id), f"{p.full_name} – {p.cell.name}")
        for p in acting_members_on(f"/{grassroots_root_id(cell)}/", today())
        if p.id != person_id
    ]


def upper_standing_committee(_subject: Subject) -> str:
    return "Ban Thường vụ " + current_app.config["UPPER_COMMITTEE_NAME"]


#: the source every "member" field draws from
MEMBERS = official_members
DEFAULTS = {"upper_standing_committee": upper_standing_committee}
