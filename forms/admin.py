"""Forms of the administration pages: users, grants, calendar corrections."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from forms.base import options


class UserForm(FlaskForm):
    username = StringField("Tên đăng nhập", render_kw={"maxlength": 60, "autocomplete": "off"})
    full_name = StringField("Họ và tên", render_kw={"maxlength": 100})


class GrantForm(FlaskForm):
    role = SelectField("Vai trò", choices=[], validate_choice=False)
    org_id = SelectField("Phạm vi", choices=[], validate_choice=False)
    title = StringField(
        "Chức danh ký (với người ký: BÍ THƯ, PHÓ BÍ THƯ)", render_kw={"maxlength": 60}
    )


class CalendarOverrideForm(FlaskForm):
    day = StringField("Ngày", render_kw={"placeholder": "ngày/tháng/năm", "class": "date"})
    kind = SelectField(
        "Loại",
        choices=options([("day_off", "Ngày nghỉ thêm"), ("working_day", "Ngày làm việc bù")]),
        validate_choice=False,
    )
    note = StringField("Căn cứ, ghi chú", render_kw={"maxlength": 200})
