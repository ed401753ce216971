"""Turning stored codes into Vietnamese for pages: audit actions, payload values, labels."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask

from states import REGISTRY
from states.dates import vn_date
from states.facts import EDUCATION_LEVELS
from states.fields import Field
from states.spec import ProcedureSpec
from workflow.extensions import db
from workflow.models import Organization, Person, VerificationRequest

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
    "person.gap_added": "Ghi thời gian không tính tuổi đảng",
    "document.correction_drafted": "Soạn quyết định sửa đổi",
    "document.issued": "Ký ban hành",
    "attachment.added": "Đính kèm bản quét",
    "access.refused": "Bị từ chối truy cập",
    "attachment.removed": "Gỡ bản quét",
    "moved_with_member": "Chuyển theo đảng viên sang chi bộ mới",
    "closed_by_transfer": "Kết thúc: đảng viên chuyển sinh hoạt ra ngoài Đảng bộ",
}
#: labels of what a transfer writes on the member's other cases
TRANSFER_EFFECT_LABELS = {
    "transfer_case": "Hồ sơ chuyển sinh hoạt",
    "cell": "Chi bộ mới",
    "destination": "Nơi đến",
}


def _choice_labels() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}

    def walk(fields: tuple[Field, ...]) -> None:
        for f in fields:
            if f.choices:
                out.setdefault(f.name, {}).update(dict(f.choices))
            walk(f.rows)

    for spec in REGISTRY.values():
        walk(spec.open_fields)
        for t in spec.transitions:
            walk(t.fields)
    out.setdefault("result", {}).update(
        {"clear": "Không có vấn đề", "concern": "Có vấn đề cần làm rõ"}
    )
    return out


CHOICE_LABELS = _choice_labels()


def action_label(spec: ProcedureSpec | None, action: str) -> str:
    if spec is not None:
        if action == "open":
            return spec.open_label or ACTION_LABELS["open"]
        for t in spec.transitions:
            if t.trigger == action:
                return t.label
    return ACTION_LABELS.get(action, action)


#: payload keys that name an organization by its id
ORGANIZATION_KEYS = frozenset({"cell", "destination_org", "destination_cell", "origin_org"})


def payload_value(value: Any, key: str = "") -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if key in ("member", "helper") and isinstance(value, int):
        person = db.session.get(Person, value)
        return person.full_name if person else f"#{value}"
    if key in ORGANIZATION_KEYS and isinstance(value, int):
        org = db.session.get(Organization, value)
        return org.name if org else f"#{value}"
    if key == "transfer_case" and isinstance(value, int):
        return f"#{value}"
    if key == "request" and isinstance(value, int):
        request = db.session.get(VerificationRequest, value)
        return f"{request.subject} – {request.addressee}" if request else f"#{value}"
    if isinstance(value, list):
        return "; ".join(payload_value(v, key) for v in value)
    if isinstance(value, dict):
        return ", ".join(
            payload_value(v, k) for k, v in value.items() if v not in (None, "", False)
        )
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            from datetime import date

            return vn_date(date.fromisoformat(value))
        if key in CHOICE_LABELS and value in CHOICE_LABELS[key]:
            return CHOICE_LABELS[key][value]
    return str(value)


def payload_items(payload_text: str, labels: dict[str, str]) -> list[tuple[str, str]]:
    """(label, value) pairs of an audit payload, in the form's field order, empty ones left
    out and the event date (shown separately) skipped."""
    data = json.loads(payload_text or "{}")
    keys = [k for k in labels if k in data] + sorted(k for k in data if k not in labels)
    return [
        (labels.get(k, k), payload_value(data[k], k))
        for k in keys
        if k != "event_date" and data[k] not in (None, "", [], False)
    ]


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


def init_app(app: Flask) -> None:
    app.add_template_filter(filesize)
    app.add_template_global(action_label)
    app.add_template_global(payload_value)
    app.add_template_global(payload_items)
    app.add_template_global(rows_used)
    app.add_template_global(lambda key: _EDUCATION.get(key, key), "education_label")
    app.add_template_filter(lambda text: json.loads(text or "{}"), "fromjson")
