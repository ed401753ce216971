"""The documents the committee issues, and how each is titled, numbered and printed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentKind:
    key: str
    #: template under templates/pdf/
    template: str
    #: register symbol before the issuer's abbreviation: "QĐ" gives "Số 15-QĐ/ĐUK"
    doc_type: str
    title: str
    subject: str
    form_code: str
    label: str
    #: the signer's title when the grant names none
    signer_title: str = "BÍ THƯ"
    #: (snapshot key, rule setting): values the text takes from the rules in force on the day
    #: it is signed, the same in the draft the signer reviews and in the issued document
    rule_values: tuple[tuple[str, str], ...] = ()


KINDS: dict[str, DocumentKind] = {
    k.key: k
    for k in (
        DocumentKind(
            "admission",
            "pdf/admission.html",
            "QĐ",
            "QUYẾT ĐỊNH",
            "về việc kết nạp đảng viên",
            "9-KNĐ",
            "Quyết định kết nạp đảng viên",
            rule_values=(("ceremony_working_days", "admission.ceremony_working_days"),),
        ),
        DocumentKind(
            "recognition",
            "pdf/recognition.html",
            "QĐ",
            "QUYẾT ĐỊNH",
            "về việc công nhận đảng viên chính thức",
            "16-KNĐ",
            "Quyết định công nhận đảng viên chính thức",
        ),
        DocumentKind(
            "removal_probationary",
            "pdf/removal_probationary.html",
            "QĐ",
            "QUYẾT ĐỊNH",
            "về việc xóa tên trong danh sách đảng viên dự bị",
            "",
            "Quyết định xóa tên trong danh sách đảng viên dự bị",
        ),
        DocumentKind(
            "removal",
            "pdf/removal.html",
            "QĐ",
            "QUYẾT ĐỊNH",
            "về việc xóa tên đảng viên",
            "",
            "Quyết định xóa tên đảng viên",
        ),
        DocumentKind(
            "transfer_letter",
            "pdf/transfer_letter.html",
            "GT",
            "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG",
            "chính thức",
            "",
            "Giấy giới thiệu sinh hoạt đảng",
            "TRƯỞNG BAN TỔ CHỨC",
        ),
    )
}

KINDS["annulment"] = DocumentKind(
    "annulment",
    "pdf/annulment.html",
    "QĐ",
    "QUYẾT ĐỊNH",
    "về việc hủy bỏ quyết định",
    "",
    "Quyết định hủy bỏ",
)
