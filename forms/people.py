"""The person form (used when putting someone on the source list and when editing them)."""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField

from forms.base import options
from states.facts import EDUCATION_LEVELS

PERSON_FIELDS = (
    "full_name",
    "birth_date",
    "sex",
    "ethnicity",
    "religion",
    "home_town",
    "citizen_id",
    "education",
    "occupation",
    "phone",
)


class PersonForm(FlaskForm):
    full_name = StringField("Họ và tên", render_kw={"maxlength": 100, "autocomplete": "off"})
    birth_date = StringField(
        "Ngày sinh",
        render_kw={"placeholder": "ngày/tháng/năm", "class": "date", "inputmode": "numeric"},
    )
    sex = SelectField(
        "Giới tính",
        choices=options([("male", "Nam"), ("female", "Nữ")]),
        validate_choice=False,
    )
    ethnicity = StringField("Dân tộc", default="Kinh", render_kw={"maxlength": 50})
    religion = StringField("Tôn giáo", default="Không", render_kw={"maxlength": 50})
    home_town = StringField("Quê quán", render_kw={"maxlength": 200})
    citizen_id = StringField(
        "Số CCCD (12 chữ số)",
        render_kw={"maxlength": 20, "inputmode": "numeric", "autocomplete": "off"},
    )
    education = SelectField(
        "Trình độ học vấn", choices=options(EDUCATION_LEVELS), validate_choice=False
    )
    occupation = StringField("Nghề nghiệp, chức vụ, đơn vị công tác", render_kw={"maxlength": 200})
    phone = StringField("Điện thoại (không bắt buộc)", render_kw={"maxlength": 20})
    cell_id = SelectField("Chi bộ", choices=[], validate_choice=False)
    #: shown with the warning on a name without diacritics: saving it anyway
    confirm_name = BooleanField("Họ tên này đúng là không có dấu — vẫn lưu")
    expected_version = HiddenField()

    def person_data(self) -> dict[str, str]:
        return {name: self[name].data or "" for name in PERSON_FIELDS}

    def hold_for_warnings(self, warnings: Mapping[str, str]) -> bool:
        """Put each warning on its field; True while the user has not confirmed them."""
        self.full_name.warning = warnings.get("full_name", "")
        self.full_name.confirm = self.confirm_name if self.full_name.warning else None
        return bool(self.full_name.warning) and not self.confirm_name.data
