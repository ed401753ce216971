"""Training classes: the class form, putting a trainee on the roster, issuing certificates,
and the small forms that only carry the CSRF token and the class's version."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from forms.base import DATE_PLACEHOLDER, options
from forms.people import PersonForm
from states.training import POSITIONS

DATE = {"placeholder": DATE_PLACEHOLDER, "class": "date", "inputmode": "numeric"}


class ClassForm(FlaskForm):
    kind = SelectField("Loại lớp", choices=[], validate_choice=False)
    title = StringField(
        "Tên lớp, khóa học",
        render_kw={"maxlength": 200},
        description="Ví dụ: Lớp bồi dưỡng nhận thức về Đảng khóa 1/2026.",
    )
    organizer_id = SelectField("Đơn vị tổ chức", choices=[], validate_choice=False)
    starts_on = StringField("Ngày khai giảng", render_kw=DATE)
    ends_on = StringField("Ngày bế giảng", render_kw=DATE)
    place = StringField("Địa điểm (không bắt buộc)", render_kw={"maxlength": 200})
    opening_decision = StringField(
        "Số quyết định mở lớp (không bắt buộc)",
        render_kw={"maxlength": 80},
        description="Ví dụ: 125-QĐ/ĐUK.",
    )
    certificate_issuer = StringField(
        "Cơ quan cấp giấy chứng nhận",
        render_kw={"maxlength": 200},
        description="Để trống: Ban Thường vụ của đơn vị tổ chức.",
    )
    note = TextAreaField("Ghi chú (không bắt buộc)", render_kw={"maxlength": 2000, "rows": 3})
    expected_version = HiddenField()


class AddTraineeForm(FlaskForm):
    person = SelectField("Người trong tổ chức của bạn", choices=[], validate_choice=False)
    citizen_id = StringField(
        "Hoặc số CCCD",
        render_kw={"maxlength": 20, "inputmode": "numeric", "autocomplete": "off"},
        description="Người đã có hồ sơ được tìm theo số CCCD; người chưa có hồ sơ thì ghi "
        "thêm thông tin để tạo hồ sơ.",
    )
    position = SelectField(
        "Chức vụ (không bắt buộc)", choices=options(POSITIONS), validate_choice=False
    )


class NewTraineeForm(PersonForm):
    position = SelectField(
        "Chức vụ (không bắt buộc)", choices=options(POSITIONS), validate_choice=False
    )


class IssueForm(FlaskForm):
    issued_on = StringField("Ngày cấp giấy chứng nhận", render_kw=DATE)
    expected_version = HiddenField()


class VersionForm(FlaskForm):
    """The CSRF token and the class's version (the results grid, actions on the roster)."""

    expected_version = HiddenField()


class RosterUploadForm(FlaskForm):
    file = FileField(
        "Tệp danh sách lớp (.xlsx)",
        description="Theo tệp mẫu; tối đa 2 MB.",
        render_kw={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )
