"""Discipline of a party member (states/discipline.py): the facts its guards read, what its own
steps write, the discipline decision and the complaint ruling it issues, and who opens it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import func, select

from states import discipline as spec
from states.dates import vn_date
from states.discipline import FORM_LABELS, DisciplineFacts, limitation_ends
from states.guards import denominator
from states.indicators import MEMBER_STATUSES
from states.rules import majority_carries, rules_on
from workflow.documents import service
from workflow.documents.kinds import DocumentKind, IssueOptions
from workflow.documents.snapshots import issuer_of, person_data
from workflow.extensions import db
from workflow.membership import count_for
from workflow.models import (
    Case,
    Decision,
    DisciplineRecord,
    DossierItem,
    Organization,
    Person,
    Vote,
)
from workflow.permissions import Actor
from workflow.procedures import discipline_demo
from workflow.procedures.base import EffectContext, HappyContext, Opening, Procedure
from workflow.procedures.common import (
    add_document,
    case_records,
    end_membership,
    latest_decision,
    org_facts,
    person_facts,
    record_standing_vote,
    require_on_list,
)
from workflow.procedures.removal import card_number, dossier_keeper

SOURCES = dict(spec.SOURCES)
MATTERS = dict(spec.MATTERS)
DEFERRALS = dict(spec.DEFERRALS)
#: the states a case concludes in without discipline: no decision stands for the member
WITHOUT_DISCIPLINE = ("not_disciplined", "time_barred", "annulled")


def record_of(case: Case) -> DisciplineRecord:
    return db.session.get(DisciplineRecord, case.id)


def _count(case_id: int, purpose: str) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(DossierItem)
            .where(DossierItem.case_id == case_id, DossierItem.purpose == purpose)
        )
        or 0
    )


def deferred_days(case_id: int, today: date) -> int:
    """The days the case was deferred: each deferral to the resumption after it (to today
    while it lasts)."""
    days, start = 0, None
    for purpose, on in db.session.execute(
        select(DossierItem.purpose, DossierItem.received_on)
        .where(
            DossierItem.case_id == case_id, DossierItem.purpose.in_(("deferral", "deferral_end"))
        )
        .order_by(DossierItem.id)
    ):
        if purpose == "deferral":
            start = on
        elif start is not None:
            days += (on - start).days
            start = None
    if start is not None:
        days += max(0, (today - start).days)
    return days


def newer_cases(record: DisciplineRecord) -> int:
    """The member's discipline cases opened since this decision was announced, not concluded
    without discipline."""
    if record.announced_on is None:
        return 0
    return (
        db.session.scalar(
            select(func.count())
            .select_from(DisciplineRecord)
            .join(Case, Case.id == DisciplineRecord.case_id)
            .where(
                DisciplineRecord.person_id == record.person_id,
                DisciplineRecord.case_id != record.case_id,
                Case.opened_on >= record.announced_on,
                Case._state.not_in(WITHOUT_DISCIPLINE),
            )
        )
        or 0
    )


def facts(case: Case, actor: Actor | None, today: date) -> DisciplineFacts:
    records = case_records(case.id, case.person_id)
    record = record_of(case)
    complaint = records.clocks.get("complaint")
    effect = records.clocks.get("effect")
    return DisciplineFacts(
        today=today,
        state=case.state,
        person=person_facts(case.person),
        org=org_facts(case.cell),
        documents=records.purposes,
        requests=_count(case.id, "self_review_request"),
        complaint_due=complaint[0] if complaint else None,
        effect_due=effect[0] if effect else None,
        matter=record.matter,
        no_limitation=record.no_limitation,
        violation_on=record.violation_on,
        deferred_days=deferred_days(case.id, today),
        form=record.form,
        on_list=case.person.member_status in MEMBER_STATUSES,
        newer_cases=newer_cases(record),
        proposer_id=case.proposer_id,
        actor_id=actor.user_id if actor else None,
        paused_from=case.paused_from,
    )


def in_question(person_id: int) -> list[str]:
    """What the member's open discipline cases say about their standing, for the procedures
    that need a member in good standing."""
    out = []
    for case, record in db.session.execute(
        select(Case, DisciplineRecord)
        .join(DisciplineRecord, DisciplineRecord.case_id == Case.id)
        .where(Case.person_id == person_id, Case.closed_at.is_(None))
        .order_by(Case.id)
    ):
        if case.state == "in_effect" and record.form:
            out.append(
                f"đang thi hành kỷ luật {FORM_LABELS[record.form].lower()} (công bố ngày "
                f"{vn_date(record.announced_on)})"
            )
        else:
            out.append(f"đang bị xem xét kỷ luật ({spec.STATES[case.state].lower()})")
    return out


# --- effects --------------------------------------------------------------------------------


def check_member(ctx: EffectContext) -> None:
    """A member on the lists on the day the violation comes to light (a removal or a leaving
    under way does not stop it: a violation deserving discipline is disciplined first)."""
    require_on_list(ctx)


def record_violation(ctx: EffectContext) -> None:
    data = ctx.data
    if data["violation_on"] > ctx.event_date:
        from workflow.store.errors import InvalidInput

        raise InvalidInput({"violation_on": "Ngày vi phạm không được sau ngày phát hiện vi phạm."})
    db.session.add(
        DisciplineRecord(
            case_id=ctx.case.id,
            person_id=ctx.case.person_id,
            source=data["source"],
            reference=data.get("reference") or "",
            violation_on=data["violation_on"],
            matter=data["matter"],
            no_limitation=data["no_limitation"] == "yes",
            facts=data["facts"],
        )
    )
    ctx.case.proposal_reason = data["facts"]
    add_document(ctx, "violation_report", data.get("reference") or SOURCES[data["source"]])


def set_form(ctx: EffectContext) -> None:
    """The form the meeting adopted (or the complaint ruling set), and the violation as the
    decision states it."""
    record = record_of(ctx.case)
    record.form = ctx.data["form"]
    ctx.case.proposal = ctx.data["form"]
    if ctx.data.get("violation"):
        record.facts = ctx.data["violation"]


def record_ballot(ctx: EffectContext) -> None:
    """The secret ballot of the cell or of the grassroots committee: the form adopted by more
    than half of the members counted; the minutes enter the dossier."""
    body = ctx.arg or "cell"
    data = ctx.data
    den = denominator(data)
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
            passed=majority_carries(data["yes"], den, ctx.rules["discipline.vote_fraction"]),
        )
    )
    note = f"{FORM_LABELS[data['form']]}: {data['yes']}/{den} phiếu tán thành"
    add_document(ctx, f"{body}_resolution", note)


#: the inspection commission's, the standing committee's or a grassroots committee's meeting
#: (the argument names the body): members, those present, the ballot
record_commission_vote = record_standing_vote


def record_announcement(ctx: EffectContext) -> None:
    """The decision takes effect on the day it is announced."""
    record_of(ctx.case).announced_on = ctx.event_date
    add_document(
        ctx,
        "announcement",
        "\n".join(p for p in (ctx.data["where"], ctx.data.get("note") or "") if p),
    )


def expel(ctx: EffectContext) -> None:
    """An expulsion, once announced, ends the membership on that day (once: a ruling that
    upholds it is announced with the member already off the lists)."""
    if ctx.case.person.member_status not in MEMBER_STATUSES:
        return
    decision = latest_decision(ctx.case.id, DISCIPLINE.key)
    if decision is not None:
        ctx.data["decision_number"] = decision.cited
    end_membership(ctx)


def record_returned(ctx: EffectContext) -> None:
    number = ctx.data.get("card_number") or ""
    add_document(ctx, "card_returned", f"Số thẻ {number}" if number else "")
    if ctx.data.get("badge"):
        add_document(ctx, "badge_returned", ctx.data.get("note") or "")


# --- the documents --------------------------------------------------------------------------


def _considering(case: Case) -> str:
    parts = []
    names = {"cell": case.cell.name, "grassroots": "đảng ủy cơ sở"}
    for vote in case.votes:
        if vote.body in names and vote.passed:
            parts.append(
                f"kết quả bỏ phiếu kín của {names[vote.body]} ngày {vn_date(vote.meeting_on)} "
                f"({vote.yes}/{vote.denominator} phiếu tán thành)"
            )
    return "Xét " + "; ".join(parts) + "," if parts else "Xét báo cáo của cơ quan có liên quan,"


def discipline_draft(case: Case, issuer: str) -> dict[str, Any]:
    person, record = case.person, record_of(case)
    who = issuer_of(case, issuer)
    root = db.session.get(Organization, case.cell.ancestor_ids()[0])
    executors = [case.cell.name]
    if root.id != case.cell.id:
        executors.insert(0, root.name)
    if issuer in ("upper", "inspection"):
        executors.insert(0, who["department"])
    form = record.form or "reprimand"
    return {
        **{k: v for k, v in who.items() if k != "abbr"},
        "place": _place(),
        "person": person_data(person),
        "subject": "về việc thi hành kỷ luật đảng viên",
        "form_code": "",
        "form": form,
        "form_label": FORM_LABELS[form],
        "status": "đảng viên dự bị" if person.member_status == "probationary" else "đảng viên",
        "cell_name": case.cell.name,
        "card_number": person.card_number or "",
        "violation": (record.facts or "").rstrip("."),
        "violation_on": vn_date(record.violation_on),
        "considering": _considering(case),
        "executors": ", ".join(executors),
        "recipients": ["Như Điều 3", f"Lưu hồ sơ đảng viên, {who['department']}"],
    }


def _place() -> str:
    from flask import current_app

    return current_app.config["PLACE_NAME"]


def _signer(ctx: EffectContext, title: str) -> tuple[int, str, str] | None:
    """The inspection commission's chairman and a cell's secretary sign under their own
    titles when their grant names none."""
    if ctx.scope is not None and ctx.scope.title:
        return None
    return (ctx.actor.user_id, ctx.actor.name, title)


TITLES = {"inspection": "CHỦ NHIỆM", "cell": "BÍ THƯ"}


def discipline_prepare(ctx: EffectContext) -> IssueOptions:
    level = (ctx.arg or "").partition("@")[2]
    return IssueOptions(signer=_signer(ctx, TITLES[level]) if level in TITLES else None)


DISCIPLINE = DocumentKind(
    "discipline",
    "pdf/discipline.html",
    "QĐ",
    "QUYẾT ĐỊNH",
    "về việc thi hành kỷ luật đảng viên",
    "",
    "Quyết định thi hành kỷ luật đảng viên",
    draft=discipline_draft,
    paper="discipline_decision",
    prepare=discipline_prepare,
    rule_values=(
        ("discipline_bases", "discipline.legal_bases"),
        ("effect_months", "discipline.effect_months"),
    ),
)

OUTCOMES = {
    "uphold_on_complaint": "uphold",
    "change_on_complaint": "change",
    "annul_on_complaint": "annul",
}


def _complained(case_id: int) -> Decision | None:
    """The decision the complaint is about: the latest discipline decision or ruling that
    set the form."""
    return db.session.scalars(
        select(Decision)
        .where(
            Decision.case_id == case_id,
            Decision.kind.in_((DISCIPLINE.key, "discipline_ruling")),
            Decision.status == "issued",
        )
        .order_by(Decision.id.desc())
        .limit(1)
    ).first()


def ruling_draft(case: Case, issuer: str) -> dict[str, Any]:
    data = discipline_draft(case, issuer)
    old = _complained(case.id)
    complaint = db.session.scalars(
        select(DossierItem)
        .where(DossierItem.case_id == case.id, DossierItem.purpose == "complaint")
        .order_by(DossierItem.id.desc())
        .limit(1)
    ).first()
    return {
        **data,
        "subject": "về việc giải quyết khiếu nại kỷ luật đảng",
        "complained_reference": f"Quyết định {old.cited}" if old else "",
        "complained_date": vn_date(old.decided_on) if old else "",
        "complained_by": json.loads(old.snapshot).get("issuer_name", "") if old else "",
        "complaint_on": vn_date(complaint.received_on) if complaint else "",
        "considering": "Xét đơn khiếu nại của đồng chí "
        f"{case.person.full_name}"
        + (f" ngày {vn_date(complaint.received_on)}" if complaint else "")
        + " và kết quả thẩm tra, xác minh,",
    }


def ruling_prepare(ctx: EffectContext) -> IssueOptions:
    outcome = OUTCOMES[ctx.spec.trigger]
    extra: dict[str, Any] = {"outcome": outcome, "findings": ctx.data["findings"].rstrip(".")}
    if outcome == "change":
        extra["new_form"] = ctx.data["form"]
        extra["new_form_label"] = FORM_LABELS[ctx.data["form"]]
    level = (ctx.arg or "").partition("@")[2]
    # a ruling that changes or annuls the decision complained of replaces or annuls it: the
    # documents' pages then say the old one no longer stands (linked before it is signed)
    draft = service.draft(ctx.case, RULING, actor=ctx.actor, level=level or "upper")
    old = _complained(ctx.case.id)
    if old is not None and outcome in ("change", "annul"):
        draft.corrects_id = old.id
        draft.correction_kind = "replace" if outcome == "change" else "annul"
    return IssueOptions(extra=extra, draft=draft, signer=_signer(ctx, TITLES.get(level, "BÍ THƯ")))


RULING = DocumentKind(
    "discipline_ruling",
    "pdf/discipline_ruling.html",
    "QĐ",
    "QUYẾT ĐỊNH",
    "về việc giải quyết khiếu nại kỷ luật đảng",
    "",
    "Quyết định giải quyết khiếu nại kỷ luật đảng",
    draft=ruling_draft,
    paper="complaint_ruling",
    prepare=ruling_prepare,
    rule_values=(
        ("discipline_bases", "discipline.legal_bases"),
        ("effect_months", "discipline.effect_months"),
    ),
)


KIND_LABELS = {DISCIPLINE.key: "Quyết định kỷ luật", RULING.key: "Giải quyết khiếu nại"}

# --- the case page --------------------------------------------------------------------------


def page(case: Case) -> dict[str, Any]:
    record = record_of(case)
    f = facts(case, None, date.today())
    rules = rules_on(case.last_event_on or case.opened_on)
    form = record.form
    ends = limitation_ends(rules, f, form) if form else None
    decisions = db.session.scalars(
        select(Decision)
        .where(
            Decision.case_id == case.id,
            Decision.kind.in_((DISCIPLINE.key, RULING.key)),
            Decision.status == "issued",
        )
        .order_by(Decision.id)
    ).all()
    return {
        "record": record,
        "source_label": SOURCES.get(record.source, record.source),
        "matter_label": MATTERS.get(record.matter, record.matter),
        "form_label": FORM_LABELS.get(form or "", ""),
        "limitation_ends": ends,
        "deferred_days": f.deferred_days,
        "requests": f.requests,
        "effect_due": f.effect_due,
        "complaint_due": f.complaint_due,
        "decisions": [(d, KIND_LABELS[d.kind]) for d in decisions],
    }


# --- opening --------------------------------------------------------------------------------


def may_open(person: Person | None, actor: Actor) -> bool:
    return (
        person is not None
        and person.member_status in MEMBER_STATUSES
        and person.presence == "active"
        and actor.scope_for(spec.SPEC.open_roles, person.cell.path) is not None
    )


# --- the happy path ---------------------------------------------------------------------------

VIOLATION = (
    "Không chấp hành sự phân công của chi bộ, nhiều lần vắng sinh hoạt không có lý do chính "
    "đáng; đã được nhắc nhở nhưng chưa khắc phục"
)


def _form_of(case: Case, fallback: str) -> str:
    record = record_of(case)
    return record.form or fallback


def _cell_ballot(form: str):
    def make(case: Case, day: date, _ctx: HappyContext) -> dict[str, Any]:
        total = count_for(case, "cell_official_members", day)
        return {
            "form": form,
            "violation": VIOLATION,
            "official_total": total,
            "yes": total,
            "no": 0,
        }

    return make


def _committee_ballot(case: Case, _day: date, _ctx: HappyContext) -> dict[str, Any]:
    return {"form": _form_of(case, "warning"), "violation": VIOLATION, "official_total": 9,
            "yes": 9, "no": 0}  # fmt: skip


def _commission(case: Case, _day: date, _ctx: HappyContext) -> dict[str, Any]:
    return {"form": _form_of(case, "warning"), "violation": VIOLATION, "members_total": 7,
            "members_present": 7, "yes": 7, "no": 0}  # fmt: skip


HAPPY = {
    "record_self_review": lambda _c, _d, _x: {},
    "decide_by_cell": _cell_ballot("reprimand"),
    "propose_by_cell": _cell_ballot("warning"),
    "examine_by_subcommittee": lambda _c, _d, _x: {"opinion": "Đồng ý đề nghị của chi bộ."},
    "decide_by_grassroots": _committee_ballot,
    "propose_by_grassroots": _committee_ballot,
    "decide_by_inspection": _commission,
    "announce": lambda case, _d, _x: {"where": f"Hội nghị {case.cell.name}"},
    "expire": lambda _c, _d, _x: {},
    "record_card_collected": lambda case, _d, _x: {
        "card_number": case.person.card_number or "",
        "badge": True,
    },
    "close": lambda _c, _d, _x: {"dossier": "Ban Tổ chức cấp ủy cấp trên"},
}


def standing(case: Case) -> str:
    """ "Khiển trách, Quyết định số 1-QĐ/CB ngày 10/04/2026, công bố ngày 14/04/2026": the
    form in force (after a complaint's ruling, the ruling's) and the decision behind it."""
    record = db.session.get(DisciplineRecord, case.id)
    if record is None or not record.form:
        return ""
    parts = [FORM_LABELS[record.form]]
    decision = max(
        (d for d in (latest_decision(case.id, k) for k in (DISCIPLINE.key, RULING.key)) if d),
        key=lambda d: d.id,
        default=None,
    )
    if decision is not None:
        parts.append(f"Quyết định {decision.cited} ngày {vn_date(decision.decided_on)}")
    if record.announced_on:
        parts.append(f"công bố ngày {vn_date(record.announced_on)}")
    return ", ".join(parts)


PROCEDURE = Procedure(
    spec=spec.SPEC,
    facts=facts,
    effects={
        "check_member": check_member,
        "record_violation": record_violation,
        "set_form": set_form,
        "record_ballot": record_ballot,
        "record_commission_vote": record_commission_vote,
        "record_announcement": record_announcement,
        "expel": expel,
        "record_returned": record_returned,
    },
    defaults={"card_number": card_number, "dossier_keeper": dossier_keeper},
    documents={DISCIPLINE.key: DISCIPLINE, RULING.key: RULING},
    opening=Opening(
        "person",
        "Mở hồ sơ xem xét kỷ luật",
        may_open,
        "Đã ghi vi phạm, mở hồ sơ xem xét kỷ luật.",
        "Ghi vi phạm",
        hint="Vi phạm được phát hiện qua báo cáo của đảng viên, kiểm tra, đơn thư, thông báo của "
        "cơ quan nhà nước hoặc sinh hoạt chi bộ. Thời hiệu xử lý tính từ ngày vi phạm.",
    ),
    page=page,
    page_template="cases/facts/discipline.html",
    standing=standing,
    happy=HAPPY,
    demo=discipline_demo.scenario,
)
