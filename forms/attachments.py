"""The form that attaches a scan to a dossier. Its content is checked by the application, not
by the browser's ``accept`` hint or the type it reports."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField


class AttachmentForm(FlaskForm):
    purpose = SelectField("Giấy tờ", choices=[], validate_choice=False)
    file = FileField(
        "Tệp bản quét",
        description="PDF, JPEG hoặc PNG, tối đa 10 MB.",
        render_kw={"accept": "application/pdf,image/jpeg,image/png"},
    )
