"""The organization form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField


class OrganizationForm(FlaskForm):
    code = StringField("Mã (chữ không dấu, số, gạch nối)", render_kw={"maxlength": 20})
    name = StringField("Tên tổ chức đảng", render_kw={"maxlength": 200})
    kind = SelectField("Loại", choices=[], validate_choice=False)
    parent_id = SelectField("Trực thuộc", choices=[], validate_choice=False)
    authorized_to_admit = BooleanField("Được ủy quyền quyết định kết nạp đảng viên")
    abbreviation = StringField(
        "Ký hiệu trên văn bản (nếu được ủy quyền), ví dụ ĐU", render_kw={"maxlength": 20}
    )
    active = BooleanField("Đang hoạt động", default=True)
    expected_version = HiddenField()
