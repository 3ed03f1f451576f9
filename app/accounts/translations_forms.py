"""The form of the translation review page: a reviewed sheet comes back."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField


class ReviewUploadForm(FlaskForm):
    file = FileField(_l("Reviewed sheet (XLSX)"),
                     validators=[FileRequired(), FileAllowed(["xlsx"], _l("Please upload the "
                                                                          "XLSX sheet."))])
    submit = SubmitField(_l("Import the review"))
