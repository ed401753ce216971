"""The member list import: the upload, and the choice made after the check."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField


class UploadForm(FlaskForm):
    file = FileField(
        "Tệp danh sách (.xlsx)",
        description="Theo tệp mẫu; tối đa 10 MB và 20.000 dòng mỗi lần.",
        render_kw={
            "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )


class CommitForm(FlaskForm):
    """all: the whole file (only when it has no problem); clean: only the rows without one."""

    mode = HiddenField()


class DiscardForm(FlaskForm):
    """Only the CSRF token."""
