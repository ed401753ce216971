"""The account page's API access token forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from forms.base import options

LIFETIME_CHOICES = [
    ("90", "90 ngày"),
    ("30", "30 ngày"),
    ("365", "1 năm"),
    ("", "Không hết hạn (đến khi thu hồi)"),
]


class ApiTokenForm(FlaskForm):
    name = StringField(
        "Tên mã truy cập", render_kw={"maxlength": 80, "placeholder": "Ví dụ: Báo cáo tự động"}
    )
    lifetime = SelectField(
        "Thời hạn", choices=options(LIFETIME_CHOICES, blank=None), validate_choice=False
    )


class RevokeTokenForm(FlaskForm):
    """Only the CSRF token: the token to revoke is in the URL."""
