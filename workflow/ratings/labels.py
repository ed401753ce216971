"""What the audit trail's rows about ratings and model cells are called."""

from __future__ import annotations

ACTION_LABELS = {
    "rating.period_open": "Mở kỳ đánh giá, xếp loại chất lượng",
    "rating.period_closed": "Khóa kỳ đánh giá, xếp loại chất lượng",
    "rating.member_proposed": "Ghi tự xếp loại và đề xuất xếp loại của chi bộ",
    "rating.sheet_proposed": "Chi bộ gửi đề xuất xếp loại đảng viên",
    "rating.member_approved": "Đảng ủy cơ sở duyệt xếp loại đảng viên",
    "rating.sheet_approved": "Đảng ủy cơ sở duyệt danh sách xếp loại của chi bộ",
    "rating.sheet_returned": "Trả lại đề xuất xếp loại để chi bộ sửa",
    "rating.org_self_review": "Tổ chức đảng tự đánh giá, xếp loại",
    "rating.org_rated": "Cấp ủy cấp trên xếp loại tổ chức cơ sở đảng",
    "model_cell.round_open": "Mở đợt đăng ký chi bộ kiểu mẫu",
    "model_cell.registered": "Chi bộ đăng ký xây dựng chi bộ kiểu mẫu",
    "model_cell.withdrawn": "Chi bộ rút đăng ký chi bộ kiểu mẫu",
    "model_cell.list_approved": "Ban Thường vụ duyệt danh sách chi bộ kiểu mẫu",
    "model_cell.recognized": "Công nhận chi bộ kiểu mẫu",
}
PAYLOAD_LABELS = {
    "period": "Kỳ đánh giá",
    "rules": "Quy định áp dụng",
    "org": "Tổ chức đảng",
    "self_rating": "Tự xếp loại",
    "proposed": "Chi bộ đề xuất",
    "rating_level": "Mức xếp loại",
    "exemplary": "Trong sạch, vững mạnh tiêu biểu",
    "entered_from": "Nhập từ",
    "decision_reference": "Quyết định",
    "cell_count": "Số chi bộ",
    "target_share": "Chỉ tiêu",
    "round_year": "Năm",
}
