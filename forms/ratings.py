"""Quality ratings: opening a period, the small forms that carry the CSRF token and a
sheet's version, the spreadsheet upload, and the model-cell round."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField

from forms.base import DATE_PLACEHOLDER, options
from states.ratings import PERIOD_KINDS

DATE = {"placeholder": DATE_PLACEHOLDER, "class": "date", "inputmode": "numeric"}


class PeriodForm(FlaskForm):
    kind = SelectField(
        "Kỳ đánh giá",
        choices=options(PERIOD_KINDS.items(), blank=None),
        validate_choice=False,
    )
    year = StringField(
        "Năm",
        render_kw={"inputmode": "numeric", "maxlength": 4},
        description="Nhiệm kỳ: ghi năm cuối của nhiệm kỳ.",
    )
    number = SelectField(
        "Quý (kỳ theo quý)",
        choices=options((str(n), f"Quý {n}") for n in range(1, 5)),
        validate_choice=False,
    )


class VersionForm(FlaskForm):
    """The CSRF token and the version of the sheet the form was opened with."""

    expected_version = HiddenField()


class ReturnForm(VersionForm):
    reason = StringField("Lý do trả lại", render_kw={"maxlength": 300})


class SheetUploadForm(FlaskForm):
    file = FileField(
        "Tệp xếp loại của chi bộ (.xlsx)",
        description="Theo tệp mẫu tải từ trang này; tối đa 2 MB.",
        render_kw={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )
    expected_version = HiddenField()


class RoundForm(FlaskForm):
    year = StringField("Năm đăng ký", render_kw={"inputmode": "numeric", "maxlength": 4})
    target_percent = StringField(
        "Chỉ tiêu (% số chi bộ)", render_kw={"inputmode": "numeric", "maxlength": 3}
    )


class DecisionForm(VersionForm):
    decided_on = StringField("Ngày quyết định", render_kw=DATE)
