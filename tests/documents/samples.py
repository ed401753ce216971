"""Sample snapshots of every document kind: what the templates receive."""

from __future__ import annotations

from workflow.procedures import DOCUMENT_KINDS

PERSON = {
    "full_name": "Nguyễn Thị Hằng",
    "birth_date": "15/03/2000",
    "home_town": "xã Phú Lộc, tỉnh Phú Thọ",
    "ethnicity": "Mường",
    "religion": "Không",
    "education": "Đại học",
    "occupation": "Chuyên viên Phòng Ngân sách",
}

COMMON = {
    "superior_name": "Đảng bộ tỉnh Phú Thọ",
    "issuer_name": "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh",
    "decider": "Ban Thường vụ Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh",
    "on_behalf": "T/M BAN THƯỜNG VỤ",
    "department": "Ban Tổ chức Đảng ủy Khối",
    "place": "Phú Thọ",
    "person": PERSON,
    "cell_name": "Chi bộ Phòng Ngân sách",
    "considering": "Xét Nghị quyết số 12-NQ/CB ngày 20/11/2025 của Chi bộ Phòng Ngân sách,",
    "executors": "Ban Tổ chức Đảng ủy Khối, Đảng ủy Sở Tài chính, Chi bộ Phòng Ngân sách",
    "recipients": ["Như Điều 3", "Lưu hồ sơ đảng viên, Văn phòng ĐUK"],
    "reference": "Số 15-QĐ/ĐUK",
    "decided_on_iso": "2026-03-05",
    "long_date": "ngày 05 tháng 3 năm 2026",
    "legal_bases": ["Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"],
    "signer_name": "Lê Văn Thường",
    "signer_title": "PHÓ BÍ THƯ",
    "verify_url": "http://127.0.0.1:5000/verify/abcdef",
    "chain": "#42 0123456789abcdef",
    "template_version": "test",
}

SAMPLES = {
    "admission": {
        **COMMON,
        "subject": "về việc kết nạp đảng viên",
        "form_code": "9-KNĐ",
        "ceremony_working_days": 30,
    },
    "recognition": {
        **COMMON,
        "subject": "về việc công nhận đảng viên chính thức",
        "form_code": "16-KNĐ",
        "joined_on": "06/01/2026",
        "admission_reference": "Số 1-QĐ/ĐUK",
        "admission_date": "18/12/2025",
        "official_on": "06/01/2027",
        "card_article": "Cấp thẻ đảng viên cho đồng chí Nguyễn Thị Hằng.",
    },
    "removal_probationary": {
        **COMMON,
        "subject": "về việc xóa tên trong danh sách đảng viên dự bị",
        "joined_on": "06/01/2026",
        "reason": "không đủ tư cách đảng viên chính thức",
    },
    "removal": {
        **COMMON,
        "subject": "về việc xóa tên đảng viên",
        "joined_on": "06/01/2010",
        "official_on": "06/01/2011",
        "card_number": "25012345",
        "reason": "bỏ sinh hoạt đảng ba tháng trong năm không có lý do chính đáng",
    },
    "leaving": {
        **COMMON,
        "subject": "về việc cho đảng viên ra khỏi Đảng",
        "applied_on": "02/02/2026",
        "joined_on": "06/01/2010",
        "official_on": "06/01/2011",
        "card_number": "25012345",
        "reason": "Đảng viên tự nguyện xin ra khỏi Đảng (hoàn cảnh gia đình khó khăn).",
    },
    "party_age_confirmation": {
        **COMMON,
        "subject": "",
        "subtitle": "(Cấp cho người được cho ra khỏi Đảng)",
        "joined_on": "06/01/2010",
        "admission_decision_on": "20/12/2009",
        "official_on": "06/01/2011",
        "leaving_decision": "số 15-QĐ/ĐUK",
        "left_on": "05/03/2026",
        "leaving_decider": "Ban Thường vụ Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh",
        "gaps": ["từ 01/03/2015 đến 01/03/2016"],
        "party_age": "15 năm 2 tháng",
        "request": "Đơn đề nghị ngày 01/03/2026",
    },
    "transfer_letter": {
        **COMMON,
        "subject": "giới thiệu sinh hoạt đảng",
        "member_status": "chính thức",
        "joined_on": "06/01/2010",
        "official_on": "06/01/2011",
        "card_number": "25012345",
        "biography_number": "123456-PT",
        "dues_paid_through": "02/2026",
        "transfer_kind": "chính thức",
        "destination": "Đảng ủy xã Hùng Lô, tỉnh Phú Thọ",
        "present_by": "16/04/2026",
        "present_working_days": 30,
    },
}


#: every kind a sample is for: the procedures' own
KINDS = dict(DOCUMENT_KINDS)
