"""The upper committee's decisions on its organizations: drafted from the event, numbered in
the committee's register and printed in the Party's document format (``workflow.documents``),
named as the committee was on the decision's day and signed by the leader chosen (from the
posts held that day when they are recorded, else from the signing grants)."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from flask import current_app

from states.dates import vn_date
from states.rules import rules_on
from workflow.documents import service, snapshots
from workflow.documents.kinds import ORG_DECISION
from workflow.extensions import db
from workflow.ids import parse_id
from workflow.models import Decision
from workflow.models.orgs import POST_TITLES
from workflow.orgs import posts
from workflow.permissions import Actor
from workflow.reports.issue import signers
from workflow.store.audit import canonical_json
from workflow.store.errors import InvalidInput
from workflow.store.uow import current_uow


def signers_on(day: date | None) -> list[tuple[str, int | None, str, str]]:
    """(form key, user id or None, name, title) of those who sign for the upper committee's
    standing committee on ``day``: its secretary and deputy secretaries as the posts record
    them, else the leaders holding a signing grant over the whole committee."""
    if day is not None:
        held = [p for p in posts.held_on(None, day) if p.post in POST_TITLES]
        if held:
            return [(f"post:{p.id}", None, p.holder_name, POST_TITLES[p.post]) for p in held]
    return [(f"user:{s.user_id}", s.user_id, s.name, s.title) for s in signers()]


def signer_from(raw, errors: dict, day: date | None) -> tuple[int | None, str, str] | None:
    """The leader the form chose among those who sign for the standing committee that day."""
    chosen = str(raw.get("signer") or "")
    options = {key: (uid, name, title) for key, uid, name, title in signers_on(day)}
    if chosen not in options:
        errors["signer"] = "Chọn lãnh đạo ký quyết định (thay mặt Ban Thường vụ)."
        return None
    return options[chosen]


def _articles(kind: str, f: dict[str, Any], upper: str) -> tuple[str, list[str]]:
    """(subject, first article) of the decision on an event."""
    if kind in ("establish", "split"):
        where = f["parent"] or upper
        text = f"Thành lập {f['org']} ({f['kind'].lower()}) trực thuộc {where}"
        if f.get("from"):
            text = f"Chia tách {f['from']}: " + text[0].lower() + text[1:]
        parts = [text]
        if f["members"]:
            parts.append(
                f"gồm {f['members']} đồng chí đảng viên ({f['officials']} đảng viên chính thức) "
                "chuyển sinh hoạt cùng tổ chức"
            )
        if f["children"]:
            parts.append("gồm các tổ chức trực thuộc: " + ", ".join(f["children"]))
        return f"về việc thành lập {f['org']}", ["; ".join(parts) + "."]
    if kind == "rename":
        return f"về việc đổi tên {f['before']}", [f"Đổi tên {f['before']} thành {f['after']}."]
    if kind == "upgrade":
        return f"về việc nâng cấp {f['before']} thành {f['after']}", [
            f"Nâng cấp {f['before']} ({f['before_kind'].lower()}) thành {f['after']} "
            f"({f['after_kind'].lower()}).",
            f"Thành lập {f['cell']} trực thuộc {f['after']}; {f['members']} đồng chí đảng viên "
            f"của {f['before']} chuyển về sinh hoạt tại {f['cell']}.",
        ]
    if kind == "downgrade":
        cells = ", ".join(f["cells"]) or "các chi bộ trực thuộc"
        return f"về việc chuyển {f['before']} thành {f['after']}", [
            f"Chuyển {f['before']} ({f['before_kind'].lower()}) thành {f['after']} "
            f"({f['after_kind'].lower()}); kết thúc hoạt động của {cells}, {f['members']} "
            f"đồng chí đảng viên chuyển về sinh hoạt tại {f['after']}.",
        ]
    if kind == "merge":
        named = f", lấy tên là {f['target']}" if f["target"] != f["target_before"] else ""
        lines = [
            f"Hợp nhất {', '.join(f['sources'])} vào {f['target_before']}{named}.",
        ]
        if f["members"]:
            lines.append(
                f"{f['members']} đồng chí đảng viên của các tổ chức được hợp nhất chuyển sinh "
                f"hoạt cùng tổ chức về {f['target']}."
            )
        if f["kept_as_cells"]:
            lines.append(
                f"{', '.join(f['kept_as_cells'])} trở thành chi bộ trực thuộc {f['target']}."
            )
        return f"về việc hợp nhất tổ chức đảng thành {f['target']}", lines
    if kind == "org_discipline":
        lines = [
            f"Thi hành kỷ luật {f['org']} bằng hình thức {f['form_label'].upper()}.",
            f"Lý do: {f['violation'].rstrip('.')}.",
        ]
        if f["form"] == "dissolution":
            lines.append(f"{f['org']} chấm dứt hoạt động kể từ ngày quyết định có hiệu lực.")
        return f"về việc thi hành kỷ luật {f['org']}", lines
    if kind == "dissolve":
        return f"về việc giải thể {f['org']}", [f"Giải thể {f['org']}."]
    if kind == "move":
        return f"về việc chuyển {f['org']} trực thuộc {f['to']}", [
            f"Chuyển {f['org']} từ trực thuộc {f['from']} sang trực thuộc {f['to']}."
        ]
    if kind == "hand_over":
        return f"về việc chuyển giao {f['org']}", [
            f"Chuyển giao {f['org']} cùng {f['members']} đồng chí đảng viên về trực thuộc "
            f"{f['receiver']}."
        ]
    if kind == "approve_election":
        term = f", {f['term']}" if f["term"] else ""
        lines = [f"Chuẩn y kết quả bầu cử cấp ủy {f['org']}{term}, gồm các đồng chí:"]
        lines += [f"- {name}: {post}." for post, name in f["holders"]]
        return f"về việc chuẩn y kết quả bầu cử cấp ủy {f['org']}{term}", lines
    if kind == "relieve_post":
        reason = f" ({f['reason']})" if f["reason"] else ""
        return f"về việc cho thôi giữ chức {f['post'].lower()} {f['org']}", [
            f"Cho đồng chí {f['name']} thôi giữ chức {f['post'].lower()} {f['org']}{reason}."
        ]
    raise ValueError(kind)


def draft_data(kind: str, facts: dict[str, Any], day: date) -> dict[str, Any]:
    who = snapshots.issuer_of(None, "upper", day)
    subject, articles = _articles(kind, facts, who["issuer_name"])
    return {
        **{k: v for k, v in who.items() if k != "abbr"},
        "subject": subject[:300],
        "form_code": "",
        "place": current_app.config["PLACE_NAME"],
        "considering": f"Xét đề nghị của {who['department']},",
        "articles": articles,
        "effective": vn_date(day),
        "executors": f"{who['department']}, các tổ chức đảng và đảng viên có tên tại Điều 1",
        "recipients": ["Như Điều 3", f"Lưu Văn phòng {who['abbr']}"],
    }


def issue(outcome, *, actor: Actor, signer: tuple[int | None, str, str]) -> Decision:
    """The event's decision, numbered in the upper committee's register on the event's day."""
    event = outcome.event
    day = event.effective_on
    data = draft_data(event.kind, outcome.facts, day)
    issuer, abbr = "upper", snapshots.issuer_of(None, "upper", day)["abbr"]
    decision = Decision(
        case_id=None,
        kind=ORG_DECISION.key,
        status="draft",
        issuer=issuer,
        issuer_abbr=abbr,
        doc_type=ORG_DECISION.doc_type,
        subject=data["subject"],
        template=ORG_DECISION.template,
        snapshot=canonical_json(data),
        drafted_by=actor.user_id,
        proposer_id=actor.user_id,
        verify_token=secrets.token_urlsafe(16),
    )
    db.session.add(decision)
    db.session.flush()
    try:
        return service.issue(
            None,
            ORG_DECISION,
            actor=actor,
            scope=None,
            decided_on=day,
            rules=rules_on(day),
            uow=current_uow(),
            decision=decision,
            signer=signer,
        )
    except InvalidInput as exc:  # the register's order of dates
        raise InvalidInput(
            {("effective_on" if k == "event_date" else k): v for k, v in exc.errors.items()}
        ) from None


def decision_of(decision_id: int | None) -> Decision | None:
    return db.session.get(Decision, parse_id(decision_id)) if decision_id else None
