"""Turning stored codes into Vietnamese for pages: audit actions, payload values, labels."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select

from states import REGISTRY
from states.dates import vn_date
from states.facts import EDUCATION_LEVELS
from states.fields import Field
from states.numbers import percent_of, share, vn_decimal, vn_number
from states.rules import rules_on
from states.spec import ProcedureSpec
from states.text import first_lower, first_upper
from workflow.clock import today
from workflow.extensions import db
from workflow.models import (
    AuditEntry,
    Case,
    Decision,
    Organization,
    Person,
    User,
    VerificationRequest,
)
from workflow.procedures import openable

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EDUCATION = dict(EDUCATION_LEVELS)

ACTION_LABELS = {
    "open": "Mở hồ sơ",
    "person.create": "Tạo hồ sơ cá nhân",
    "person.update": "Sửa thông tin cá nhân",
    "history.admission_decided": "Lịch sử: quyết định kết nạp",
    "history.joined": "Lịch sử: vào Đảng (lễ kết nạp)",
    "history.recognized": "Lịch sử: công nhận đảng viên chính thức",
    "organization.create": "Tạo tổ chức đảng",
    "organization.update": "Sửa tổ chức đảng",
    "organization.member_moved": "Chuyển sinh hoạt cùng tổ chức (sắp xếp tổ chức đảng)",
    "case.reorganized": "Hồ sơ chuyển theo đảng viên (sắp xếp tổ chức đảng)",
    "organization.establish": "Thành lập tổ chức đảng",
    "organization.rename": "Đổi tên tổ chức đảng",
    "organization.upgrade": "Nâng cấp chi bộ thành đảng bộ",
    "organization.downgrade": "Chuyển đảng bộ thành chi bộ",
    "organization.merge": "Hợp nhất tổ chức đảng",
    "organization.split": "Chia tách tổ chức đảng",
    "organization.dissolve": "Giải thể tổ chức đảng",
    "organization.move": "Chuyển tổ chức đảng trực thuộc tổ chức khác",
    "organization.hand_over": "Chuyển giao tổ chức đảng cho đảng ủy cấp trên khác",
    "organization.succeed_upper": "Đảng ủy cấp trên đổi tên hoặc được thay thế",
    "organization.record_term": "Nhiệm kỳ mới của cấp ủy",
    "organization.approve_election": "Chuẩn y kết quả bầu cử cấp ủy",
    "organization.relieve_post": "Cho thôi giữ chức vụ trong cấp ủy",
    "organization.upper_posts": "Chức vụ của Đảng ủy cấp trên",
    "organization.org_discipline": "Thi hành kỷ luật tổ chức đảng",
    "login": "Đăng nhập",
    "login_failed": "Đăng nhập sai",
    "login_refused_locked": "Đăng nhập khi tài khoản bị khóa",
    "login_refused_address": "Đăng nhập bị chặn: quá nhiều lần sai từ địa chỉ mạng này",
    "login_password_ok": "Đúng mật khẩu, chờ mã xác thực",
    "mfa.enable": "Bật xác thực hai lớp",
    "mfa.disable": "Tắt xác thực hai lớp",
    "mfa.reset": "Đặt lại xác thực hai lớp",
    "logout": "Đăng xuất",
    "user.create": "Tạo tài khoản",
    "grant.add": "Thêm vai trò",
    "grant.remove": "Bỏ vai trò",
    "password.change": "Đổi mật khẩu",
    "password.reset": "Đặt lại mật khẩu",
    "user.activate": "Mở khóa tài khoản",
    "user.deactivate": "Khóa tài khoản",
    "calendar.add": "Thêm ngày điều chỉnh lịch",
    "calendar.remove": "Xóa ngày điều chỉnh lịch",
    "document.rendered": "Tạo tệp PDF, ghi mã băm",
    "deadline.overdue": "Quá hạn",
    "card.issued": "Ghi cấp thẻ đảng viên",
    "card.self_review": "Ghi bản tự kiểm điểm mất, hỏng thẻ đảng viên",
    "card.cell_review": "Chi bộ xem xét việc mất, hỏng thẻ đảng viên",
    "card.grassroots_list": "Đảng ủy cơ sở gửi danh sách đề nghị cấp thẻ",
    "card.department_list": "Ban Tổ chức tổng hợp danh sách đề nghị cấp thẻ",
    "card.reissued_lost": "Quyết định cấp lại thẻ đảng viên bị mất",
    "card.reissued_damaged": "Quyết định đổi lại thẻ đảng viên bị hỏng",
    "card.enter": "Nhập cơ sở dữ liệu đảng viên (thẻ)",
    "card.print": "Tỉnh ủy in thẻ đảng viên",
    "card.receive": "Nhận thẻ đảng viên",
    "card.hand_over": "Trao thẻ đảng viên",
    "card.collected": "Thu hồi thẻ đảng viên",
    "card.exchanged": "Quyết định đổi thẻ đảng viên (Chỉ thị 51-CT/TW)",
    "card.exchange_started": "Bắt đầu đổi thẻ đảng viên theo Chỉ thị 51-CT/TW",
    "person.gap_added": "Ghi thời gian không tính tuổi đảng",
    "person.party_age_verified": "Chi bộ xác minh tờ khai tuổi đảng",
    "document.correction_drafted": "Soạn quyết định sửa đổi",
    "document.issued": "Ký ban hành",
    "attachment.added": "Đính kèm bản quét",
    "access.refused": "Bị từ chối truy cập",
    "access.refused_suppressed": "Bị từ chối truy cập nhiều lần (không ghi từng lần trong giờ này)",
    "attachment.removed": "Gỡ bản quét",
    "moved_with_member": "Chuyển theo đảng viên sang chi bộ mới",
    "closed_by_transfer": "Kết thúc: đảng viên chuyển sinh hoạt ra ngoài Đảng bộ",
    "closed_membership_ended": "Kết thúc: đảng viên không còn trong danh sách đảng viên",
    "api_token.create": "Tạo mã truy cập API",
    "api_token.revoke": "Thu hồi mã truy cập API",
    "api_token.revoke_all": "Thu hồi mọi mã truy cập API của tài khoản",
    "files.swept": "Dọn tệp không còn được dùng",
    "files.moved": "Chuyển tệp đã lưu sang nơi lưu khác",
    "reauth_failed": "Nhập sai mật khẩu khi ký",
    "report.locked": "Khóa số liệu báo cáo kỳ",
    "report.issued": "Lấy số báo cáo kỳ gửi đi",
    "roster.imported": "Nhập danh sách đảng viên từ tệp Excel",
    "target.set": "Đặt chỉ tiêu năm",
}
#: what an audit row is about, by its subject type
SUBJECT_LABELS = {
    "case": "Hồ sơ",
    "person": "Người",
    "organization": "Tổ chức đảng",
    "org_event": "Sự kiện tổ chức",
    "user": "Tài khoản",
    "decision": "Văn bản",
    "calendar": "Lịch làm việc",
    "import": "Lần nhập danh sách",
    "report": "Báo cáo kỳ",
    "system": "Hệ thống",
}
#: labels of what effects add to a step's record besides the form's own fields
PAYLOAD_LABELS = {
    "event_date": "Ngày",
    "decision_number": "Quyết định",
    "new_due_on": "Hạn mới",
    "probation_end": "Ngày kết thúc thời kỳ dự bị",
    "official_on": "Ngày công nhận đảng viên chính thức",
    "period_end": "Ngày kết thúc thời gian sinh hoạt tạm thời",
    "end": "Ngày kết thúc thời kỳ dự bị",
    "deadline": "Thời hạn",
    "due_on": "Hạn",
    "closed_cases": "Các hồ sơ khác của đảng viên đã kết thúc",
    "gap": "Thời gian không tính tuổi đảng",
}
#: labels of what a step that ends a membership writes on the member's other cases
MEMBERSHIP_END_LABELS = {"reason": "Lý do", "by_case": "Theo hồ sơ"}
#: labels of what a transfer writes on the member's other cases
TRANSFER_EFFECT_LABELS = {
    "transfer_case": "Hồ sơ chuyển sinh hoạt",
    "cell": "Chi bộ mới",
    "destination": "Nơi đến",
}


def _choice_labels() -> dict[str | None, dict[str, dict[str, str]]]:
    """procedure → field → value → label; a field's choices differ between procedures (the
    "opinions" paper is 5-KNĐ in an admission, 12-KNĐ in a probation). ``None``: any."""
    out: dict[str | None, dict[str, dict[str, str]]] = {None: {}}

    def walk(procedure: str, fields: tuple[Field, ...]) -> None:
        for f in fields:
            if f.choices:
                out.setdefault(procedure, {}).setdefault(f.name, {}).update(dict(f.choices))
                out[None].setdefault(f.name, {}).update(dict(f.choices))
            walk(procedure, f.rows)

    for spec in REGISTRY.values():
        walk(spec.key, spec.open_fields)
        for t in spec.transitions:
            walk(spec.key, t.fields)
    out[None].setdefault("result", {}).update(
        {"clear": "Không có vấn đề", "concern": "Có vấn đề cần làm rõ"}
    )
    return out


CHOICE_LABELS = _choice_labels()


def choice_label(key: str, value: str, procedure: str | None = None) -> str | None:
    for scope in (procedure, None):
        label = CHOICE_LABELS.get(scope, {}).get(key, {}).get(value)
        if label is not None:
            return label
    return None


def action_label(spec: ProcedureSpec | None, action: str) -> str:
    if spec is not None:
        if action == "open":
            return spec.open_label or ACTION_LABELS["open"]
        for t in spec.transitions:
            if t.trigger == action:
                return t.label
    return ACTION_LABELS.get(action, action)


#: payload keys that name another record by its id, and how to name it (a module that writes
#: such keys registers them: ``workflow.training`` its classes)
REFERENCE_NAMES: dict[str, Callable[[int], str]] = {}
#: payload keys that name an organization by its id
ORGANIZATION_KEYS = frozenset({"cell", "destination_org", "destination_cell", "origin_org"})


def payload_value(value: Any, key: str = "", procedure: str | None = None) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if key in ("member", "helper") and isinstance(value, int):
        person = db.session.get(Person, value)
        return person.full_name if person else f"#{value}"
    if key in REFERENCE_NAMES and isinstance(value, int) and not isinstance(value, bool):
        return REFERENCE_NAMES[key](value)
    if key in ORGANIZATION_KEYS and isinstance(value, int):
        org = db.session.get(Organization, value)
        return org.name if org else f"#{value}"
    if key in ("transfer_case", "by_case", "closed_cases") and isinstance(value, int):
        return f"#{value}"
    if key == "request" and isinstance(value, int):
        request = db.session.get(VerificationRequest, value)
        return f"{request.subject} – {request.addressee}" if request else f"#{value}"
    if isinstance(value, list):
        return "; ".join(payload_value(v, key, procedure) for v in value)
    if isinstance(value, dict):
        return ", ".join(
            payload_value(v, k, procedure) for k, v in value.items() if v not in (None, "", False)
        )
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            return vn_date(date.fromisoformat(value))
        label = choice_label(key, value, procedure)
        if label is not None:
            return label
    return str(value)


def payload_items(
    payload_text: str, labels: dict[str, str], procedure: str | None = None
) -> list[tuple[str, str]]:
    """(label, value) pairs of an audit payload, in the form's field order, empty ones left
    out and the event date (shown separately) skipped."""
    data = json.loads(payload_text or "{}")
    keys = [k for k in labels if k in data] + sorted(k for k in data if k not in labels)
    return [
        (labels.get(k) or PAYLOAD_LABELS.get(k, k), payload_value(data[k], k, procedure))
        for k in keys
        if k != "event_date" and data[k] not in (None, "", [], False)
    ]


@dataclass(frozen=True)
class AuditLine:
    """One audit row as an auditor reads it; ``key`` keeps the technical names."""

    entry: AuditEntry
    action: str
    subject: str
    states: str
    key: str


def audit_lines(rows: list[AuditEntry]) -> list[AuditLine]:
    """Labels and names for a page of audit rows (each kind of subject read in one query)."""
    ids: dict[str, set[int]] = {}
    for r in rows:
        if r.subject_id is not None:
            ids.setdefault(r.subject_type, set()).add(r.subject_id)
    names = _subject_names(ids)
    lines = []
    for r in rows:
        spec = REGISTRY.get(r.procedure or "")
        states = ""
        if spec is not None and r.to_state and r.from_state != r.to_state:
            states = (
                f"{spec.state_label(r.from_state)} → {spec.state_label(r.to_state)}"
                if r.from_state
                else f"bắt đầu ở bước: {spec.state_label(r.to_state)}"
            )
        kind = SUBJECT_LABELS.get(r.subject_type, r.subject_type)
        name = names.get((r.subject_type, r.subject_id))
        if r.subject_id is None:
            subject = kind
        elif r.subject_type == "case":
            subject = f"{kind} #{r.subject_id}" + (f" – {name}" if name else "")
        else:
            subject = f"{kind}: {name}" if name else f"{kind} #{r.subject_id}"
        technical = f"{r.subject_type} {r.subject_id or ''} · {r.action}".replace("  ", " ")
        if r.to_state:
            technical += f" ({r.from_state or '—'} → {r.to_state})"
        lines.append(AuditLine(r, action_label(spec, r.action), subject, states, technical))
    return lines


def _subject_names(ids: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """(subject type, id) → a name: people, cases (whose person and procedure), organizations,
    accounts and documents."""
    out: dict[tuple[str, int], str] = {}
    queries = {
        "person": select(Person.id, Person.full_name),
        "organization": select(Organization.id, Organization.name),
        "user": select(User.id, User.full_name),
    }
    for kind, stmt in queries.items():
        if ids.get(kind):
            column = stmt.selected_columns[0]
            for key, name in db.session.execute(stmt.where(column.in_(ids[kind]))):
                out[(kind, key)] = name
    if ids.get("case"):
        for case_id, procedure, name in db.session.execute(
            select(Case.id, Case.procedure, Person.full_name)
            .join(Person, Person.id == Case.person_id)
            .where(Case.id.in_(ids["case"]))
        ):
            label = REGISTRY[procedure].label if procedure in REGISTRY else procedure
            out[("case", case_id)] = f"{name} ({first_lower(label)})"
    if ids.get("decision"):
        for decision in db.session.scalars(
            select(Decision).where(Decision.id.in_(ids["decision"]))
        ):
            out[("decision", decision.id)] = f"{decision.reference} {decision.subject}"
    return out


def rows_used(rows: Any) -> bool:
    """Whether any row of a repeated-rows form field holds a value."""
    return any(
        v not in (None, "", False)
        for row in rows or []
        if isinstance(row, dict)
        for v in row.values()
    )


def filesize(size: int) -> str:
    """1536 → "1,5 KB" (Vietnamese decimal comma)."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".", ",")
    return f"{size} byte"


def percent_value(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """The share in percent, cut to the printed decimals (PERCENT_DECIMALS, PERCENT_TRUNCATE):
    what a workbook stores in a percentage cell so that it shows what the page prints."""
    config = current_app.config
    return share(
        part, whole, decimals=config["PERCENT_DECIMALS"], truncate=config["PERCENT_TRUNCATE"]
    )


def vn_percent(part: int | Decimal, whole: int | Decimal) -> str | None:
    """The one way a share is printed, on pages, PDFs, charts and in the report's sentences:
    "30,16%" (decimals and truncation from the settings); None when there is no whole (no
    target set)."""
    config = current_app.config
    text = percent_of(
        part, whole, decimals=config["PERCENT_DECIMALS"], truncate=config["PERCENT_TRUNCATE"]
    )
    return None if text is None else text + "%"


#: a rule's number named in a help text or hint: ``{rule:death.dossier_working_days}``
_RULE_REF = re.compile(r"\{rule:([a-z_]+(?:\.[a-z_]+)+)\}")


def with_rules(text: str | None) -> str:
    """A help text with each ``{rule:key}`` replaced by the number in force today, so that what
    a form says follows the rules when they change."""
    text = text or ""
    if "{rule:" not in text:
        return text
    rules = rules_on(today())
    return _RULE_REF.sub(lambda m: vn_number(rules[m.group(1)]), text)


def init_app(app: Flask) -> None:
    app.add_template_filter(with_rules)
    app.add_template_filter(first_upper)
    app.add_template_filter(filesize)
    app.add_template_filter(vn_number)
    app.add_template_filter(vn_decimal)
    app.add_template_global(vn_percent)
    app.add_template_global(action_label)
    app.add_template_global(payload_value)
    app.add_template_global(payload_items)
    app.add_template_global(audit_lines)
    app.add_template_global(openable)
    app.add_template_global(rows_used)
    app.add_template_global(lambda key: _EDUCATION.get(key, key), "education_label")
    app.add_template_filter(lambda text: json.loads(text or "{}"), "fromjson")
