"""Drafting, issuing and storing documents.

Issuing happens inside the engine's transaction: the number is taken from the register, the
HTML is rendered from the frozen snapshot and stored. The PDF is made after the commit (never
holding the write lock), stored (``workflow.store.files``: a folder, written before the
transaction that records it, or the database, in that transaction), and its SHA-256 recorded in
the audit trail; downloading it again returns those same bytes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from states.rules import RuleSet, rules_on
from states.spec import Verdict
from workflow.clock import clock
from workflow.documents import render, snapshots
from workflow.documents.kinds import ANNULMENT, DocumentKind
from workflow.extensions import db
from workflow.jobqueue import enqueue_on_commit
from workflow.models import AuditHead, Case, Decision, Organization
from workflow.orgs.history import upper_on
from workflow.orgs.posts import title_held
from workflow.orgs.terms import body_of, working_rules
from workflow.permissions import Actor, Scope
from workflow.store import audit, files
from workflow.store.audit import canonical_json
from workflow.store.errors import GuardFailed
from workflow.store.numbering import next_number
from workflow.store.rows import locked
from workflow.store.uow import UnitOfWork, current_uow, transactional, unit_of_work

log = logging.getLogger("workflow.documents")


class DocumentError(Exception):
    pass


def superseding(decision_ids: list[int]) -> dict[int, Decision]:
    """decision id → the (latest) issued decision that annuls or replaces it."""
    if not decision_ids:
        return {}
    return {
        d.corrects_id: d
        for d in db.session.scalars(
            select(Decision)
            .where(Decision.corrects_id.in_(decision_ids), Decision.status == "issued")
            .order_by(Decision.id)
        )
    }


#: the upper committee's inspection commission: its own register and signature block
INSPECTION = "inspection"


def issuer_for(case: Case, level: str) -> tuple[str, str]:
    """(issuer key, abbreviation) for decisions of the upper committee ("upper"), its
    inspection commission ("inspection"), the case's grassroots committee ("grassroots") or
    its cell ("cell"): each numbers its documents in its own register."""
    if level == "grassroots":
        root = db.session.get(Organization, case.cell.ancestor_ids()[0])
        return f"org:{root.id}", root.abbreviation or "ĐU"
    if level == "cell":
        return f"org:{case.cell.id}", case.cell.abbreviation or "CB"
    upper = upper_on(clock().today())
    if level == INSPECTION:
        return INSPECTION, "UBKT" + (upper.abbreviation or "")
    return "upper", upper.abbreviation or ""


def level_of(issuer: str) -> str:
    """The level ``issuer_for`` takes to give ``issuer`` again (a correction is issued by the
    body that issued the original)."""
    if issuer in ("upper", INSPECTION):
        return issuer
    org = db.session.get(Organization, int(issuer.removeprefix("org:")))
    return "cell" if org is not None and org.kind == "cell" else "grassroots"


def find_draft(case_id: int, kind: str) -> Decision | None:
    return db.session.scalars(
        select(Decision)
        .where(Decision.case_id == case_id, Decision.kind == kind, Decision.status == "draft")
        .order_by(Decision.id.desc())
    ).first()


def draft(case: Case, kind: DocumentKind, *, actor: Actor, level: str = "upper") -> Decision:
    """Create or refresh the case's draft of ``kind`` from the case as it is now."""
    issuer, abbr = issuer_for(case, level)
    data = kind.draft(case, issuer)
    decision = find_draft(case.id, kind.key)
    if decision is None:
        decision = Decision(
            case_id=case.id, kind=kind.key, status="draft", verify_token=secrets.token_urlsafe(16)
        )
        db.session.add(decision)
    decision.issuer, decision.issuer_abbr = issuer, abbr
    decision.doc_type = kind.doc_type
    decision.subject = data["subject"]
    decision.template = kind.template
    decision.snapshot = canonical_json(data)
    decision.drafted_by = actor.user_id
    decision.proposer_id = case.proposer_id
    db.session.flush()
    return decision


PUBLIC_URL_MISSING = (
    "Chưa ban hành được văn bản: địa chỉ công khai của ứng dụng (PUBLIC_BASE_URL) chưa được "
    "cấu hình, nên mã QR in trên văn bản sẽ không mở được trang xác minh. Đề nghị quản trị hệ "
    "thống cấu hình địa chỉ này rồi thực hiện lại."
)


def public_base_url() -> str | None:
    """The configured public address; in development and tests a stand-in; None when a
    production installation has not configured it."""
    configured = (current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    if current_app.debug or current_app.testing:
        return current_app.config["DEV_PUBLIC_BASE_URL"].rstrip("/")
    return None


def _verify_url(token: str) -> str:
    base = public_base_url()
    if base is None:
        raise GuardFailed([Verdict.failed("documents.public_url_missing", PUBLIC_URL_MISSING)])
    return f"{base}/verify/{token}"


def issue(
    case: Case,
    kind: DocumentKind,
    *,
    actor: Actor,
    scope: Scope | None,
    decided_on: date,
    rules: RuleSet,
    uow: UnitOfWork | None,
    level: str = "upper",
    extra: dict[str, Any] | None = None,
    decision: Decision | None = None,
    signer: tuple[int, str, str] | None = None,
) -> Decision:
    """Number and freeze the case's draft (drafting it first when there is none). ``signer``
    (user id, name, title): the leader the document is issued for, when not the actor."""
    decision = (
        decision or find_draft(case.id, kind.key) or draft(case, kind, actor=actor, level=level)
    )
    verify_url = _verify_url(decision.verify_token)
    # the issuer as it was on the signing day: its name and abbreviation of that day
    who = snapshots.issuer_of(case, decision.issuer, decided_on)
    drafted = snapshots.as_issued_on(json.loads(decision.snapshot), who, decision.issuer_abbr)
    if who["abbr"] != snapshots.issuer_of(case, decision.issuer)["abbr"]:
        decision.issuer_abbr = who["abbr"]  # renamed since: the register prints that day's
    number, term = next_number(decision.issuer, decision.doc_type, decided_on)
    decision.number, decision.term_start, decision.decided_on = number, term, decided_on
    if signer is not None:
        decision.signer_id, decision.signer_name, decision.signer_title = signer
    else:
        decision.signer_id = actor.user_id
        decision.signer_name = actor.name
        decision.signer_title = (scope.title if scope else "") or kind.signer_title
        committee, org_id = body_of(decision.issuer)
        held = (
            title_held(org_id, decided_on, actor.name)
            if committee and decision.issuer != INSPECTION
            else None
        )
        decision.signer_title = held or decision.signer_title  # the post held that day
    decision.rule_set = rules.key
    head = db.session.get(AuditHead, 1)
    version = render.template_version(kind)
    doc = snapshots.finish(
        drafted,
        reference=decision.reference,
        decided_on=decided_on,
        working_rules=working_rules(decision.issuer, decided_on),
        legal_bases=rules.legal_bases,
        signer_name=decision.signer_name,
        signer_title=decision.signer_title,
        verify_url=verify_url,
        chain=audit.position(head.seq, head.row_hash) if head else "",
        template_version=version,
        extra={**rule_values(kind, rules), **(extra or {})},
    )
    decision.snapshot = canonical_json(doc)
    decision.html = render.render_html(kind, doc)
    decision.template_version = version
    decision.status = "issued"
    db.session.flush()
    if uow is not None and current_app.config["RENDER_AFTER_ISSUE"]:
        from workflow.documents.batch import render_decision

        # rendered by a queue worker once the signing commits (or on first download)
        enqueue_on_commit(render_decision, decision.id)
    return decision


def rule_values(kind: DocumentKind, rules: RuleSet) -> dict[str, Any]:
    """The values a kind's text takes from the rules in force when it is signed."""
    return {key: rules[setting] for key, setting in kind.rule_values}


def preview_snapshot(
    decision: Decision,
    kind: DocumentKind,
    actor: Actor,
    rules: RuleSet,
    scope: Scope | None = None,
) -> dict[str, Any]:
    """A draft as it would read if signed today by ``actor`` (number and date left blank):
    what the signer reviews is what is issued. ``scope``: the actor's signing grant, when
    they hold one (else the signature block names nobody yet)."""
    base = public_base_url()
    return snapshots.finish(
        json.loads(decision.snapshot),
        reference=decision.reference,
        decided_on=None,
        legal_bases=rules.legal_bases,
        signer_name=actor.name if scope is not None else "",
        signer_title=(scope.title if scope else "") or kind.signer_title,
        verify_url=f"{base}/verify/{decision.verify_token}" if base else "",
        chain="",
        template_version=render.template_version(kind),
        extra=rule_values(kind, rules),
        working_rules=working_rules(decision.issuer, clock().today()),
    )


def document_key(relative: str) -> str:
    """The stored file's key of a path a row records (``Decision.pdf_path``, a print job's)."""
    return files.make_key("documents", relative)


def _relative(decision: Decision, digest: str) -> str:
    year = decision.decided_on.year if decision.decided_on else clock().today().year
    return f"{year}/{decision.id}-{digest[:12]}.pdf"


def render_and_store(decision_id: int) -> Decision:
    """Make the issued decision's PDF once, store it and record its hash."""
    decision = db.session.get(Decision, decision_id)
    if decision is None or not decision.is_issued:
        raise DocumentError("chỉ văn bản đã ban hành mới có tệp PDF")
    if decision.pdf_sha256:
        return decision
    return store_rendered(decision_id, render.html_to_pdf(decision.html))


def store_rendered(decision_id: int, pdf: bytes) -> Decision:
    """Sign (when configured), write and record a freshly rendered PDF."""
    store_many([(decision_id, pdf)])
    return db.session.get(Decision, decision_id)


def store_many(rendered: list[tuple[int, bytes]]) -> None:
    """Sign (when configured), write and record freshly rendered PDFs in one transaction,
    one audit row each. A decision that already has its file keeps it (first one wins)."""
    from workflow.documents import signing

    signed = signing.configured()
    # a folder is written before the transaction, outside the write lock (a file left by a
    # failure is swept); the database is written in the transaction that records the file
    early = not files.in_database()
    prepared = []
    for decision_id, pdf in rendered:
        decision = db.session.get(Decision, decision_id)
        if decision.pdf_sha256:
            continue
        if signed:
            pdf = signing.sign(pdf, reason=f"Ban hành {decision.reference}")
        digest = hashlib.sha256(pdf).hexdigest()
        relative = _relative(decision, digest)
        if early:
            files.put(document_key(relative), pdf)
        prepared.append((decision_id, digest, relative, pdf))
    if not prepared:
        return
    now = clock().now().replace(tzinfo=None)
    system = Actor(None, "Hệ thống", ())
    with unit_of_work():
        for decision_id, digest, relative, pdf in prepared:
            fresh = db.session.get(
                Decision, decision_id, with_for_update=True, populate_existing=True
            )
            if fresh.pdf_sha256:
                continue
            if not early:
                files.put(document_key(relative), pdf)
            size = len(pdf)
            fresh.pdf_sha256, fresh.pdf_path, fresh.pdf_size = digest, relative, size
            fresh.signed, fresh.rendered_at = signed, now
            audit.append(
                actor=system,
                subject_type="decision",
                subject_id=fresh.id,
                action="document.rendered",
                event_date=fresh.decided_on,
                payload={
                    "reference": fresh.reference,
                    "sha256": digest,
                    "size": size,
                    "signed": signed,
                    "template_version": fresh.template_version,
                },
            )


def render_and_store_quietly(decision_id: int) -> None:
    """After-commit hook: a failure leaves the decision issued, its PDF made on first use."""
    try:
        render_and_store(decision_id)
    except Exception:
        log.exception("rendering decision %s failed; it will be rendered on download", decision_id)


def pdf_bytes(decision: Decision) -> bytes:
    """The stored PDF, checked against its recorded hash."""
    if not decision.pdf_sha256:
        decision = render_and_store(decision.id)
    data = files.get(document_key(decision.pdf_path))
    if hashlib.sha256(data).hexdigest() != decision.pdf_sha256:
        raise DocumentError(f"tệp của {decision.reference} không khớp mã băm đã ghi")
    return data


def download_name(decision: Decision) -> str:
    number = decision.number if decision.number is not None else "du-thao"
    return f"{decision.kind}-{number}-{decision.doc_type}-{decision.issuer_abbr}.pdf".replace(
        "Đ", "D"
    ).replace("đ", "d")


@transactional
def draft_correction(
    original_id: int, original_kind: DocumentKind, *, how: str, reason: str, actor: Actor
) -> int:
    """Draft a decision that replaces (same kind, current data) or annuls the issued decision
    ``original_id``, which is of ``original_kind``; returns the draft's id."""
    original = locked(Decision, original_id)
    if not original.is_issued:
        raise DocumentError("chỉ sửa bằng quyết định mới đối với văn bản đã ban hành")
    if how not in ("replace", "annul"):
        raise DocumentError("cách sửa không hợp lệ")
    case = db.session.get(Case, original.case_id)
    issuer, abbr = issuer_for(case, level_of(original.issuer))
    original_doc = json.loads(original.snapshot)
    if how == "replace":
        kind = original_kind
        data = kind.draft(case, issuer)
        data["replaces"] = f"Quyết định {original.cited} ngày {original.decided_on:%d/%m/%Y}"
        subject = data["subject"]
    else:
        kind = ANNULMENT
        who = snapshots.issuer_of(case, issuer)
        subject = f"về việc hủy bỏ Quyết định {original.cited}"
        data = {
            **{k: v for k, v in who.items() if k != "abbr"},
            "subject": subject,
            "form_code": "",
            "place": current_app.config["PLACE_NAME"],
            "person": original_doc.get("person", {}),
            "considering": f"Xét đề nghị của {who['department']},",
            "executors": original_doc.get("executors", who["department"]),
            "recipients": ["Như Điều 3", f"Lưu hồ sơ đảng viên, Văn phòng {who['abbr']}"],
            "annulled_reference": f"Quyết định {original.cited}",
            "annulled_date": original.decided_on.strftime("%d/%m/%Y"),
            "annulled_subject": original.subject,
        }
    data["reason"] = reason
    decision = Decision(
        case_id=original.case_id,
        kind=kind.key,
        status="draft",
        issuer=issuer,
        issuer_abbr=abbr,
        doc_type=kind.doc_type,
        subject=subject,
        template=kind.template,
        snapshot=canonical_json(data),
        drafted_by=actor.user_id,
        proposer_id=actor.user_id,
        verify_token=secrets.token_urlsafe(16),
        corrects_id=original.id,
        correction_kind=how,
    )
    db.session.add(decision)
    db.session.flush()
    audit.append(
        actor=actor,
        subject_type="decision",
        subject_id=decision.id,
        action="document.correction_drafted",
        payload={"corrects": original.reference, "how": how, "reason": reason},
    )
    return decision.id


@transactional
def issue_correction(
    decision_id: int, kind: DocumentKind, *, actor: Actor, scope: Scope, decided_on: date
) -> None:
    """Sign a correction of ``kind`` drafted with ``draft_correction``: numbered in the same
    register, its PDF rendered once the commit stood."""
    decision = locked(Decision, decision_id)
    if decision.status != "draft" or decision.corrects_id is None:
        raise DocumentError("không phải dự thảo quyết định sửa đổi")
    if decision.drafted_by == actor.user_id:
        raise DocumentError("Người ký không được là người đã soạn dự thảo.")
    original = db.session.get(Decision, decision.corrects_id)
    if decided_on < original.decided_on:
        raise DocumentError("Ngày ký không được trước ngày của quyết định được sửa.")
    case = db.session.get(Case, decision.case_id)
    issued_decision = issue(
        case,
        kind,
        actor=actor,
        scope=scope,
        decided_on=decided_on,
        rules=rules_on(decided_on),
        uow=current_uow(),
        decision=decision,
        level=level_of(decision.issuer),
    )
    audit.append(
        actor=actor,
        subject_type="decision",
        subject_id=issued_decision.id,
        action="document.issued",
        event_date=decided_on,
        payload={
            "reference": issued_decision.reference,
            "corrects": original.reference,
            "how": decision.correction_kind,
        },
    )
