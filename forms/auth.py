"""Login and password forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập", render_kw={"autocomplete": "username", "maxlength": 60})
    password = PasswordField(
        "Mật khẩu", render_kw={"autocomplete": "current-password", "maxlength": 200}
    )
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Mật khẩu hiện tại", render_kw={"autocomplete": "current-password"})
    new = PasswordField(
        "Mật khẩu mới (ít nhất 12 ký tự)", render_kw={"autocomplete": "new-password"}
    )
    confirm = PasswordField("Nhập lại mật khẩu mới", render_kw={"autocomplete": "new-password"})


class CodeForm(FlaskForm):
    code = StringField(
        "Mã xác thực (6 chữ số trên ứng dụng)",
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "maxlength": 10,
            "autofocus": True,
        },
    )


class SecondFactorForm(FlaskForm):
    password = PasswordField("Mật khẩu hiện tại", render_kw={"autocomplete": "current-password"})
    code = StringField(
        "Mã xác thực (6 chữ số trên ứng dụng)",
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 10},
    )
