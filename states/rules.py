"""Rule settings: every number the procedures use, with its source and the date it took effect.

A case is judged under the rule set in force on the date of each event (the meeting date, the
decision date, ...), so an old case keeps its old rules. To change a rule, add a new ``RuleSet``
with its effective date; never edit a number in place once events were judged by it.

Items marked ``uncertain`` follow the default of the domain reference until the primary text
(notably HD 38-HD/BTCTW of 29/9/2025 and its form appendix) has been compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

URL_AGE = "https://dukccqold.binhdinh.gov.vn/newsdetail.php?id=210&newsid=2394"
URL_EDU = "https://moj.gov.vn:443/qt/tintuc/Pages/van-ban-chinh-sach-moi.aspx?ItemID=3488"
URL_CERT = "https://download.vn/huong-dan-ket-nap-dang-vien-moi-34005"
URL_SPONSOR = "https://luatduonggia.vn/?p=813295"
URL_VOTE = "https://luatvietnam.vn/can-bo-cong-chuc/ty-le-bieu-quyet-ket-nap-dang-vien-566-95035-article.html"
URL_DECIDE = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/35A5C-hd-thoi-han-tham-quyen-quyet-dinh-"
    "ket-nap-dang-vien-xet-cong-nhan-dang-vien-chinh-thuc.html"
)
URL_CEREMONY = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/35A57-hd-thoi-han-to-chuc-le-ket-nap-va-"
    "thoi-diem-cong-nhan-dang-vien-chinh-thuc.html"
)
URL_DENOMINATOR = (
    "https://dangcongsan.vn/tien-toi-dai-hoi-dang-bo-cac-cap-va-dai-hoi-xiii-cua-dang/"
    "chuyen-muc-hoi-dap/cach-tinh-ket-qua-bau-cu-o-dai-hoi-cac-cap-dai-hoi-dang-vien-556421.html"
)
URL_FORMS = "http://tnu.edu.vn/ket-nap-dang-va-chuyen-dang-chinh-thuc-dn129.html"
URL_TRANSFER = "https://tccb.sgu.edu.vn/quanly/web/article/248"
URL_TRANSFER_START = (
    "https://ezlearning.edu.vn/topic/thu-tuc-xin-chuyen-sinh-hoat-dang-ve-dia-phuong"
)
URL_TRANSFER_CHECK = (
    "https://thuvienphapluat.vn/hoi-dap-phap-luat/55B08-hd-trach-nhiem-cua-cap-co-so-ve-xay-"
    "dung-va-quan-ly-ho-so-dang-vien.html"
)


@dataclass(frozen=True)
class Setting:
    value: Any
    source: str
    uncertain: bool = False
    note: str = ""


@dataclass(frozen=True)
class RuleSet:
    key: str
    title: str
    effective_from: date
    #: the "Căn cứ …" lines printed in decisions taken under this rule set
    legal_bases: tuple[str, ...]
    settings: Mapping[str, Setting] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.setting(key).value

    def setting(self, key: str) -> Setting:
        """The rule set's own setting, else the one a procedure declares for it (see
        ``declare``); KeyError when neither has it."""
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str) -> Setting | None:
        own = self.settings.get(key)
        if own is not None:
            return own
        versions = _DECLARED.get(key, ())
        return next((s for since, s in reversed(versions) if since <= self.effective_from), None)


#: settings a procedure declares in its own spec module (``ProcedureSpec.settings``): key →
#: ((the first rule set's effective date it belongs to, setting), ...) in date order
_DECLARED: dict[str, tuple[tuple[date, Setting], ...]] = {}


def declare(procedure: str, settings: Mapping[str, tuple[tuple[date, Setting], ...]]) -> None:
    """Add a procedure's own rule settings, keyed under its name ("removal.…"). A version
    belongs to every rule set in force from its date on: a new value of a number is a new
    version dated with the rule set that brought it. Called once per procedure by the registry
    (``states.REGISTRY``)."""
    for key, versions in settings.items():
        if not key.startswith(procedure + "."):
            raise ValueError(f"{procedure}: a procedure's setting is named {procedure}.…: {key}")
        dates = [since for since, _ in versions]
        if not versions or dates != sorted(set(dates)):
            raise ValueError(f"{key}: versions in date order, one per date")
        if key in _DECLARED and _DECLARED[key] != tuple(versions):
            raise ValueError(f"{key}: declared twice")
        _DECLARED[key] = tuple(versions)


def declared_settings() -> dict[str, tuple[tuple[date, Setting], ...]]:
    """Every setting the procedures declare, with its versions (for listing the rules)."""
    return dict(_DECLARED)


#: Form codes of the admission dossier, by purpose (2017–2022 numbering; HD 38-2025 may renumber).
ADMISSION_FORMS: Mapping[str, tuple[str, str]] = {
    "awareness_certificate": ("CN-NTVĐ", "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng"),
    "application": ("1-KNĐ", "Đơn xin vào Đảng"),
    "biography": ("2-KNĐ", "Lý lịch của người xin vào Đảng"),
    "sponsor_letter": ("3-KNĐ", "Giấy giới thiệu người vào Đảng"),
    "union_resolution": ("4-KNĐ", "Nghị quyết giới thiệu đoàn viên ưu tú vào Đảng"),
    "trade_union_resolution": (
        "4A-KNĐ",
        "Nghị quyết giới thiệu đoàn viên công đoàn ưu tú vào Đảng",
    ),
    "opinions": (
        "5-KNĐ",
        "Tổng hợp ý kiến nhận xét của đoàn thể chính trị – xã hội và chi ủy nơi cư trú",
    ),
    "verification_request": ("20-KNĐ", "Công văn đề nghị thẩm tra lý lịch"),
    "cell_resolution": ("6-KNĐ", "Nghị quyết đề nghị kết nạp đảng viên của chi bộ"),
    "subcommittee_report": ("7-KNĐ", "Báo cáo thẩm định của đảng ủy bộ phận"),
    "grassroots_resolution": ("8-KNĐ", "Nghị quyết đề nghị kết nạp đảng viên của đảng ủy cơ sở"),
    "admission_decision": ("9-KNĐ", "Quyết định kết nạp đảng viên"),
}

#: Papers of the probation and recognition dossier (HD 12-2022 Part II 1.1(c)).
PROBATION_FORMS: Mapping[str, tuple[str, str]] = {
    "new_member_certificate": (
        "CN-ĐVM",
        "Giấy chứng nhận học lớp bồi dưỡng lý luận chính trị dành cho đảng viên mới",
    ),
    "self_review": ("10-KNĐ", "Bản tự kiểm điểm của đảng viên dự bị"),
    "helper_assessment": (
        "11-KNĐ",
        "Bản nhận xét đảng viên dự bị của đảng viên chính thức được phân công giúp đỡ",
    ),
    "opinions": (
        "12-KNĐ",
        "Tổng hợp ý kiến nhận xét của đoàn thể chính trị – xã hội nơi sinh hoạt và chi ủy "
        "nơi cư trú",
    ),
    "cell_resolution": ("13-KNĐ", "Nghị quyết của chi bộ đề nghị công nhận (hoặc xóa tên)"),
    "subcommittee_report": ("14-KNĐ", "Báo cáo thẩm định của đảng ủy bộ phận"),
    "grassroots_resolution": ("15-KNĐ", "Nghị quyết đề nghị của đảng ủy cơ sở"),
    "recognition_decision": ("16-KNĐ", "Quyết định công nhận đảng viên chính thức"),
    "removal_decision": ("QĐ", "Quyết định xóa tên trong danh sách đảng viên dự bị"),
}

_BASE_SETTINGS: dict[str, Setting] = {
    "organization.min_official_members": Setting(
        3,
        "Tổ chức đảng được lập ở cơ quan, đơn vị có từ 3 đảng viên chính thức trở lên (Điều lệ "
        "Đảng, Điều 21; QĐ 24-QĐ/TW); https://dvdn247.net/dieu-kien-thanh-lap-chi-bo/",
    ),
    "admission.min_age_months": Setting(
        216, f"QĐ 24-QĐ/TW mục 1.1: đủ 18 tuổi, tính theo tháng, đến ngày chi bộ xét; {URL_AGE}"
    ),
    "admission.max_age_months": Setting(
        720,
        f"QĐ 24-QĐ/TW mục 1.1: đến đủ 60 tuổi; {URL_AGE}",
        uncertain=True,
        note="60 tuổi k tháng (k ≥ 1) coi là trên 60: chỉ theo đường đặc biệt.",
    ),
    "admission.min_education": Setting(
        "lower_secondary",
        f"QĐ 24-QĐ/TW mục 1.2: bằng tốt nghiệp THCS trở lên (bỏ 'tương đương'); {URL_EDU}",
    ),
    "admission.certificate_validity_months": Setting(
        60,
        f"HD 09-HD/BTCTW 2017 và các hướng dẫn sau: giấy chứng nhận có giá trị 5 năm; {URL_CERT}",
        uncertain=True,
        note="Tính đến ngày chi bộ họp xét kết nạp.",
    ),
    "admission.sponsor_count": Setting(2, f"Điều lệ Đảng, Điều 4; {URL_SPONSOR}"),
    "admission.sponsor_shared_months": Setting(
        12,
        f"QĐ 24-QĐ/TW mục 3: cùng công tác, học tập hoặc sinh hoạt nơi cư trú ít nhất 12 tháng; "
        f"{URL_SPONSOR}",
    ),
    "vote.approval_fraction": Setting(
        (2, 3),
        f"Điều lệ Đảng, Điều 4: ít nhất 2/3 số đảng viên chính thức tán thành; {URL_VOTE}; "
        f"trừ số vắng mặt có lý do theo {URL_DENOMINATOR}",
    ),
    "vote.standing_majority": Setting(
        (1, 2),
        "Điều lệ Đảng, Điều 10: nghị quyết của cơ quan lãnh đạo của Đảng chỉ có giá trị thi hành "
        "khi có hơn một nửa số thành viên của cơ quan đó tán thành; Ban Thường vụ cấp ủy cấp "
        f"trên quyết định kết nạp, công nhận theo đa số; {URL_DECIDE}",
        uncertain=True,
        note="Tính trên tổng số ủy viên Ban Thường vụ, không phải số dự họp (hơn một nửa).",
    ),
    "admission.decision_working_days": Setting(
        60, f"QĐ 24-QĐ/TW mục 3.4: 60 ngày làm việc từ ngày chi bộ có nghị quyết; {URL_DECIDE}"
    ),
    "admission.decision_extension_working_days": Setting(
        30, f"Trường hợp đặc biệt được kéo dài không quá 30 ngày làm việc; {URL_DECIDE}"
    ),
    "admission.ceremony_working_days": Setting(
        30, f"Chậm nhất 30 ngày làm việc từ khi chi bộ nhận quyết định; {URL_CEREMONY}"
    ),
    "probation.months": Setting(
        12, f"Điều lệ Đảng, Điều 5: thời kỳ dự bị 12 tháng; {URL_CEREMONY}"
    ),
    "probation.cell_review_working_days": Setting(
        30, f"Chậm nhất 30 ngày làm việc sau khi hết 12 tháng dự bị, chi bộ xét; {URL_CEREMONY}"
    ),
    "probation.decision_working_days": Setting(
        30, f"30 ngày làm việc từ ngày chi bộ có nghị quyết đề nghị công nhận; {URL_DECIDE}"
    ),
    "probation.decision_extension_working_days": Setting(
        30, f"Trường hợp đặc biệt được kéo dài không quá 30 ngày làm việc; {URL_DECIDE}"
    ),
    "probation.max_failed_votes": Setting(
        3,
        f"Sau 3 lần biểu quyết không đạt 2/3, báo cáo cấp ủy cấp trên xem xét; {URL_CEREMONY}",
    ),
    "probation.forms": Setting(
        PROBATION_FORMS,
        f"HD 12-HD/BTCTW 2022, phụ lục mẫu; {URL_FORMS}",
        uncertain=True,
        note="Giấy chứng nhận lớp đảng viên mới không có mã mẫu; CN-ĐVM là mã nội bộ.",
    ),
    "deadline.origin": Setting(
        "next_working_day",
        "Ngày làm việc thứ nhất là ngày làm việc kế tiếp sau sự kiện (cách hiểu thông dụng)",
        uncertain=True,
    ),
    "admission.forms": Setting(ADMISSION_FORMS, f"HD 12-HD/BTCTW 2022, phụ lục mẫu; {URL_FORMS}"),
    "transfer.start_working_days": Setting(
        60,
        "Trong 60 ngày làm việc kể từ ngày quyết định nghỉ hưu, chuyển công tác… có hiệu lực, "
        f"đảng viên phải làm xong thủ tục chuyển sinh hoạt đảng chính thức; {URL_TRANSFER_START}",
    ),
    "transfer.presentation_working_days": Setting(
        30,
        "Trong 30 ngày làm việc kể từ ngày tổ chức có thẩm quyền giới thiệu, đảng viên phải "
        f"xuất trình giấy giới thiệu với tổ chức đảng nơi đến; {URL_TRANSFER}",
    ),
    "transfer.check_months": Setting(
        3,
        "Hằng quý cấp ủy cơ sở kiểm tra phiếu báo chuyển sinh hoạt đảng, báo cáo đảng viên chậm "
        f"nộp hồ sơ quá 3 tháng; {URL_TRANSFER_CHECK}",
    ),
    "transfer.temporary_min_months": Setting(
        3, f"Chuyển sinh hoạt tạm thời: từ 3 tháng trở lên; {URL_TRANSFER_START}"
    ),
    "transfer.temporary_work_max_months": Setting(
        12,
        f"Thay đổi nơi cư trú, nơi làm việc dưới 1 năm (12 tháng, không kể tháng thứ 12); "
        f"{URL_TRANSFER_START}",
    ),
    "transfer.temporary_study_max_months": Setting(
        24, f"Đi học tập trung trong nước từ 3 tháng đến 2 năm; {URL_TRANSFER_START}"
    ),
    "transfer.temporary_grace_days": Setting(
        0,
        "Hết thời hạn ghi trên giấy giới thiệu tạm thời mà chưa trở về: quá hạn ngay (cách hiểu "
        "của hệ thống)",
        uncertain=True,
    ),
}

_CHARTER = "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"

RULE_SETS: tuple[RuleSet, ...] = (
    RuleSet(
        key="2022-01",
        title="QĐ 24-QĐ/TW (2021), HD 01-HD/TW (2021), HD 12-HD/BTCTW (2022)",
        effective_from=date(2022, 1, 18),
        legal_bases=(
            _CHARTER,
            "Căn cứ Quy định số 24-QĐ/TW ngày 30/07/2021 của Ban Chấp hành Trung ương về thi hành "
            "Điều lệ Đảng;",
            "Căn cứ Hướng dẫn số 01-HD/TW ngày 28/09/2021 của Ban Bí thư về một số vấn đề cụ thể "
            "thi hành Điều lệ Đảng;",
            "Căn cứ Hướng dẫn số 12-HD/BTCTW ngày 18/01/2022 của Ban Tổ chức Trung ương về nghiệp "
            "vụ công tác đảng viên;",
        ),
        settings=_BASE_SETTINGS,
    ),
    RuleSet(
        key="2025-01",
        title="QĐ 232-QĐ/TW (2025), HD 01-HD/TW (2021), HD 12-HD/BTCTW (2022)",
        effective_from=date(2025, 1, 20),
        legal_bases=(
            _CHARTER,
            "Căn cứ Quy định số 232-QĐ/TW ngày 20/01/2025 của Ban Chấp hành Trung ương về thi hành "
            "Điều lệ Đảng;",
            "Căn cứ Hướng dẫn số 01-HD/TW ngày 28/09/2021 của Ban Bí thư về một số vấn đề cụ thể "
            "thi hành Điều lệ Đảng;",
            "Căn cứ Hướng dẫn số 12-HD/BTCTW ngày 18/01/2022 của Ban Tổ chức Trung ương về nghiệp "
            "vụ công tác đảng viên;",
        ),
        settings=_BASE_SETTINGS,
    ),
    RuleSet(
        key="2025-07",
        title="QĐ 294-QĐ/TW (hiệu lực 01/07/2025), HD 06-HD/TW (2025), HD 12-HD/BTCTW (2022)",
        effective_from=date(2025, 7, 1),
        legal_bases=(
            _CHARTER,
            "Căn cứ Quy định số 294-QĐ/TW ngày 26/05/2025 của Ban Chấp hành Trung ương về thi hành "
            "Điều lệ Đảng;",
            "Căn cứ Hướng dẫn số 06-HD/TW ngày 09/06/2025 của Ban Bí thư về một số vấn đề cụ thể "
            "thi hành Điều lệ Đảng;",
            "Căn cứ Hướng dẫn số 12-HD/BTCTW ngày 18/01/2022 của Ban Tổ chức Trung ương về nghiệp "
            "vụ công tác đảng viên;",
        ),
        settings=_BASE_SETTINGS,
    ),
    RuleSet(
        key="2025-09",
        title="QĐ 294-QĐ/TW (2025), HD 06-HD/TW (2025), HD 38-HD/BTCTW (29/09/2025)",
        effective_from=date(2025, 9, 29),
        legal_bases=(
            _CHARTER,
            "Căn cứ Quy định số 294-QĐ/TW ngày 26/05/2025 của Ban Chấp hành Trung ương về thi hành "
            "Điều lệ Đảng;",
            "Căn cứ Hướng dẫn số 06-HD/TW ngày 09/06/2025 của Ban Bí thư về một số vấn đề cụ thể "
            "thi hành Điều lệ Đảng;",
            "Căn cứ Hướng dẫn số 38-HD/BTCTW ngày 29/09/2025 của Ban Tổ chức Trung ương về nghiệp "
            "vụ công tác đảng viên;",
        ),
        settings={
            **_BASE_SETTINGS,
            "admission.forms": replace(
                _BASE_SETTINGS["admission.forms"],
                uncertain=True,
                note="Mã mẫu theo HD 12-2022; cần đối chiếu phụ lục HD 38-HD/BTCTW.",
            ),
        },
    ),
)


def rules_on(day: date) -> RuleSet:
    """The rule set in force on ``day`` (the earliest one for events before it)."""
    current = RULE_SETS[0]
    for rule_set in RULE_SETS:
        if rule_set.effective_from <= day:
            current = rule_set
    return current


def dossier_forms(procedure: str, day: date) -> Mapping[str, tuple[str, str]]:
    """The papers a procedure's dossier holds, by purpose (none for a transfer)."""
    setting = rules_on(day).get(f"{procedure}.forms")
    return setting.value if setting is not None else {}


def vote_passes(yes: int, denominator: int, fraction: tuple[int, int]) -> bool:
    """yes ≥ numerator/denominator of the eligible total, in integers (no rounding errors)."""
    num, den = fraction
    return denominator > 0 and yes * den >= num * denominator


def votes_needed(denominator: int, fraction: tuple[int, int]) -> int:
    num, den = fraction
    return -(-num * denominator // den)


def majority_carries(yes: int, total: int, fraction: tuple[int, int]) -> bool:
    """yes is *more than* numerator/denominator of the total ("hơn một nửa")."""
    num, den = fraction
    return total > 0 and yes * den > num * total


def majority_needed(total: int, fraction: tuple[int, int]) -> int:
    num, den = fraction
    return num * total // den + 1
