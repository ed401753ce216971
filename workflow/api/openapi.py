"""The OpenAPI 3.1 description of ``/api/v1`` (served at ``/api/v1/openapi.json``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from workflow.api.errors import PREFIX
from workflow.api.params import MAX_PER_PAGE
from workflow.api.schemas import PROCEDURES, SCHEMAS, STATES, TRIGGERS, ref
from workflow.ids import MAX_ID
from workflow.models.people import MEMBER_STATUSES

ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
TEXT = {"type": "string", "maxLength": 100}
SEARCH_HELP = (
    "Các từ của họ tên, mỗi từ khớp phần đầu một từ của tên (gõ không dấu: không phân biệt "
    "dấu; gõ có dấu: đúng từ đó), hoặc 4–12 chữ số cuối của số CCCD"
)

ERRORS = {
    400: "JSON không đọc được",
    401: "Thiếu mã truy cập, mã sai, đã thu hồi, hết hạn, hoặc tài khoản bị khóa",
    403: "Không có vai trò hoặc quyền cho thao tác này",
    404: "Không có, hoặc nằm ngoài phạm vi của người gọi",
    409: "Phiên bản hồ sơ đã thay đổi, hoặc thao tác không hợp với trạng thái hiện tại",
    413: "Nội dung gửi lên quá lớn",
    415: "Nội dung gửi lên không phải JSON",
    422: "Tham số hoặc dữ liệu không hợp lệ, hoặc chưa đủ điều kiện",
    500: "Lỗi hệ thống (kèm mã sự cố)",
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": ref("Error")}},
    }


def _ok(schema: str, description: str = "Thành công") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


def _responses(success: dict[int, dict[str, Any]], errors: tuple[int, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {str(code): body for code, body in success.items()}
    for code in (401, *errors, 500):
        out[str(code)] = _error(ERRORS[code])
    out["default"] = _error("Lỗi khác (405, 503…)")
    return out


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": ID, "description": description}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PAGING = [
    _query(
        "page",
        ID,
        "Trang (từ 1; quá trang cuối thì trả trang cuối), trong 10.000 mục đầu; sâu hơn thì "
        "dùng after",
    ),
    _query(
        "after",
        {"type": "string"},
        "Con trỏ: giá trị next của trang trước; trang sau nó (mọi độ sâu như nhau)",
    ),
    _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        f"Số mục mỗi trang (mặc định 25, tối đa {MAX_PER_PAGE})",
    ),
]
CASE_ID = _path("case_id", "Mã hồ sơ")


def _json_body(schema: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": ref(schema)}}}


DATE = {"type": "string", "format": "date"}


def _paths() -> dict[str, Any]:
    return {
        "/reports/period": {
            "get": {
                "operationId": "getPeriodReport",
                "summary": "Báo cáo thống kê của một kỳ, tính từ nhật ký theo ngày diễn ra",
                "parameters": [
                    _query("from", DATE, "Ngày bắt đầu kỳ (mặc định: quý trước)"),
                    _query("to", DATE, "Ngày kết thúc kỳ"),
                    _query("org", ID, "Mã tổ chức (bỏ trống: toàn Đảng bộ nếu được phép)"),
                ],
                "responses": _responses({200: _ok("PeriodReport")}, (403, 404, 422)),
            }
        },
        "/organizations": {
            "get": {
                "operationId": "listOrganizations",
                "summary": "Các tổ chức trong phạm vi của người gọi",
                "responses": _responses({200: _ok("OrganizationList")}, (403,)),
            }
        },
        "/organizations/{org_id}": {
            "get": {
                "operationId": "getOrganization",
                "summary": "Một tổ chức và các tổ chức trực thuộc nhìn thấy được",
                "parameters": [_path("org_id", "Mã tổ chức")],
                "responses": _responses({200: _ok("OrganizationDetail")}, (403, 404)),
            }
        },
        "/people": {
            "get": {
                "operationId": "listPeople",
                "summary": "Tìm người trong phạm vi của người gọi",
                "parameters": [
                    _query("q", TEXT, SEARCH_HELP),
                    _query("cell", ID, "Mã tổ chức: chỉ người thuộc tổ chức này và cấp dưới"),
                    _query(
                        "member_status",
                        {"type": "string", "enum": list(MEMBER_STATUSES)},
                        "Tình trạng đảng viên",
                    ),
                    *PAGING,
                ],
                "responses": _responses({200: _ok("PersonPage")}, (403, 422)),
            }
        },
        "/people/{person_id}": {
            "get": {
                "operationId": "getPerson",
                "summary": "Hồ sơ một người (số CCCD đã che)",
                "parameters": [_path("person_id", "Mã người")],
                "responses": _responses({200: _ok("PersonDetail")}, (403, 404)),
            }
        },
        "/cases": {
            "get": {
                "operationId": "listCases",
                "summary": "Tìm hồ sơ trong phạm vi của người gọi",
                "parameters": [
                    _query("q", TEXT, SEARCH_HELP),
                    _query("procedure", {"type": "string", "enum": PROCEDURES}, "Quy trình"),
                    _query(
                        "state",
                        {"type": "string", "enum": STATES},
                        "Trạng thái (phải thuộc quy trình nếu có chọn quy trình)",
                    ),
                    _query("org", ID, "Mã tổ chức: chỉ hồ sơ thuộc tổ chức này và cấp dưới"),
                    _query(
                        "status",
                        {"type": "string", "enum": ["open", "closed", "all"]},
                        "Đang mở, đã đóng, hoặc tất cả (mặc định)",
                    ),
                    *PAGING,
                ],
                "responses": _responses({200: _ok("CasePage")}, (403, 422)),
            },
            "post": {
                "operationId": "openCase",
                "summary": "Mở hồ sơ của một thủ tục: cho người đã có hồ sơ, hoặc kèm hồ sơ người "
                "mới (đưa vào danh sách nguồn, đảng viên chuyển đến), theo quyền của người gọi",
                "requestBody": _json_body("OpenCase"),
                "responses": _responses(
                    {
                        201: {
                            **_ok("OpenedCase", "Đã mở hồ sơ"),
                            "headers": {
                                "Location": {
                                    "description": "Địa chỉ của hồ sơ mới",
                                    "schema": {"type": "string"},
                                }
                            },
                        }
                    },
                    (400, 403, 413, 415, 422),
                ),
            },
        },
        "/cases/{case_id}": {
            "get": {
                "operationId": "getCase",
                "summary": "Một hồ sơ: trạng thái, phiên bản, các thao tác và lý do chưa làm được",
                "parameters": [CASE_ID],
                "responses": _responses({200: _ok("CaseDetail")}, (403, 404)),
            }
        },
        "/cases/{case_id}/audit": {
            "get": {
                "operationId": "getCaseAudit",
                "summary": "Nhật ký các bước của hồ sơ",
                "parameters": [CASE_ID],
                "responses": _responses({200: _ok("AuditTrail")}, (403, 404)),
            }
        },
        "/cases/{case_id}/transitions/{trigger}": {
            "post": {
                "operationId": "fireTransition",
                "summary": "Thực hiện một thao tác trên hồ sơ",
                "parameters": [
                    CASE_ID,
                    {
                        "name": "trigger",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": TRIGGERS},
                        "description": "Mã thao tác (actions[].trigger)",
                    },
                ],
                "requestBody": _json_body("FireTransition"),
                "responses": _responses(
                    {200: _ok("TransitionResult", "Đã thực hiện")},
                    (400, 403, 404, 409, 413, 415, 422),
                ),
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "summary": "Tài liệu OpenAPI này",
                "responses": _responses(
                    {
                        200: {
                            "description": "Tài liệu OpenAPI 3.1",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                    (),
                ),
            }
        },
    }


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Công tác đảng viên — API",
            "version": "1",
            "description": (
                "Đọc tổ chức, người, hồ sơ và nhật ký trong phạm vi của người gọi; mở hồ sơ và "
                "thực hiện các bước qua cùng bộ máy quy trình với giao diện web. Xác thực bằng "
                "mã truy cập tạo ở trang tài khoản: Authorization: Bearer <mã>. Lỗi luôn có dạng "
                '{"error": {"code", "message", "fields"?, "reasons"?, "incident"?}}.'
            ),
        },
        "servers": [{"url": PREFIX}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
