"""What the audit trail's rows about classes are called."""

from __future__ import annotations

from states.training import ClassKind
from workflow.extensions import db

ACTION_LABELS = {
    "class.create": "Mở lớp bồi dưỡng",
    "class.update": "Sửa thông tin lớp bồi dưỡng",
    "class.trainee_added": "Đưa học viên vào danh sách lớp",
    "class.trainee_proposed": "Đề nghị cử học viên đi học lớp",
    "class.trainee_accepted": "Nhận học viên vào danh sách lớp",
    "class.trainee_withdrawn": "Rút học viên khỏi danh sách lớp",
    "class.result": "Ghi kết quả học tập của học viên",
    "class.roster_imported": "Nhập danh sách lớp từ tệp Excel",
    "class.certificate_reprinted": "In lại một giấy chứng nhận của lớp",
}
PAYLOAD_LABELS = {
    "class_title": "Lớp",
    "class_kind": "Loại lớp",
    "title": "Tên lớp",
    "organizer": "Đơn vị tổ chức",
    "starts_on": "Ngày khai giảng",
    "ends_on": "Ngày bế giảng",
    "place": "Địa điểm",
    "opening_decision": "Quyết định mở lớp",
    "certificate_issuer": "Cơ quan cấp giấy chứng nhận",
    "certificate_number": "Số giấy chứng nhận",
    "attendance": "Tham gia",
    "result": "Kết quả",
    "position": "Chức vụ",
    "sent_by": "Đơn vị cử đi học",
    "training_class": "Lớp",
    "rows": "Số dòng",
}


def action_labels(kinds: dict[str, ClassKind]) -> dict[str, str]:
    from workflow.training import certified_action

    out = dict(ACTION_LABELS)
    for kind in kinds.values():
        out[certified_action(kind.key)] = f"Cấp giấy chứng nhận lớp {kind.label.lower()}"
    return out


def class_name(class_id: int) -> str:
    from workflow.models import TrainingClass

    found = db.session.get(TrainingClass, class_id)
    return found.title if found is not None else f"#{class_id}"
