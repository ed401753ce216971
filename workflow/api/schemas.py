"""JSON Schemas of the API's bodies (OpenAPI 3.1 components), kept next to ``serialize``."""

from __future__ import annotations

from typing import Any

from forms.people import PERSON_FIELDS
from states import REGISTRY
from states.facts import EDUCATION_LEVELS
from workflow.models.orgs import ORG_KINDS
from workflow.models.people import MEMBER_STATUSES, PRESENCES, SEXES
from workflow.procedures import PROCEDURES as PLUGINS

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INTEGER = {"type": ["integer", "null"]}
STRINGS = {"type": "array", "items": STRING}
ANY_OBJECT = {"type": "object"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Any], required: tuple[str, ...] | None = None) -> dict[str, Any]:
    """An object whose listed properties are all present unless ``required`` says otherwise."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties if required is None else required),
    }


def page_of(item: str) -> dict[str, Any]:
    return obj(
        {
            "items": {"type": "array", "items": ref(item)},
            "page": {"type": ["integer", "null"], "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "total": {"type": "integer", "minimum": 0},
            "total_capped": BOOLEAN,
            "next": NULLABLE_STRING,
        }
    )


PROCEDURES = sorted(REGISTRY)
STATES = sorted({s for spec in REGISTRY.values() for s in spec.states})
TRIGGERS = sorted({t for spec in REGISTRY.values() for t in spec.triggers()})
FIELD_TYPES = ["date", "int", "line", "text", "choice", "bool", "member", "ref", "rows"]

ORG_REF = obj({"id": INTEGER, "name": STRING})

_COUNT = {"type": "integer", "minimum": 0}
_MEMBERS = obj(
    {
        "start": obj({"official": _COUNT, "probationary": _COUNT, "total": _COUNT}),
        "end": obj({"official": _COUNT, "probationary": _COUNT, "total": _COUNT}),
        "in_transit_end": _COUNT,
        "flows": {"type": "object", "additionalProperties": _COUNT},
        "balanced": {"type": "boolean"},
    }
)
_PERCENT = {
    "type": ["string", "null"],
    "description": (
        'Tỷ lệ đạt chỉ tiêu như báo cáo in, ví dụ "30,16%": dấu phẩy thập phân, số chữ số '
        "thập phân theo cấu hình, phần dư bị cắt bỏ (không làm tròn); null khi chưa đặt chỉ tiêu."
    ),
}
_TARGET_LINE = obj(
    {
        "kind": {"type": "string"},
        "year": {"type": "integer"},
        "target": {"type": ["integer", "null"]},
        "period": _COUNT,
        "period_percent": _PERCENT,
        "year_to_date": {"type": ["integer", "null"]},
        "year_to_date_percent": _PERCENT,
    }
)
_INDICATOR = {
    **obj({"value": _COUNT, "tracked": BOOLEAN}),
    "description": (
        "Một chỉ tiêu thống kê. tracked = false: hệ thống chưa theo dõi thủ tục này (báo cáo in "
        '"chưa theo dõi"); value khi đó chỉ gồm lịch sử nhập từ danh sách đảng viên, nên 0 '
        "nghĩa là chưa biết, không phải không có."
    ),
}
_INDICATORS = {"type": "object", "additionalProperties": _INDICATOR}

SCHEMAS: dict[str, Any] = {
    "PeriodReport": obj(
        {
            "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "organization": {"type": ["string", "null"]},
            "organization_name": {"type": "string"},
            "as_of_seq": _COUNT,
            "chain_position": {
                "type": "string",
                "description": "Vị trí chuỗi nhật ký tại bản ghi as_of_seq (#số mã), để đối chiếu.",
            },
            "balanced": {"type": "boolean"},
            "late_entered_events": _COUNT,
            "summary": {"type": "string"},
            "targets": {"type": "array", "items": _TARGET_LINE},
            "untracked_flows": {
                **STRINGS,
                "description": (
                    "Các biến động (khóa trong members.flows) của thủ tục hệ thống chưa theo dõi: "
                    "số của chúng chỉ gồm lịch sử nhập từ danh sách đảng viên."
                ),
            },
            "indicators": _INDICATORS,
            "members": _MEMBERS,
            "organizations": {
                "type": "object",
                "additionalProperties": {
                    **_MEMBERS,
                    "properties": {
                        **_MEMBERS["properties"],
                        "name": {"type": "string"},
                        "indicators": _INDICATORS,
                    },
                    "required": [*_MEMBERS["required"], "name", "indicators"],
                },
            },
        }
    ),
    "Error": obj(
        {
            "error": obj(
                {
                    "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "message": STRING,
                    "fields": {"type": "object", "additionalProperties": STRING},
                    "reasons": STRINGS,
                    "incident": STRING,
                },
                required=("code", "message"),
            )
        }
    ),
    "OrgRef": ORG_REF,
    "Organization": obj(
        {
            "id": INTEGER,
            "code": STRING,
            "name": STRING,
            "kind": {"type": "string", "enum": list(ORG_KINDS)},
            "kind_label": STRING,
            "parent_id": NULLABLE_INTEGER,
            "authorized_to_admit": BOOLEAN,
            "active": BOOLEAN,
        }
    ),
    "OrganizationList": obj({"items": {"type": "array", "items": ref("Organization")}}),
    "OrganizationDetail": {
        "allOf": [
            ref("Organization"),
            obj({"children": {"type": "array", "items": ref("OrgRef")}}),
        ]
    },
    "Person": obj(
        {
            "id": INTEGER,
            "full_name": STRING,
            "birth_date": DATE,
            "sex": {"type": "string", "enum": list(SEXES)},
            "citizen_id": {
                "type": "string",
                "description": "Số CCCD đã che: giữ 4 chữ số đầu và 2 chữ số cuối.",
            },
            "member_status": {"type": "string", "enum": list(MEMBER_STATUSES)},
            "member_status_label": STRING,
            "presence": {"type": "string", "enum": list(PRESENCES)},
            "cell": ref("OrgRef"),
        }
    ),
    "PersonDetail": {
        "allOf": [
            ref("Person"),
            obj(
                {
                    "ethnicity": STRING,
                    "religion": STRING,
                    "home_town": STRING,
                    "education": STRING,
                    "occupation": STRING,
                    "admission_decision_on": NULLABLE_DATE,
                    "joined_on": NULLABLE_DATE,
                    "official_on": NULLABLE_DATE,
                }
            ),
        ]
    },
    "PersonPage": page_of("Person"),
    "Case": obj(
        {
            "id": INTEGER,
            "procedure": {"type": "string", "enum": PROCEDURES},
            "procedure_label": STRING,
            "state": {"type": "string", "enum": STATES},
            "state_label": STRING,
            "version": INTEGER,
            "person": obj({"id": INTEGER, "full_name": STRING}),
            "cell": ref("OrgRef"),
            "opened_on": DATE,
            "last_event_on": NULLABLE_DATE,
            "closed_at": NULLABLE_TIME,
        }
    ),
    "CasePage": page_of("Case"),
    "Field": obj(
        {
            "name": STRING,
            "label": STRING,
            "type": {"type": "string", "enum": FIELD_TYPES},
            "required": BOOLEAN,
            "choices": {"type": "array", "items": obj({"value": STRING, "label": STRING})},
            "help": STRING,
            "min": NULLABLE_INTEGER,
            "max": NULLABLE_INTEGER,
            "max_length": INTEGER,
            "rows": {"type": "array", "items": ref("Field")},
            "min_rows": INTEGER,
            "max_rows": INTEGER,
        },
        required=("name", "label", "type", "required", "choices", "help"),
    ),
    "Action": obj(
        {
            "trigger": STRING,
            "label": STRING,
            "kind": {"type": "string", "enum": ["main", "side", "record"]},
            "allowed": BOOLEAN,
            "reasons": STRINGS,
            "notes": STRINGS,
            "requires_password": BOOLEAN,
            "fields": {"type": "array", "items": ref("Field")},
        }
    ),
    "CaseDetail": {
        "allOf": [ref("Case"), obj({"actions": {"type": "array", "items": ref("Action")}})]
    },
    "OpenedCase": {
        "allOf": [
            ref("CaseDetail"),
            obj(
                {
                    "warnings": {
                        "type": "object",
                        "additionalProperties": STRING,
                        "description": "Điều nên kiểm tra lại, theo trường (hồ sơ vẫn được "
                        "lưu): person.full_name khi họ tên không có dấu.",
                    }
                }
            ),
        ]
    },
    "AuditRow": obj(
        {
            "seq": INTEGER,
            "entered_at": {"type": "string", "format": "date-time"},
            "event_date": NULLABLE_DATE,
            "action": STRING,
            "action_label": STRING,
            "from_state": NULLABLE_STRING,
            "to_state": NULLABLE_STRING,
            "actor_name": STRING,
            "actor_role": NULLABLE_STRING,
            "payload": ANY_OBJECT,
            "comment": STRING,
        }
    ),
    "AuditTrail": obj({"items": {"type": "array", "items": ref("AuditRow")}}),
    "OpenCase": obj(
        {
            "procedure": {
                "type": "string",
                "enum": [k for k, p in PLUGINS.items() if p.opening is not None],
                "description": "Thủ tục mở hồ sơ (open_label của thủ tục).",
            },
            "person": {
                "oneOf": [
                    {"type": "integer", "description": "Mã người đã có hồ sơ (chuyển sinh hoạt)."},
                    obj(
                        {
                            **dict.fromkeys(PERSON_FIELDS, STRING),
                            "birth_date": {
                                "type": "string",
                                "description": "yyyy-mm-dd hoặc ngày/tháng/năm",
                            },
                            "sex": {"type": "string", "enum": list(SEXES)},
                            "education": {
                                "type": "string",
                                "enum": [key for key, _ in EDUCATION_LEVELS],
                            },
                        },
                        required=("full_name", "birth_date", "sex", "citizen_id", "education"),
                    ),
                ],
                "description": "Người được mở hồ sơ: mã của người đã có hồ sơ, hoặc thông tin "
                "của người mới (đưa vào danh sách nguồn, đảng viên từ ngoài chuyển đến).",
            },
            "cell": {
                "type": "integer",
                "description": "Chi bộ của người mới (khi thủ tục mở kèm hồ sơ người mới trong "
                "một chi bộ).",
            },
            "subject": {
                "type": "object",
                "description": "Thông tin khác về người mới mà thủ tục cần (đảng viên chuyển "
                "đến: member_status, joined_on, admission_decision_on, official_on).",
            },
            "data": {
                "type": "object",
                "description": "Trường của bước mở hồ sơ: event_date và open_fields của thủ tục.",
            },
        },
        required=("procedure", "person"),
    ),
    "FireTransition": obj(
        {
            "version": {
                "type": "integer",
                "minimum": 0,
                "description": "Phiên bản hồ sơ khi đọc (version); khác hiện tại: 409.",
            },
            "data": {
                "type": "object",
                "description": "Giá trị các trường của thao tác (xem actions[].fields).",
            },
            "password": {
                "type": "string",
                "description": "Mật khẩu của người dùng, bắt buộc khi requires_password.",
            },
        },
        required=("version",),
    ),
    "TransitionResult": obj(
        {
            "trigger": STRING,
            "from_state": STRING,
            "to_state": STRING,
            "audit_seq": INTEGER,
            "case": ref("Case"),
        }
    ),
}
