"""Admission (states/admission.py): the facts its guards read, what its steps write, the
admission decision (9-KNĐ), and who puts a candidate on the source list."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from states import admission as spec
from states.facts import AdmissionFacts, CertificateFacts, SponsorFacts, VerificationFacts
from states.spec import Role
from states.training import AWARENESS
from workflow.clock import today
from workflow.documents.kinds import DocumentKind
from workflow.documents.snapshots import chain_of
from workflow.extensions import db
from workflow.membership import count_for
from workflow.models import (
    Case,
    Certificate,
    HelperAssignment,
    Organization,
    Person,
    Sponsor,
    TrainingClass,
    TrainingEnrollment,
)
from workflow.models import VerificationRequest as Request
from workflow.permissions import Actor
from workflow.procedures import admission_demo
from workflow.procedures.base import EffectContext, HappyContext, Opening, Procedure, Subject
from workflow.procedures.common import (
    add_document,
    case_records,
    grassroots_root_id,
    latest_decision,
    org_facts,
    person_facts,
)
from workflow.store.errors import InvalidInput
from workflow.training import operations as training

# --- facts ----------------------------------------------------------------------------------


def awareness_certificate(person_id: int) -> Certificate | None:
    return db.session.scalars(
        select(Certificate)
        .where(Certificate.person_id == person_id, Certificate.kind == "awareness")
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
        .limit(1)
    ).first()


def _sponsors(case: Case) -> tuple[SponsorFacts, ...]:
    """The case's sponsors with their person and cell, in one statement (none before the
    sponsors are recorded)."""
    if not case.sponsor_route:
        return ()
    root_id = grassroots_root_id(case.cell)
    rows = db.session.execute(
        select(Sponsor, Person, Organization)
        .join(Person, Person.id == Sponsor.person_id)
        .join(Organization, Organization.id == Person.cell_id)
        .where(Sponsor.case_id == case.id)
        .order_by(Sponsor.id)
    ).all()
    return tuple(
        SponsorFacts(
            person_id=s.person_id,
            full_name=p.full_name,
            official_since=p.official_on if p.member_status == "official" else None,
            together_since=s.together_since,
            replacement=s.replacement,
            same_grassroots=grassroots_root_id(cell) == root_id,
            introduced_on=s.introduced_on,
        )
        for s, p, cell in rows
    )


def facts(case: Case, actor: Actor | None, today: date) -> AdmissionFacts:
    person = case.person
    records = case_records(case.id, person.id)
    cert = next((c for c in records.certificates if c[0] == "awareness"), None)
    documents = set(records.purposes)
    if cert is not None:
        documents.add("awareness_certificate")
    ceremony = records.clocks.get("ceremony")
    decision = records.clocks.get("decision")
    return AdmissionFacts(
        today=today,
        state=case.state,
        person=person_facts(person),
        org=org_facts(case.cell),
        certificate=CertificateFacts(cert[1], cert[2]) if cert else None,
        sponsor_route=case.sponsor_route,
        sponsors=_sponsors(case),
        documents=frozenset(documents),
        verification=VerificationFacts(
            total=len(records.requests),
            answered=sum(1 for answered, _ in records.requests if answered),
            concerns=sum(1 for _, concern in records.requests if concern),
        ),
        paused_from=case.paused_from,
        last_event_date=case.last_event_on,
        decision_received_on=case.decision_received_on,
        ceremony_due=ceremony[0] if ceremony else None,
        late_ceremony_approved=case.late_ceremony_approval is not None,
        decision_extension_used=decision[1] if decision else 0,
        proposer_id=case.proposer_id,
        actor_id=actor.user_id if actor else None,
    )


# --- effects --------------------------------------------------------------------------------


def send_to_class(ctx: EffectContext) -> None:
    """The person goes on the chosen class's roster, proposed by their cell (the department
    takes them); a person already on it stays as they are. A class held elsewhere
    (``class_name``) is only noted in the step's record."""
    class_id = ctx.data.get("training_class")
    if not class_id:
        return
    cls = db.session.get(TrainingClass, class_id, with_for_update=True)
    if cls is None or cls.kind != AWARENESS:
        raise InvalidInput({"training_class": "Chọn một lớp bồi dưỡng nhận thức về Đảng."})
    if ctx.event_date > cls.ends_on:
        raise InvalidInput(
            {"training_class": f"Lớp này đã bế giảng ngày {cls.ends_on:%d/%m/%Y}: chọn lớp khác."}
        )
    on_roster = db.session.scalars(
        select(TrainingEnrollment.id).where(
            TrainingEnrollment.class_id == cls.id,
            TrainingEnrollment.person_id == ctx.case.person_id,
            TrainingEnrollment.status != "withdrawn",
        )
    ).first()
    if on_roster is None:
        training.enroll(
            cls, ctx.case.person, actor=ctx.actor, position="candidate", field="training_class"
        )


def submit_application(ctx: EffectContext) -> None:
    add_document(ctx, "application")
    add_document(ctx, "biography")


#: the dossier papers a record of the sponsors stands for (recording them again replaces them)
SPONSOR_PAPERS = ("sponsor_letter", "union_resolution", "trade_union_resolution")


def record_sponsors(ctx: EffectContext) -> None:
    for old in list(ctx.case.sponsors):
        ctx.case.sponsors.remove(old)
        db.session.delete(old)
    for item in [i for i in ctx.case.documents if i.purpose in SPONSOR_PAPERS]:
        ctx.case.documents.remove(item)
        db.session.delete(item)
    route = ctx.data["route"]
    ctx.case.sponsor_route = route
    for row in ctx.data["sponsors"]:
        ctx.case.sponsors.append(
            Sponsor(
                person_id=row["member"],
                together_since=row["together_since"],
                replacement=bool(row.get("replacement")),
                introduced_on=ctx.event_date,
            )
        )
        add_document(ctx, "sponsor_letter")
    if route == "youth_union":
        add_document(ctx, "union_resolution", ctx.data.get("union_resolution_number") or "")
    elif route == "trade_union":
        add_document(ctx, "trade_union_resolution", ctx.data.get("union_resolution_number") or "")


def send_verification_requests(ctx: EffectContext) -> None:
    for row in ctx.data["requests"]:
        ctx.case.verification_requests.append(
            Request(subject=row["subject"], addressee=row["addressee"], sent_on=ctx.event_date)
        )
        add_document(ctx, "verification_request", row["addressee"])


def record_verification_answer(ctx: EffectContext) -> None:
    request = next((r for r in ctx.case.verification_requests if r.id == ctx.data["request"]), None)
    if request is None or request.answered_on is not None:
        raise InvalidInput({"request": "Chọn một yêu cầu thẩm tra đang chờ kết quả của hồ sơ này."})
    if ctx.event_date < request.sent_on:
        raise InvalidInput({"event_date": "Ngày nhận kết quả không được trước ngày gửi yêu cầu."})
    request.answered_on = ctx.event_date
    request.result = ctx.data["result"]
    request.note = ctx.data.get("note") or ""


def receive_decision(ctx: EffectContext) -> None:
    ctx.case.decision_received_on = ctx.event_date


def approve_late_ceremony(ctx: EffectContext) -> None:
    ctx.case.late_ceremony_approval = ctx.data["reference"]


def hold_ceremony(ctx: EffectContext) -> None:
    person = ctx.case.person
    decided = person.admission_decision_on  # set when the decision was signed
    if decided is not None and ctx.event_date < decided:
        raise InvalidInput({"event_date": "Lễ kết nạp không được trước ngày ký quyết định."})
    person.member_status = "probationary"
    person.joined_on = ctx.event_date
    _assign_helpers(ctx, person.id, [row["member"] for row in ctx.data["helpers"]], "probation")


def assign_source_helper(ctx: EffectContext) -> None:
    if ctx.data.get("helper"):
        _assign_helpers(ctx, ctx.case.person_id, [ctx.data["helper"]], "source_list")


def _assign_helpers(ctx: EffectContext, person_id: int, helpers: list[int], purpose: str) -> None:
    for helper in helpers:
        db.session.add(
            HelperAssignment(
                person_id=person_id, helper_id=helper, purpose=purpose, assigned_on=ctx.event_date
            )
        )


def open_probation(ctx: EffectContext) -> None:
    """The ceremony starts probation: its case opens in the same transaction."""
    ctx.start_case(
        "probation",
        person=ctx.case.person,
        actor=ctx.actor,
        opened_on=ctx.event_date,
        role=ctx.scope.role.value if ctx.scope else "",
    )


# --- the decision ---------------------------------------------------------------------------


def decision_draft(case: Case, issuer: str) -> dict[str, Any]:
    """Everything the admission decision says that does not depend on the signing."""
    return {
        **chain_of(case, issuer, cell_title="chi bộ"),
        "subject": "về việc kết nạp đảng viên",
        "form_code": "9-KNĐ",
    }


def decision_issued(ctx: EffectContext, decision) -> None:
    # party age counts from the decision; the ceremony confirms it
    ctx.case.person.admission_decision_on = decision.decided_on


DECISION = DocumentKind(
    "admission",
    "pdf/admission.html",
    "QĐ",
    "QUYẾT ĐỊNH",
    "về việc kết nạp đảng viên",
    "9-KNĐ",
    "Quyết định kết nạp đảng viên",
    rule_values=(("ceremony_working_days", "admission.ceremony_working_days"),),
    draft=decision_draft,
    paper="admission_decision",
    issued=decision_issued,
)


# --- forms and opening ----------------------------------------------------------------------


def pending_requests(subject: Subject) -> list[tuple[str, str]]:
    return [
        (str(r.id), f"{r.subject} – {r.addressee} (gửi {r.sent_on:%d/%m/%Y})")
        for r in subject.case.verification_requests
        if r.answered_on is None
    ]


#: how far back a class may have ended and still be offered (a step recorded late)
CLASS_CHOICE_DAYS = 120


def awareness_classes(_subject: Subject) -> list[tuple[str, str]]:
    """The awareness classes a candidate may be sent to: those not ended long ago, the
    latest first (a few dozen at most)."""
    since = today() - timedelta(days=CLASS_CHOICE_DAYS)
    rows = db.session.scalars(
        select(TrainingClass)
        .where(TrainingClass.kind == AWARENESS, TrainingClass.ends_on >= since)
        .order_by(TrainingClass.ends_on.desc(), TrainingClass.id.desc())
        .limit(50)
    )
    return [(str(c.id), f"{c.title} ({c.starts_on:%d/%m/%Y} – {c.ends_on:%d/%m/%Y})") for c in rows]


def may_open(person: Person | None, actor: Actor) -> bool:
    """A cell secretary puts a new person on their cell's source list."""
    return person is None and actor.has_role(Role.CELL_SECRETARY)


def papers(case: Case) -> dict[str, list[tuple[date, str]]]:
    """The awareness certificate is the person's, recorded once, whatever the case."""
    cert = awareness_certificate(case.person_id)
    if cert is None:
        return {}
    return {"awareness_certificate": [(cert.issued_on, f"Số {cert.number}, {cert.issuer}")]}


def page(case: Case) -> dict[str, Any]:
    return {
        "certificate": awareness_certificate(case.person_id),
        "classes": db.session.scalars(
            select(TrainingEnrollment)
            .join(TrainingClass, TrainingClass.id == TrainingEnrollment.class_id)
            .where(
                TrainingEnrollment.person_id == case.person_id,
                TrainingClass.kind == AWARENESS,
            )
            .order_by(TrainingClass.ends_on.desc())
            .limit(5)
        ).all(),
        "decision": latest_decision(case.id, "admission"),
    }


# --- the happy path ---------------------------------------------------------------------------


def _sponsors_payload(case: Case, day: date, ctx: HappyContext) -> dict[str, Any]:
    return {
        "route": "two_members",
        "sponsors": [
            {
                "member": member,
                "together_since": (day - timedelta(days=ctx.number(420, 1500))).isoformat(),
            }
            for member in ctx.members(case, day, 2)
        ],
    }


def _next_answer(case: Case, _day: date, _ctx: HappyContext) -> dict[str, Any]:
    pending = db.session.scalars(
        select(Request.id)
        .where(Request.case_id == case.id, Request.answered_on.is_(None))
        .order_by(Request.id)
    ).first()
    return {
        "request": pending,
        "result": "clear",
        "note": "Lý lịch khai đúng; gia đình chấp hành tốt chủ trương, chính sách",
    }


def _cell_vote(case: Case, day: date, ctx: HappyContext) -> dict[str, Any]:
    total = count_for(case, "cell_official_members", day)
    return {
        "resolution_number": f"{ctx.number(10, 99)}-NQ/CB",
        "official_total": total,
        "yes": total,
        "no": 0,
        "invalid": 0,
    }


def _grassroots_vote(_case: Case, _day: date, ctx: HappyContext) -> dict[str, Any]:
    return {
        "resolution_number": f"{ctx.number(100, 300)}-NQ/ĐU",
        "official_total": 9,
        "yes": 9,
        "no": 0,
        "invalid": 0,
    }


def _sponsor_helps(case: Case, day: date, ctx: HappyContext) -> dict[str, Any]:
    """A sponsor helps the new member through probation, if one is still an official member
    of the organization on the list; else another member."""
    root = grassroots_root_id(case.cell)
    present = [
        s.person_id
        for s in case.sponsors
        if s.person.member_status == "official"
        and s.person.presence == "active"
        and grassroots_root_id(s.person.cell) == root
    ]
    return {"helpers": [{"member": present[0] if present else ctx.members(case, day, 1)[0]}]}


#: the verification request every candidate's dossier needs: where they live
SELF_CHECK = {"subject": "Bản thân", "addressee": "Đảng ủy phường nơi cư trú"}
#: a further request, where the parents live
PARENTS_CHECK = {"subject": "Cha, mẹ", "addressee": "Đảng ủy xã nơi cha mẹ cư trú"}
HAPPY = {
    "enroll_awareness_class": lambda _case, day, _ctx: {
        "class_name": f"Lớp bồi dưỡng nhận thức về Đảng khóa {day.month}/{day.year}"
    },
    # a certificate the class issued is on the person's record: nothing to type
    "take_class_certificate": lambda _case, _day, _ctx: {},
    "record_certificate": lambda _case, _day, ctx: {
        "certificate_number": f"{ctx.number(100, 999)}-CN/ĐUK",
        "issuer": "Ban Thường vụ Đảng ủy Khối",
    },
    "submit_application": lambda _case, _day, _ctx: {},
    "record_sponsors": _sponsors_payload,
    "record_document": lambda _case, _day, _ctx: {
        "document": "opinions",
        "note": "Ý kiến của Công đoàn cơ sở, Đoàn Thanh niên và chi ủy nơi cư trú",
    },
    "start_verification": lambda _case, _day, _ctx: {"requests": [SELF_CHECK]},
    "send_verification_request": lambda _case, _day, _ctx: {"requests": [PARENTS_CHECK]},
    "record_verification_answer": _next_answer,
    "conclude_verification": lambda _case, _day, _ctx: {
        "conclusion": "Lý lịch rõ ràng, đủ tiêu chuẩn chính trị để xem xét kết nạp."
    },
    "record_cell_resolution": _cell_vote,
    "appraise_by_subcommittee": lambda _case, _day, ctx: {
        "reference": f"{ctx.number(10, 90)}-BC/ĐUBP",
        "opinion": "Hồ sơ đầy đủ, đúng quy định.",
    },
    "record_grassroots_resolution": _grassroots_vote,
    "decide_by_grassroots": _grassroots_vote,
    "appraise_by_department": lambda _case, _day, _ctx: {
        "opinion": "Hồ sơ đầy đủ, đúng quy trình; đề nghị Ban Thường vụ xem xét, quyết định kết "
        "nạp."
    },
    "approve_admission": lambda _case, _day, _ctx: {},
    "receive_decision": lambda _case, _day, _ctx: {},
    "hold_ceremony": _sponsor_helps,
}


PROCEDURE = Procedure(
    spec=spec.SPEC,
    facts=facts,
    effects={
        "submit_application": submit_application,
        "record_sponsors": record_sponsors,
        "send_verification_requests": send_verification_requests,
        "record_verification_answer": record_verification_answer,
        "receive_decision": receive_decision,
        "approve_late_ceremony": approve_late_ceremony,
        "hold_ceremony": hold_ceremony,
        "send_to_class": send_to_class,
        "assign_source_helper": assign_source_helper,
        "open_probation": open_probation,
    },
    sources={"pending_requests": pending_requests, "awareness_classes": awareness_classes},
    documents={DECISION.key: DECISION},
    opening=Opening(
        "new_person",
        "+ Đưa quần chúng vào danh sách nguồn",
        may_open,
        "Đã đưa vào danh sách nguồn.",
        submit="Đưa vào danh sách nguồn",
        hint="Chi bộ xem xét hằng tháng danh sách quần chúng ưu tú (cảm tình Đảng) và phân công "
        "đảng viên chính thức giúp đỡ.",
    ),
    papers=papers,
    page=page,
    page_template="cases/facts/admission.html",
    happy=HAPPY,
    demo=admission_demo.scenario,
)
